// Keys for LMDB (raw bytes) and for the in-memory overlay's Maps (strings with
// one char per byte: JS Maps cannot key on byte contents, and this is half the
// length of hex with no lookup table per byte).
import { hashBytes } from "../crypto/byte-hash";

/** A Map key holding exactly the bytes of `b`, one char code (0-255) per byte. */
export function bytesKey(b: Uint8Array): string {
  return String.fromCharCode.apply(null, b as unknown as number[]);
}

/**
 * A Map key for a 20-byte address or a 32-byte hash, slot or word: two bytes per char. Unlike
 * bytesKey it is one-to-one only within those two lengths (10 and 16 chars), so a Map keyed by
 * it holds nothing else; any other length is refused. It is made several times per transaction
 * for the same few accounts and slots, so keys are interned in a direct-mapped table: a hit
 * costs a hash of the bytes and a compare with the key's own chars (no separate copy of the
 * bytes to chase), and returns a string whose Map hash is already computed.
 */
export function idKey(b: Uint8Array): string {
  const n = b.length;
  if (n !== 20 && n !== 32) throw new RangeError(`idKey takes 20 or 32 bytes, got ${n}`);
  const slot = hashBytes(b, 0, n) & (INTERNED_KEYS - 1);
  const hit = interned[slot]!;
  if (hit.length === n >> 1 && keyHolds(hit, b)) return hit;
  const f = String.fromCharCode;
  const w = (i: number) => (b[i]! << 8) | b[i + 1]!;
  const key =
    n === 20
      ? f(w(0), w(2), w(4), w(6), w(8), w(10), w(12), w(14), w(16), w(18))
      : f(w(0), w(2), w(4), w(6), w(8), w(10), w(12), w(14), w(16), w(18), w(20), w(22), w(24), w(26), w(28), w(30));
  interned[slot] = key; // a collision just replaces the entry
  return key;
}

function keyHolds(key: string, b: Uint8Array): boolean {
  for (let c = 0; c < key.length; c++) if (key.charCodeAt(c) !== ((b[2 * c]! << 8) | b[2 * c + 1]!)) return false;
  return true;
}

const INTERNED_KEYS = 1 << 16;
const interned: string[] = new Array<string>(INTERNED_KEYS).fill("");

/** 8-byte big-endian key, so LMDB's byte order is numeric order (ranges over block numbers work). */
export function u64Key(n: bigint): Uint8Array {
  if (n < 0n || n >> 64n !== 0n) throw new RangeError(`${n} is not a 64-bit unsigned integer`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

/** Reads an 8-byte big-endian unsigned integer at `offset`. */
export function readU64(b: Uint8Array, offset = 0): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(offset);
}

/** `address ‖ slot`: storage rows of one account are contiguous, so dropping an account's storage is one range. */
export function storageRowKey(address: Uint8Array, slot: Uint8Array): Uint8Array {
  const out = new Uint8Array(address.length + slot.length);
  out.set(address, 0);
  out.set(slot, address.length);
  return out;
}

/** True when `key` begins with `prefix`. */
export function hasPrefix(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}
