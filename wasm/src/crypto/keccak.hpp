#pragma once

#include <cstddef>
#include <cstdint>

namespace evm::crypto {

// Ethereum Keccak-256: original Keccak padding (0x01 ... 0x80), not FIPS-202 SHA3-256 (0x06).
void keccak256(const uint8_t* data, size_t len, uint8_t out[32]);

// The bare Keccak-f[1600] permutation on 25 lanes (lane i = x + 5*y), exposed for reuse/tests.
void keccak_f1600(uint64_t state[25]);

}  // namespace evm::crypto
