// Decodes Solidity's Error(string) revert payload, for "execution reverted: <reason>".
const ERROR_SELECTOR = [0x08, 0xc3, 0x79, 0xa0];

export function decodeRevertReason(data: Uint8Array): string | undefined {
  if (data.length < 68 || ERROR_SELECTOR.some((b, i) => data[i] !== b)) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const len = Number(view.getBigUint64(4 + 32 + 24));
  if (68 + len > data.length) return undefined;
  return new TextDecoder().decode(data.subarray(68, 68 + len));
}
