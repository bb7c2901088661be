/**
 * KZG point evaluation (0x0a, EIP-4844), verified synchronously on @noble/curves' BLS12-381.
 *
 * Input: exactly 192 bytes = versioned_hash(32) || z(32) || y(32) || commitment(48) || proof(48).
 * Checks: versioned_hash == 0x01 || sha256(commitment)[1:], z < BLS_MODULUS, y < BLS_MODULUS,
 * commitment and proof are valid compressed G1 points in the r-order subgroup (infinity allowed),
 * and verify_kzg_proof(commitment, z, y, proof). Anything else -> null (failure).
 * Output: FIELD_ELEMENTS_PER_BLOB (4096) || BLS_MODULUS, two 32-byte big-endian words.
 *
 * The only trusted-setup value needed is [τ]G2 = g2_monomial[1] of the mainnet setup, taken from
 * the setup file shipped in the kzg-wasm package (its WASM loader is never used). It is decoded
 * lazily on first use; `initPointEvaluation()` just does that eagerly (a few ms).
 *
 * Pairing check (consensus-specs `verify_kzg_proof_impl`):
 *   e(C - [y]G1, -G2) · e(π, [τ]G2 - [z]G2) == 1
 * By bilinearity e(π, -[z]G2) = e([z]π, -G2), so this is evaluated as
 *   e(C - [y]G1 + [z]π, -G2) · e(π, [τ]G2) == 1
 * which keeps both G2 arguments fixed (Miller-loop line coefficients precomputed once) and
 * moves the per-call scalar multiplications to G1.
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWord, viewOf, writeWord } from './words.ts';

export const FIELD_ELEMENTS_PER_BLOB = 4096n;
export const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const VERSIONED_HASH_VERSION_KZG = 0x01;

const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
const Fp12 = bls12_381.fields.Fp12;
type G1Point = InstanceType<typeof G1>;
type Precompute = ReturnType<typeof bls12_381.utils.calcPairingPrecomputes>;

/** Bytes of one compressed G2 point, and number of G2 points, in the mainnet setup. */
const G2_BYTES = 96;
const G2_POINTS = 65;

/** [τ]G2 from the mainnet trusted setup (kzg-wasm's copy), as compressed hex. */
function tauG2Hex(): string {
  // kzg-wasm's package.json "exports" only exposes ".", so the setup module cannot be imported by
  // subpath; resolve the package entry and load its sibling trustedSetup.js (data only, no WASM).
  const entry = fileURLToPath(import.meta.resolve('kzg-wasm'));
  const require = createRequire(import.meta.url);
  const mod = require(join(dirname(entry), 'trustedSetup.js'));
  const g2: unknown = (mod.default ?? mod).g2_monomial;
  if (typeof g2 !== 'string' || g2.replace(/^0x/, '').length !== G2_POINTS * G2_BYTES * 2) {
    throw new Error('kzg-wasm trusted setup: unexpected g2_monomial encoding');
  }
  const hex = g2.replace(/^0x/, '');
  return hex.slice(G2_BYTES * 2, 2 * G2_BYTES * 2); // g2_monomial[1]
}

type Setup = { negG2: Precompute; tauG2: Precompute };
let setup: Setup | undefined;

function getSetup(): Setup {
  if (setup !== undefined) return setup;
  const tau = G2.fromHex(tauG2Hex()); // decodes + checks on-curve and subgroup
  if (tau.is0()) throw new Error('kzg-wasm trusted setup: [τ]G2 is the point at infinity');
  const { calcPairingPrecomputes } = bls12_381.utils;
  setup = { negG2: calcPairingPrecomputes(G2.BASE.negate()), tauG2: calcPairingPrecomputes(tau) };
  return setup;
}

/**
 * Prepares the verifier (decodes [τ]G2 and precomputes the fixed pairing lines). Synchronous,
 * a few milliseconds; optional (the first verification does it), idempotent.
 */
export function initPointEvaluation(): void {
  getSetup();
}

/** Compressed G1 point in the r-order subgroup (infinity allowed), or null if invalid. */
function decodeG1(bytes: Uint8Array): G1Point | null {
  // c-kzg / blst only take the 48-byte compressed form: the compression flag must be set.
  if (bytes.length !== 48 || (bytes[0] & 0x80) === 0) return null;
  try {
    // fromBytes rejects bad flag combinations, non-canonical infinity, x >= p, x not on the
    // curve, and points outside the prime-order subgroup.
    return G1.fromBytes(bytes);
  } catch {
    return null;
  }
}

/** verify_kzg_proof_impl on decoded inputs (z, y already known to be < BLS_MODULUS). */
export function verifyKzgProof(commitment: G1Point, z: bigint, y: bigint, proof: G1Point): boolean {
  const { negG2, tauG2 } = getSetup();
  // A = C - [y]G1 + [z]π ; check e(A, -G2) · e(π, [τ]G2) == 1. Infinity terms contribute 1.
  const a = commitment.subtract(G1.BASE.multiplyUnsafe(y)).add(proof.multiplyUnsafe(z));
  const terms: [Precompute, bigint, bigint][] = [];
  if (!a.is0()) {
    const { x, y: ay } = a.toAffine();
    terms.push([negG2, x, ay]);
  }
  if (!proof.is0()) {
    const { x, y: py } = proof.toAffine();
    terms.push([tauG2, x, py]);
  }
  if (terms.length === 0) return true;
  return Fp12.eql(Fp12.finalExponentiate(bls12_381.millerLoopBatch(terms)), Fp12.ONE);
}

export function pointEvaluation(input: Uint8Array): Uint8Array | null {
  if (input.length !== 192) return null;
  const commitmentBytes = input.subarray(96, 144);
  // versioned_hash == 0x01 || sha256(commitment)[1:]
  if (input[0] !== VERSIONED_HASH_VERSION_KZG) return null;
  const h = sha256(commitmentBytes);
  for (let i = 1; i < 32; i++) if (input[i] !== h[i]) return null;
  const dv = viewOf(input);
  const z = readWord(dv, 32);
  const y = readWord(dv, 64);
  if (z >= BLS_MODULUS || y >= BLS_MODULUS) return null;
  const commitment = decodeG1(commitmentBytes);
  if (commitment === null) return null;
  const proof = decodeG1(input.subarray(144, 192));
  if (proof === null) return null;
  if (!verifyKzgProof(commitment, z, y, proof)) return null;
  const out = new Uint8Array(64);
  const odv = new DataView(out.buffer);
  writeWord(odv, 0, FIELD_ELEMENTS_PER_BLOB);
  writeWord(odv, 32, BLS_MODULUS);
  return out;
}
