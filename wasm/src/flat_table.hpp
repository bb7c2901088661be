// A hash table in flat arrays (open addressing, linear probing, deletion by backward shift) for
// the per-transaction sets and maps a State reuses: clearing keeps its memory, and inserting
// allocates nothing until it outgrows it, where the standard node-based tables allocated a node
// per entry every transaction. Values move when the table grows: keep none by reference.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace evm {

struct NoValue {};

template <class K, class V, class Hash>
class FlatTable {
 public:
  explicit FlatTable(size_t capacity = 16) { resize(capacity); }

  // The value of `k`, or nullptr.
  V* find(const K& k) {
    for (size_t i = Hash{}(k) & mask_;; i = (i + 1) & mask_) {
      if (!used_[i]) return nullptr;
      if (keys_[i] == k) return &vals_[i];
    }
  }

  // The value of `k`, inserted value-initialized if absent; `inserted` says which.
  V& insert(const K& k, bool& inserted) {
    if (4 * (size_ + 1) > 3 * used_.size()) grow();
    size_t i = Hash{}(k) & mask_;
    for (; used_[i]; i = (i + 1) & mask_) {
      if (keys_[i] == k) {
        inserted = false;
        return vals_[i];
      }
    }
    used_[i] = 1;
    keys_[i] = k;
    vals_[i] = V{};
    ++size_;
    inserted = true;
    return vals_[i];
  }

  // Removes `k` if present, moving back the entries its slot displaced.
  void erase(const K& k) {
    size_t i = Hash{}(k) & mask_;
    for (;; i = (i + 1) & mask_) {
      if (!used_[i]) return;
      if (keys_[i] == k) break;
    }
    for (size_t j = (i + 1) & mask_; used_[j]; j = (j + 1) & mask_) {
      // The entry at j may fill the hole at i unless its home lies cyclically in (i, j].
      const size_t home = Hash{}(keys_[j]) & mask_;
      if (((j - home) & mask_) < ((j - i) & mask_)) continue;
      keys_[i] = keys_[j];
      vals_[i] = vals_[j];
      i = j;
    }
    used_[i] = 0;
    --size_;
  }

  // Empties the table; past `keep` slots its memory is given back.
  void clear(size_t keep) {
    if (used_.size() > keep) {
      resize(keep);
      return;
    }
    if (size_ != 0) std::fill(used_.begin(), used_.end(), 0);
    size_ = 0;
  }

 private:
  void resize(size_t capacity) {
    keys_.assign(capacity, K{});
    vals_.assign(capacity, V{});
    used_.assign(capacity, 0);
    mask_ = capacity - 1;
    size_ = 0;
  }

  void grow() {
    std::vector<K> keys = std::move(keys_);
    std::vector<V> vals = std::move(vals_);
    std::vector<uint8_t> used = std::move(used_);
    resize(2 * used.size());
    for (size_t i = 0; i < used.size(); ++i) {
      if (!used[i]) continue;
      size_t j = Hash{}(keys[i]) & mask_;
      while (used_[j]) j = (j + 1) & mask_;
      used_[j] = 1;
      keys_[j] = keys[i];
      vals_[j] = vals[i];
      ++size_;
    }
  }

  std::vector<K> keys_;
  std::vector<V> vals_;
  std::vector<uint8_t> used_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace evm
