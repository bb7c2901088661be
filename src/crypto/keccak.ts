import { keccak_256 } from "@noble/hashes/sha3.js";

/** A Keccak-256 implementation: bytes in, 32-byte digest out. */
export type KeccakImpl = (data: Uint8Array) => Uint8Array;

const nobleKeccak: KeccakImpl = (data) => keccak_256(data);

// Module-level so the WASM core can install a faster hash once at startup
// without every caller having to thread an implementation through.
let impl: KeccakImpl = nobleKeccak;

/** Keccak-256 (the pre-standard SHA-3 variant Ethereum uses) of `data`. */
export function keccak256(data: Uint8Array): Uint8Array {
  return impl(data);
}

/**
 * Replaces the implementation behind `keccak256` for the whole process.
 * Pass `null` to go back to the pure-JS default.
 */
export function setKeccakImpl(fn: KeccakImpl | null): void {
  impl = fn ?? nobleKeccak;
}

/** The implementation `keccak256` currently delegates to. */
export function getKeccakImpl(): KeccakImpl {
  return impl;
}
