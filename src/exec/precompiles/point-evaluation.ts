/**
 * KZG point evaluation (0x0a, EIP-4844), backed by kzg-wasm (c-kzg-4844 compiled to WASM,
 * shipping the mainnet trusted setup).
 *
 * Input: exactly 192 bytes = versioned_hash(32) || z(32) || y(32) || commitment(48) || proof(48).
 * Checks: versioned_hash == 0x01 || sha256(commitment)[1:], z < BLS_MODULUS, y < BLS_MODULUS,
 * and verify_kzg_proof(commitment, z, y, proof). Anything else -> null (failure).
 * Output: FIELD_ELEMENTS_PER_BLOB (4096) || BLS_MODULUS, two 32-byte big-endian words.
 *
 * kzg-wasm loads asynchronously: `await initPointEvaluation()` once before calling.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { loadKZG } from 'kzg-wasm';
import { readWord, viewOf, writeWord } from './words.ts';

export const FIELD_ELEMENTS_PER_BLOB = 4096n;
export const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const VERSIONED_HASH_VERSION_KZG = 0x01;

export type KZG = Awaited<ReturnType<typeof loadKZG>>;
let kzg: KZG | undefined;
let loading: Promise<KZG> | undefined;

/** Loads kzg-wasm and the mainnet trusted setup. Idempotent; concurrent callers share one load. */
export async function initPointEvaluation(): Promise<void> {
  if (kzg !== undefined) return;
  loading ??= loadKZG();
  try {
    kzg = await loading;
  } catch (err) {
    loading = undefined; // allow a retry after a failed load
    throw err;
  }
}

/**
 * The loaded kzg-wasm instance (mainnet setup), for callers that need other KZG operations
 * (e.g. blob transaction validation) without paying the multi-second load twice.
 * Throws if `initPointEvaluation()` / `initPrecompiles()` has not resolved yet.
 */
export function loadedKzg(): KZG {
  if (kzg === undefined) throw new Error('KZG not loaded: await initPrecompiles() first');
  return kzg;
}

const hex = (b: Uint8Array) => '0x' + bytesToHex(b);

export function pointEvaluation(input: Uint8Array): Uint8Array | null {
  if (kzg === undefined) {
    throw new Error('point evaluation precompile used before initPrecompiles() resolved');
  }
  if (input.length !== 192) return null;
  const commitment = input.subarray(96, 144);
  // versioned_hash == 0x01 || sha256(commitment)[1:]
  if (input[0] !== VERSIONED_HASH_VERSION_KZG) return null;
  const h = sha256(commitment);
  for (let i = 1; i < 32; i++) if (input[i] !== h[i]) return null;
  const dv = viewOf(input);
  if (readWord(dv, 32) >= BLS_MODULUS || readWord(dv, 64) >= BLS_MODULUS) return null;
  let ok: boolean;
  try {
    // Malformed commitment / proof encodings make c-kzg report an error: treat as failure.
    ok = kzg.verifyKZGProof(
      hex(commitment),
      hex(input.subarray(32, 64)),
      hex(input.subarray(64, 96)),
      hex(input.subarray(144, 192)),
    );
  } catch {
    return null;
  }
  if (ok !== true) return null;
  const out = new Uint8Array(64);
  const odv = new DataView(out.buffer);
  writeWord(odv, 0, FIELD_ELEMENTS_PER_BLOB);
  writeWord(odv, 32, BLS_MODULUS);
  return out;
}
