/**
 * alt_bn128 / bn254 precompiles (EIP-196, EIP-197), backed by @noble/curves.
 *
 *   ECADD     (0x06): input right-padded to 128 bytes: x1 y1 x2 y2.        -> 64-byte point
 *   ECMUL     (0x07): input right-padded to 96 bytes:  x y k (k: any 256-bit value).
 *   ECPAIRING (0x08): k * 192 bytes of (G1 x, y; G2 x_im, x_re, y_im, y_re). -> 32-byte 0/1
 *
 * Every function returns `null` on failure (the precompile call fails and burns its gas):
 * a coordinate >= the field modulus, a point not on its curve, a G2 point outside the
 * order-n subgroup, or a pairing input whose length is not a multiple of 192.
 * (0, 0) — and ((0,0),(0,0)) in G2 — encodes the point at infinity.
 *
 * Points are built directly from validated affine coordinates; nothing is cached across
 * calls (noble's own per-instance validity cache only ever sees this call's new points).
 */
import { bn254 } from '@noble/curves/bn254.js';
import { padRight, readWord, viewOf, writeWord } from './words.ts';

type G1Point = InstanceType<typeof bn254.G1.Point>;
type G2Point = InstanceType<typeof bn254.G2.Point>;

const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const { Fp, Fp2, Fp12, Fr } = bn254.fields;
/** Base field modulus p. */
const P = Fp.ORDER;
/** Group order n (G1 has cofactor 1, so every valid G1 point has order dividing n). */
const N = Fr.ORDER;
/** G2 twist coefficient b' = 3 / (9 + i). */
const B2 = G2.CURVE().b;
const B1 = 3n;

const PAIR_LEN = 192;

/** Decodes the G1 point at `off`; null if a coordinate is >= p or the point is off-curve. */
function readG1(dv: DataView, off: number): G1Point | null {
  const x = readWord(dv, off);
  const y = readWord(dv, off + 32);
  if (x >= P || y >= P) return null;
  if (x === 0n && y === 0n) return G1.ZERO;
  // y^2 == x^3 + 3 (mod p). G1 has cofactor 1: on-curve implies in the subgroup.
  if (Fp.sqr(y) !== Fp.add(Fp.mul(Fp.sqr(x), x), B1)) return null;
  return new G1(x, y, Fp.ONE);
}

/**
 * Decodes the G2 point at `off`, encoded (x_imag, x_real, y_imag, y_real).
 * Null if any coordinate is >= p, the point is not on the twist, or not in the subgroup.
 */
function readG2(dv: DataView, off: number): G2Point | null {
  const xi = readWord(dv, off);
  const xr = readWord(dv, off + 32);
  const yi = readWord(dv, off + 64);
  const yr = readWord(dv, off + 96);
  if (xi >= P || xr >= P || yi >= P || yr >= P) return null;
  if (xi === 0n && xr === 0n && yi === 0n && yr === 0n) return G2.ZERO;
  const x = Fp2.fromBigTuple([xr, xi]); // noble: c0 = real, c1 = imaginary
  const y = Fp2.fromBigTuple([yr, yi]);
  // y^2 == x^3 + b'
  if (!Fp2.eql(Fp2.sqr(y), Fp2.add(Fp2.mul(Fp2.sqr(x), x), B2))) return null;
  const pt = new G2(x, y, Fp2.ONE);
  if (!pt.isTorsionFree()) return null;
  return pt;
}

function encodeG1(p: G1Point): Uint8Array {
  const out = new Uint8Array(64);
  if (p.is0()) return out;
  const { x, y } = p.toAffine();
  const dv = new DataView(out.buffer);
  writeWord(dv, 0, x);
  writeWord(dv, 32, y);
  return out;
}

/** ECADD (0x06). */
export function ecAdd(input: Uint8Array): Uint8Array | null {
  const dv = viewOf(padRight(input, 128));
  const a = readG1(dv, 0);
  if (a === null) return null;
  const b = readG1(dv, 64);
  if (b === null) return null;
  return encodeG1(a.add(b));
}

/** ECMUL (0x07). The scalar is any 256-bit value; it is reduced mod n (exact, as ord(P) | n). */
export function ecMul(input: Uint8Array): Uint8Array | null {
  const dv = viewOf(padRight(input, 96));
  const p = readG1(dv, 0);
  if (p === null) return null;
  const k = readWord(dv, 64) % N;
  return encodeG1(p.multiplyUnsafe(k)); // multiplyUnsafe accepts 0 and returns ZERO
}

/** ECPAIRING (0x08). */
export function ecPairing(input: Uint8Array): Uint8Array | null {
  if (input.length % PAIR_LEN !== 0) return null;
  const dv = viewOf(input);
  const count = input.length / PAIR_LEN;
  // Inputs to the shared Miller loop: [G2 line coefficients, G1 x, G1 y].
  const loop: Parameters<typeof bn254.millerLoopBatch>[0] = [];
  for (let i = 0; i < count; i++) {
    const off = i * PAIR_LEN;
    // Validate both points of every pair, even if the other one is infinity.
    const g1 = readG1(dv, off);
    if (g1 === null) return null;
    const g2 = readG2(dv, off + 64);
    if (g2 === null) return null;
    // e(O, Q) = e(P, O) = 1: such pairs contribute nothing to the product.
    if (g1.is0() || g2.is0()) continue;
    loop.push([bn254.utils.calcPairingPrecomputes(g2), g1.X, g1.Y]); // g1 is affine (Z = 1)
  }
  const out = new Uint8Array(32);
  if (loop.length === 0 || Fp12.eql(Fp12.finalExponentiate(bn254.millerLoopBatch(loop)), Fp12.ONE)) {
    out[31] = 1;
  }
  return out;
}
