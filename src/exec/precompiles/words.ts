/**
 * Small big-endian 256-bit word helpers shared by the host precompiles.
 * Inputs may be views into foreign memory (e.g. WASM linear memory); every
 * helper copies what it needs and never keeps a reference to the input.
 */

const U64 = 64n;
const MASK64 = 0xffffffffffffffffn;

/** Returns `input` if it already has at least `len` bytes, else a zero-padded copy. */
export function padRight(input: Uint8Array, len: number): Uint8Array {
  if (input.length >= len) return input;
  const out = new Uint8Array(len);
  out.set(input);
  return out;
}

/** A DataView over exactly the bytes of `bytes` (respects byteOffset of subarrays). */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads the 32-byte big-endian word at `off` (caller guarantees off + 32 <= length). */
export function readWord(dv: DataView, off: number): bigint {
  return (
    (((((dv.getBigUint64(off) << U64) | dv.getBigUint64(off + 8)) << U64) |
      dv.getBigUint64(off + 16)) <<
      U64) |
    dv.getBigUint64(off + 24)
  );
}

/** Writes `v` (0 <= v < 2^256) as a 32-byte big-endian word at `off`. */
export function writeWord(dv: DataView, off: number, v: bigint): void {
  dv.setBigUint64(off, (v >> 192n) & MASK64);
  dv.setBigUint64(off + 8, (v >> 128n) & MASK64);
  dv.setBigUint64(off + 16, (v >> U64) & MASK64);
  dv.setBigUint64(off + 24, v & MASK64);
}

