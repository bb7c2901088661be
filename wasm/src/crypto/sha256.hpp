#pragma once

#include <cstddef>
#include <cstdint>

namespace evm::crypto {

// FIPS 180-4 SHA-256 (used by the 0x02 precompile).
void sha256(const uint8_t* data, size_t len, uint8_t out[32]);

}  // namespace evm::crypto
