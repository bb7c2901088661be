/** Order n of the secp256k1 group; valid ECDSA r and s lie in [1, n-1]. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** floor(n/2): EIP-2 rejects s above it so a signature cannot be flipped into a second valid one. */
export const SECP256K1_HALF_N = SECP256K1_N >> 1n;
