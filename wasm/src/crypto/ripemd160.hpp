#pragma once

#include <cstddef>
#include <cstdint>

namespace evm::crypto {

// RIPEMD-160 (used by the 0x03 precompile; the EVM left-pads the 20-byte digest to 32).
void ripemd160(const uint8_t* data, size_t len, uint8_t out[20]);

}  // namespace evm::crypto
