// Contract code with its jumpdest analysis, done once per code hash and kept for the life of
// the instance (code is immutable, so the analysis never goes stale).
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "types.hpp"

namespace evm {

struct Code {
  // Padded with 33 zero bytes so PUSH32 at the end and the STOP after it need no bounds check.
  std::vector<uint8_t> padded;
  uint32_t size = 0;
  std::vector<uint64_t> jumpdests;  // bitmap over code offsets

  bool is_jumpdest(uint64_t pc) const {
    return pc < size && ((jumpdests[pc >> 6] >> (pc & 63)) & 1);
  }
};

std::unique_ptr<Code> analyze(const uint8_t* bytes, uint32_t size);

class CodeCache {
 public:
  const Code* find(const Hash32& hash) const {
    auto it = map_.find(hash);
    return it == map_.end() ? nullptr : it->second.get();
  }
  const Code* insert(const Hash32& hash, std::unique_ptr<Code> code) {
    auto& slot = map_[hash];
    if (!slot) slot = std::move(code);
    return slot.get();
  }

 private:
  std::unordered_map<Hash32, std::unique_ptr<Code>, Hash32Hasher> map_;
};

}  // namespace evm
