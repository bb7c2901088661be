/** A 32-bit hash of the 20-byte address at `at` of `b`, for the open-addressing tables of a batch. */
export function hashAddress(b: Uint8Array, at = 0): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 20; i += 4) h = Math.imul(h ^ (b[at + i]! | (b[at + i + 1]! << 8) | (b[at + i + 2]! << 16) | (b[at + i + 3]! << 24)), 0x01000193) ^ (h >>> 15);
  return h ^ (h >>> 13);
}
