// DATA in the Ethereum JSON-RPC spec: 0x-prefixed hex, two digits per byte.
import { hexToBytes } from "../../crypto";
import { hexDigits } from "./hex-digits";
import { paramError } from "./param-error";

/** Decodes hex bytes; `length` demands an exact size and `what` names it in errors (e.g. "address"). */
export function decodeData(value: unknown, path: string, length?: number, what?: string): Uint8Array {
  const expected =
    length === undefined
      ? "0x-prefixed hex data with an even number of digits"
      : `${what ?? "data"} of ${length} bytes (0x followed by ${length * 2} hex digits)`;
  const digits = hexDigits(value, path, expected);
  if (digits.length % 2 !== 0) throw paramError(path, expected, value, "it has an odd number of hex digits");
  if (length !== undefined && digits.length !== length * 2) {
    throw paramError(path, expected, value, `it is ${digits.length / 2} bytes`);
  }
  return hexToBytes(digits);
}

/** A 20-byte address in any letter case; checksums are not enforced, as geth does not. */
export function decodeAddress(value: unknown, path: string): Uint8Array {
  return decodeData(value, path, 20, "an address");
}

/** A 32-byte hash (block hash, transaction hash, topic). */
export function decodeHash(value: unknown, path: string): Uint8Array {
  return decodeData(value, path, 32, "a hash");
}

/**
 * A storage slot: up to 32 bytes of hex, left-padded, because ethers and geth send slots as
 * quantities ("0x0") as often as full words.
 */
export function decodeStorageSlot(value: unknown, path: string): Uint8Array {
  const expected = 'a storage slot (0x-prefixed hex of at most 32 bytes, e.g. "0x0")';
  const digits = hexDigits(value, path, expected);
  if (digits.length === 0 || digits.length > 64) throw paramError(path, expected, value);
  return hexToBytes(digits.padStart(64, "0"));
}
