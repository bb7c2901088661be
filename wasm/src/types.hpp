// Byte-string value types shared by the core: addresses, 32-byte hashes, and their hashers.
#pragma once
#include <cstdint>
#include <cstring>

#include "uint256.hpp"

namespace evm {

struct Address {
  uint8_t b[20] = {};
  bool operator==(const Address& o) const { return std::memcmp(b, o.b, 20) == 0; }
};

// The precompiled contracts of Cancun: 0x01..0x0a.
inline bool is_precompile(const Address& a) {
  for (int i = 0; i < 19; ++i)
    if (a.b[i]) return false;
  return a.b[19] >= 1 && a.b[19] <= 0x0a;
}

struct Hash32 {
  uint8_t b[32] = {};
  bool operator==(const Hash32& o) const { return std::memcmp(b, o.b, 32) == 0; }
};

inline Address address_from_word(const u256& v) {
  uint8_t tmp[32];
  store_be(tmp, v);
  Address a;
  std::memcpy(a.b, tmp + 12, 20);
  return a;
}

inline u256 word_from_address(const Address& a) {
  uint8_t tmp[32] = {};
  std::memcpy(tmp + 12, a.b, 20);
  return load_be(tmp);
}

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

struct AddressHasher {
  size_t operator()(const Address& a) const {
    uint64_t x;
    std::memcpy(&x, a.b + 12, 8);
    return size_t(mix64(x));
  }
};

struct Hash32Hasher {
  size_t operator()(const Hash32& h) const {
    uint64_t x;
    std::memcpy(&x, h.b, 8);  // already uniformly distributed
    return size_t(x);
  }
};

struct U256Hasher {
  size_t operator()(const u256& v) const { return size_t(mix64(v.w[0] ^ (v.w[1] * 31) ^ (v.w[2] * 131) ^ (v.w[3] * 1031))); }
};

// (address, slot) for transient storage and warm-slot sets.
struct SlotRef {
  Address addr;
  u256 key;
  bool operator==(const SlotRef& o) const { return addr == o.addr && key == o.key; }
};

struct SlotRefHasher {
  size_t operator()(const SlotRef& s) const { return AddressHasher{}(s.addr) ^ U256Hasher{}(s.key); }
};

}  // namespace evm
