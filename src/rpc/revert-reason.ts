// Human-readable revert reasons, as geth's abi.UnpackRevert produces them for "execution reverted: …".
import { bytesToBigInt } from "../crypto";

const ERROR_SELECTOR = [0x08, 0xc3, 0x79, 0xa0]; // Error(string)
const PANIC_SELECTOR = [0x4e, 0x48, 0x7b, 0x71]; // Panic(uint256)

// Solidity's panic codes, worded as geth words them.
const PANIC_REASONS: Record<number, string> = {
  0x00: "generic panic",
  0x01: "assert(false)",
  0x11: "arithmetic underflow or overflow",
  0x12: "division or modulo by zero",
  0x21: "enum overflow",
  0x22: "invalid encoded storage byte array accessed",
  0x31: "out-of-bounds array access; popping on an empty array",
  0x32: "out-of-bounds access of an array or bytesN",
  0x41: "out of memory",
  0x51: "uninitialized function",
};

function hasSelector(data: Uint8Array, selector: number[]): boolean {
  return data.length >= 4 && selector.every((b, i) => data[i] === b);
}

// Offsets and lengths come from untrusted contract output, so every read is bounds-checked.
function readWordAsIndex(data: Uint8Array, at: number): number | null {
  if (at + 32 > data.length) return null;
  const value = bytesToBigInt(data.subarray(at, at + 32));
  return value > BigInt(data.length) ? null : Number(value);
}

/**
 * The reason carried by revert data: the string of Error(string), the meaning of Panic(uint256),
 * or null for anything else (custom errors, empty or malformed data).
 */
export function decodeRevertReason(data: Uint8Array): string | null {
  if (hasSelector(data, ERROR_SELECTOR)) {
    const body = data.subarray(4);
    const offset = readWordAsIndex(body, 0);
    if (offset === null) return null;
    const length = readWordAsIndex(body, offset);
    if (length === null || offset + 32 + length > body.length) return null;
    return new TextDecoder().decode(body.subarray(offset + 32, offset + 32 + length));
  }
  if (hasSelector(data, PANIC_SELECTOR) && data.length === 36) {
    const code = bytesToBigInt(data.subarray(4));
    const known = code < 0x100n ? PANIC_REASONS[Number(code)] : undefined;
    return known ?? `unknown panic code: 0x${code.toString(16)}`;
  }
  return null;
}
