#pragma once

#include <cstdint>

namespace evm::crypto {

// EIP-152 BLAKE2b compression function F. `rounds` is caller-chosen (0..2^32-1); round i uses
// message schedule SIGMA[i % 10]. h is updated in place. Words are host integers: the precompile
// layer is responsible for decoding the little-endian input encoding.
void blake2b_compress(uint32_t rounds, uint64_t h[8], const uint64_t m[16], const uint64_t t[2],
                      bool final_block);

}  // namespace evm::crypto
