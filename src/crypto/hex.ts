// Hex is for edges (config, RPC, test vectors); hot paths stay in bytes.

/**
 * Lower-case `0x`-prefixed hex of `bytes`. Uint8Array.prototype.toHex (native in Bun) is 3-10x
 * faster than building the string in JS, which RPC formatting does for every hash, bloom and
 * log of every receipt it sends.
 */
export function bytesToHex(bytes: Uint8Array): string {
  return "0x" + (bytes as Uint8Array & { toHex(): string }).toHex();
}

/**
 * Parses hex (with or without `0x`) into bytes. Throws on odd length or
 * non-hex characters rather than guessing, since silently padding hides bugs.
 * Uint8Array.fromHex (native) does the work: every raw transaction and
 * parameter arriving over RPC passes through here.
 */
export function hexToBytes(hex: string): Uint8Array {
  const body = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (body.length % 2 !== 0) throw new Error(`hexToBytes: odd number of hex digits in "${hex}"`);
  try {
    return (Uint8Array as unknown as { fromHex(s: string): Uint8Array }).fromHex(body);
  } catch {
    throw new Error(`hexToBytes: invalid hex character in "${hex}"`);
  }
}

/** Big-endian unsigned bigint of arbitrary-length `bytes` (empty is 0n). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  let i = 0;
  // Eight bytes at a time keeps bigint operations (the slow part) few.
  for (; i + 8 <= bytes.length; i += 8) {
    let word = 0n;
    for (let j = 0; j < 8; j += 4) {
      const chunk =
        ((bytes[i + j]! << 24) | (bytes[i + j + 1]! << 16) | (bytes[i + j + 2]! << 8) | bytes[i + j + 3]!) >>> 0;
      word = (word << 32n) | BigInt(chunk);
    }
    n = (n << 64n) | word;
  }
  for (; i < bytes.length; i++) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** 32-byte big-endian encoding of `n`; throws if `n` is negative or ≥ 2^256. */
export function bigintToBytes32(n: bigint): Uint8Array {
  if (n < 0n || n >> 256n !== 0n) throw new RangeError(`bigintToBytes32: ${n} does not fit in 32 unsigned bytes`);
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0 && n !== 0n; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** Unsigned bigint of a 32-byte big-endian word; throws on any other length. */
export function bytes32ToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length !== 32) throw new RangeError(`bytes32ToBigInt: expected 32 bytes, got ${bytes.length}`);
  return bytesToBigInt(bytes);
}

/** Byte-wise equality of two arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether the `n` bytes of `a` at `at` equal those of `b` at `bt` (no views made: for hot paths). */
export function bytesEqualAt(a: Uint8Array, at: number, b: Uint8Array, bt: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[at + i] !== b[bt + i]) return false;
  return true;
}

/** Whether the `n` bytes of `b` at `at` are all zero. */
export function isZeroAt(b: Uint8Array, at: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[at + i] !== 0) return false;
  return true;
}
