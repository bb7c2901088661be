// Test driver for wasm/src/uint256.hpp (used by test/wasm/uint256.test.ts).
//
// Native build: reads lines "op a b [c]" (operands in hex, no 0x prefix) from stdin and prints
// one hex result per line ("?" for an unknown op).
// wasm32 build: no libc; exports
//   u256_buffer()          -> address of kRecords records of 128 bytes: a | b | c | result,
//                             each a 32-byte big-endian word
//   u256_op_code(len)      -> index of the op whose name is in the first len buffer bytes, or -1
//   u256_run(op, count)    -> runs op on the first count records
// so the same op table runs through the 32-bit multiply path that only wasm32 uses.
#include "../../wasm/src/uint256.hpp"

using evm::u256;

namespace {

const char* const kOps[] = {
    "add", "sub", "mul", "udiv", "umod", "sdiv", "smod", "addmod", "mulmod", "exp",
    "signextend", "byte", "shl", "shr", "sar", "and", "or", "xor", "not", "lt",
    "gt", "slt", "sgt", "eq", "iszero", "clz", "bytelen", "fits", "lowlimb", "umul64",
    "pushn", "neg", "recip2by1", "recip3by2",
};
constexpr int kNumOps = sizeof(kOps) / sizeof(kOps[0]);

bool name_eq(const char* s, int len, const char* name) {
  int i = 0;
  for (; i < len && name[i] != 0; ++i)
    if (s[i] != name[i]) return false;
  return i == len && name[i] == 0;
}

int op_code(const char* s, int len) {
  for (int i = 0; i < kNumOps; ++i)
    if (name_eq(s, len, kOps[i])) return i;
  return -1;
}

u256 b2(bool v) { return u256::from(v ? 1 : 0); }

u256 run_op(int op, const u256& a, const u256& b, const u256& c) {
  using namespace evm;
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return udiv(a, b);
    case 4: return umod(a, b);
    case 5: return sdiv(a, b);
    case 6: return smod(a, b);
    case 7: return addmod(a, b, c);
    case 8: return mulmod(a, b, c);
    case 9: return exp(a, b);
    case 10: return signextend(a, b);
    case 11: return byte_at(a, b);
    case 12: return shl(a, b);
    case 13: return shr(a, b);
    case 14: return sar(a, b);
    case 15: return a & b;
    case 16: return a | b;
    case 17: return a ^ b;
    case 18: return ~a;
    case 19: return b2(a < b);
    case 20: return b2(a > b);
    case 21: return b2(slt(a, b));
    case 22: return b2(sgt(a, b));
    case 23: return b2(a == b);
    case 24: return b2(is_zero(a));
    case 25: return u256::from(clz(a));
    case 26: return u256::from(byte_length(a));
    case 27: return b2(fits_u64(a));
    case 28: return u256::from(as_u64(a));
    case 29: {  // full 64x64 product of the low limbs: hi:lo
      const u128_parts p = umul64(as_u64(a), as_u64(b));
      return u256{{p.lo, p.hi, 0, 0}};
    }
    case 30: {  // PUSHn: the low b bytes of a, read back right-aligned
      uint8_t bytes[32];
      store_be(bytes, a);
      const size_t n = as_u64(b);
      if (n > 32) return u256{};
      return load_be_partial(bytes + 32 - n, n);
    }
    case 31: return -a;
    // Division internals: reciprocals of normalized divisors (top bit forced on).
    case 32: return u256::from(u256_detail::reciprocal_2by1(as_u64(a) | (uint64_t{1} << 63)));
    case 33:
      return u256::from(
          u256_detail::reciprocal_3by2(a.w[1] | (uint64_t{1} << 63), a.w[0]));
  }
  return u256{};
}

}  // namespace

#if defined(__wasm__)

constexpr int kRecords = 1024;
alignas(16) uint8_t g_buffer[kRecords * 128];

extern "C" {
__attribute__((export_name("u256_buffer"))) uint8_t* u256_buffer() { return g_buffer; }

__attribute__((export_name("u256_op_code"))) int u256_op_code(int len) {
  return op_code(reinterpret_cast<const char*>(g_buffer), len);
}

__attribute__((export_name("u256_run"))) void u256_run(int op, int count) {
  for (int i = 0; i < count && i < kRecords; ++i) {
    uint8_t* rec = g_buffer + 128 * i;
    const u256 a = evm::load_be(rec), b = evm::load_be(rec + 32), c = evm::load_be(rec + 64);
    evm::store_be(rec + 96, run_op(op, a, b, c));
  }
}
}

#else

#include <stdio.h>
#include <string.h>

namespace {

int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// Parses limbs directly (independently of the shift code under test).
bool parse_hex(const char* s, size_t len, u256& out) {
  out = u256{};
  if (len == 0 || len > 64) return false;
  for (size_t k = 0; k < len; ++k) {
    const int d = hex_digit(s[len - 1 - k]);
    if (d < 0) return false;
    out.w[k / 16] |= static_cast<uint64_t>(d) << (4 * (k % 16));
  }
  return true;
}

void print_hex(const u256& x) {
  char buf[65];
  int n = 0;
  bool started = false;
  for (int i = 63; i >= 0; --i) {
    const unsigned d = static_cast<unsigned>(x.w[i / 16] >> (4 * (i % 16))) & 15u;
    if (d != 0) started = true;
    if (started) buf[n++] = "0123456789abcdef"[d];
  }
  if (n == 0) buf[n++] = '0';
  buf[n] = 0;
  puts(buf);
}

}  // namespace

int main() {
  static char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    const char* tok[4] = {};
    size_t tlen[4] = {};
    int nt = 0;
    for (char* p = line; *p && nt < 4;) {
      while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
      if (!*p) break;
      tok[nt] = p;
      while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') ++p;
      tlen[nt] = static_cast<size_t>(p - tok[nt]);
      ++nt;
    }
    if (nt == 0) continue;
    const int op = op_code(tok[0], static_cast<int>(tlen[0]));
    u256 v[3] = {};
    bool ok = op >= 0;
    for (int i = 1; i < nt && ok; ++i) ok = parse_hex(tok[i], tlen[i], v[i - 1]);
    if (!ok) {
      puts("?");
      continue;
    }
    print_hex(run_op(op, v[0], v[1], v[2]));
  }
  return 0;
}

#endif
