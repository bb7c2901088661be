/**
 * TypeScript side of the core's `host_precompile(address, input) -> output | failure` import.
 *
 * The C++ core implements the hashing precompiles itself and charges gas for all of them;
 * only the elliptic-curve and KZG precompiles are delegated here. Gas is NOT handled here.
 *
 *   0x01 ECRECOVER   0x06 ECADD   0x07 ECMUL   0x08 ECPAIRING   0x0a KZG point evaluation
 *
 * Everything is synchronous and load-free; `initPrecompiles()` only pre-warms the KZG verifier.
 */
import { ecAdd, ecMul, ecPairing } from './bn254.ts';
import { ecrecover } from './ecrecover.ts';
import { initPointEvaluation, pointEvaluation } from './point-evaluation.ts';

export { ecrecover } from './ecrecover.ts';
export { ecAdd, ecMul, ecPairing } from './bn254.ts';
export { pointEvaluation, verifyKzgProof, BLS_MODULUS, FIELD_ELEMENTS_PER_BLOB } from './point-evaluation.ts';

/**
 * Optional warm-up (decodes the KZG setup point [τ]G2 and precomputes its pairing lines, a few ms);
 * `runHostPrecompile` works without it. Kept async and idempotent for existing callers.
 */
export async function initPrecompiles(): Promise<void> {
  initPointEvaluation();
}

/** Addresses served by `runHostPrecompile`. */
export const HOST_PRECOMPILE_ADDRESSES: readonly number[] = Object.freeze([0x01, 0x06, 0x07, 0x08, 0x0a]);

/**
 * Runs the host-side precompile at `address` on `input`.
 * Returns the output bytes (possibly empty: ecrecover's "no result"), or null on failure.
 * The input is only read during the call; a non-empty result is freshly allocated.
 * Throws for an address this host does not implement (a wiring bug, not an EVM failure).
 */
export function runHostPrecompile(address: number, input: Uint8Array): Uint8Array | null {
  switch (address) {
    case 0x01:
      return ecrecover(input);
    case 0x06:
      return ecAdd(input);
    case 0x07:
      return ecMul(input);
    case 0x08:
      return ecPairing(input);
    case 0x0a:
      return pointEvaluation(input);
    default:
      throw new Error(
        `runHostPrecompile: no host precompile at address 0x${address.toString(16).padStart(2, '0')} ` +
          `(host implements 0x01, 0x06, 0x07, 0x08, 0x0a)`,
      );
  }
}
