// Flat little-endian reader/writer for the host ABI buffers (layouts in include/evm_abi.h).
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "types.hpp"

namespace evm {

class ByteReader {
 public:
  ByteReader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  bool ok() const { return ok_; }
  const uint8_t* take(size_t n) {
    if (size_t(end_ - p_) < n) {
      ok_ = false;
      static const uint8_t zeros[32] = {};
      return n <= 32 ? zeros : nullptr;
    }
    const uint8_t* r = p_;
    p_ += n;
    return r;
  }
  uint8_t u8() { return *take(1); }
  uint32_t u32() { uint32_t v; std::memcpy(&v, take(4), 4); return v; }
  uint64_t u64() { uint64_t v; std::memcpy(&v, take(8), 8); return v; }
  u256 word() { return load_be(take(32)); }
  Address address() { Address a; std::memcpy(a.b, take(20), 20); return a; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  bool ok_ = true;
};

class ByteWriter {
 public:
  void clear() { buf_.clear(); }
  const std::vector<uint8_t>& bytes() const { return buf_; }
  void raw(const void* p, size_t n) {
    const size_t at = buf_.size();
    buf_.resize(at + n);
    if (n) std::memcpy(buf_.data() + at, p, n);
  }
  void u8(uint8_t v) { buf_.push_back(v); }
  void u32(uint32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  void word(const u256& v) { uint8_t b[32]; store_be(b, v); raw(b, 32); }
  void address(const Address& a) { raw(a.b, 20); }
  // Writes a u32 placeholder now and its final value later (counts known only afterwards).
  size_t reserve_u32() { const size_t at = buf_.size(); u32(0); return at; }
  void patch_u32(size_t at, uint32_t v) { std::memcpy(buf_.data() + at, &v, 4); }

 private:
  std::vector<uint8_t> buf_;
};

}  // namespace evm
