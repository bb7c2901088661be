import { bytesToHex } from "../crypto/hex";
import { keccak256 } from "../crypto/keccak";

const encoder = new TextEncoder();

/** EIP-55 mixed-case hex of a 20-byte address, as geth prints addresses in error messages. */
export function toChecksumAddress(address: Uint8Array): string {
  const lower = bytesToHex(address).slice(2);
  const hash = keccak256(encoder.encode(lower));
  let out = "0x";
  for (let i = 0; i < lower.length; i++) {
    const nibble = i % 2 === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 15;
    out += nibble >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  }
  return out;
}
