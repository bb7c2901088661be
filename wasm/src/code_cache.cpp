#include "code_cache.hpp"

#include <cstring>

#include "traits.hpp"

namespace evm {

std::unique_ptr<Code> analyze(const uint8_t* bytes, uint32_t size) {
  auto code = std::make_unique<Code>();
  code->size = size;
  code->padded.assign(size + 33, 0);
  if (size) std::memcpy(code->padded.data(), bytes, size);
  code->jumpdests.assign(size / 64 + 1, 0);
  for (uint32_t pc = 0; pc < size; ++pc) {
    const uint8_t op = bytes[pc];
    if (op == OP_JUMPDEST)
      code->jumpdests[pc >> 6] |= uint64_t(1) << (pc & 63);
    else if (op >= OP_PUSH1 && op <= OP_PUSH32)
      pc += op - OP_PUSH1 + 1;  // push data is never a jump target
  }
  return code;
}

}  // namespace evm
