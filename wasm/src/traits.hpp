// Fork-independent facts about each opcode, built once at compile time from opcodes.hpp.
// The interpreter checks stack bounds and charges base gas from this table before the
// instruction runs, so instructions themselves never re-check them.
#pragma once
#include <array>
#include <cstdint>

#include "opcodes.hpp"

namespace evm {

enum Opcode : uint8_t {
#define X(name, value, gas, in, out) OP_##name = value,
  EVM_OPCODES(X)
#undef X
  OP_PUSH1 = 0x60,
  OP_PUSH32 = 0x7f,
  OP_DUP1 = 0x80,
  OP_DUP16 = 0x8f,
  OP_SWAP1 = 0x90,
  OP_SWAP16 = 0x9f,
};

struct OpTraits {
  int16_t base_gas = -1;   // -1: undefined opcode
  uint8_t stack_in = 0;    // items required
  int8_t stack_change = 0; // net change in height
};

constexpr std::array<OpTraits, 256> make_traits() {
  std::array<OpTraits, 256> t{};
#define X(name, value, gas, in, out) t[value] = {gas, in, int8_t(out - in)};
  EVM_OPCODES(X)
#undef X
  for (int i = 0; i < 32; ++i) t[0x60 + i] = {3, 0, 1};
  for (int i = 0; i < 16; ++i) t[0x80 + i] = {3, uint8_t(i + 1), 1};
  for (int i = 0; i < 16; ++i) t[0x90 + i] = {3, uint8_t(i + 2), 0};
  return t;
}

inline constexpr std::array<OpTraits, 256> kTraits = make_traits();

inline constexpr int kStackLimit = 1024;
inline constexpr int kCallDepthLimit = 1024;

}  // namespace evm
