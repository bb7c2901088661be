import { RlpError } from "./rlp-error";

const EMPTY = new Uint8Array(0);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Minimal big-endian bytes of a non-negative bigint, as RLP scalars require (0 is empty). */
export function bigintToMinimalBytes(n: bigint): Uint8Array {
  if (n < 0n) throw new RangeError(`cannot RLP-encode negative integer ${n}`);
  if (n <= MAX_SAFE) return numberToMinimalBytes(Number(n));
  // Peel 32-bit words so a 256-bit value costs ~8 bigint ops, not a string round trip.
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  const top = words[words.length - 1]!;
  const topBytes = top >= 0x1000000 ? 4 : top >= 0x10000 ? 3 : top >= 0x100 ? 2 : 1;
  const out = new Uint8Array(topBytes + 4 * (words.length - 1));
  let pos = out.length;
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!;
    const count = w === words.length - 1 ? topBytes : 4;
    for (let b = 0; b < count; b++) out[--pos] = (word >>> (8 * b)) & 0xff;
  }
  return out;
}

/** Minimal big-endian bytes of a non-negative safe integer (0 is empty). */
export function numberToMinimalBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`cannot RLP-encode ${n} as an unsigned integer`);
  if (n === 0) return EMPTY;
  let len = 0;
  for (let m = n; m > 0; m = Math.floor(m / 256)) len++;
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = n % 256;
    n = Math.floor(n / 256);
  }
  return out;
}

/**
 * Reads an RLP scalar back into a bigint, rejecting leading zero bytes:
 * such encodings are not canonical and must not be accepted from the wire.
 */
export function minimalBytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length > 0 && bytes[0] === 0) throw new RlpError("integer has a leading zero byte", 0);
  let n = 0n;
  for (let i = 0; i < bytes.length; i++) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/**
 * `word` without its leading zero bytes (empty for zero): the stored and RLP form of a slot
 * value. `word` itself when it has none, else a copy: a view (subarray) of a small array that
 * has never had one costs far more than copying a few bytes, as it must first move the array
 * to a buffer of its own.
 */
export function trimLeadingZeros(word: Uint8Array): Uint8Array {
  let i = 0;
  while (i < word.length && word[i] === 0) i++;
  return i === 0 ? word : word.slice(i);
}
