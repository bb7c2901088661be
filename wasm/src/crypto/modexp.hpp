#pragma once

#include <cstddef>
#include <cstdint>

namespace evm::crypto {

// EIP-198 modular exponentiation on big-endian byte strings of any length.
// Writes base^exp mod mod to out (exactly mod_len bytes, left-padded with zeros).
// mod == 0 (including mod_len == 0) yields all zeros; 0^0 == 1 (as EIP-198 specifies).
// Scratch memory comes from malloc; should that fail, out is zeroed.
void modexp(const uint8_t* base, size_t base_len, const uint8_t* exp, size_t exp_len,
            const uint8_t* mod, size_t mod_len, uint8_t* out /* mod_len bytes */);

}  // namespace evm::crypto
