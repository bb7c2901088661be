// A fast non-cryptographic hash of fixed-size byte keys (addresses, slots, hashes) for the
// open-addressing tables of the state overlay and the parallel executor.

/** A 32-bit hash of the `n` bytes (a multiple of 4) at `at` of `b`. */
export function hashBytes(b: Uint8Array, at: number, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i += 4) h = Math.imul(h ^ (b[at + i]! | (b[at + i + 1]! << 8) | (b[at + i + 2]! << 16) | (b[at + i + 3]! << 24)), 0x01000193) ^ (h >>> 15);
  return h ^ (h >>> 13);
}

/** A 32-bit hash of the 20-byte address at `at` of `b`. */
export function hashAddress(b: Uint8Array, at = 0): number {
  return hashBytes(b, at, 20);
}
