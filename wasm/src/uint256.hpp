// 256-bit unsigned integer for the EVM interpreter: every stack word is a u256.
//
// Header-only, no exceptions, no I/O, no STL. Four little-endian 64-bit limbs (w[0] least
// significant). Arithmetic wraps mod 2^256; division by zero yields 0 (EVM semantics).
//
// Portability / speed notes:
//  * Fast paths use GCC/Clang builtins (__builtin_add_overflow, __builtin_clzll, bswap); a
//    plain C++ fallback follows each one.
//  * wasm32 has no 64x64->128 multiply, and `unsigned __int128` arithmetic there becomes
//    libcalls (__multi3, __udivti3, ...). umul64 therefore uses __int128 only on native 64-bit
//    targets and four 32x32->64 products elsewhere. __int128 division is never used: division
//    is Knuth's algorithm D on 64-bit limbs, with quotient digits estimated through
//    precomputed reciprocals (Moller & Granlund, "Improved division by invariant integers",
//    2011); the one reciprocal per division is computed with a 128/64 division built from
//    32-bit halves (64/64 hardware division only).
#pragma once
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define EVM_U256_BUILTINS 1
#define EVM_U256_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define EVM_U256_BUILTINS 0
#define EVM_U256_UNLIKELY(x) (x)
#endif

// Fixed 4-limb loops must become straight-line code (g++ -O2 does not unroll them itself).
#if defined(__clang__)
#define EVM_U256_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define EVM_U256_UNROLL _Pragma("GCC unroll 8")
#else
#define EVM_U256_UNROLL
#endif

namespace evm {

struct u256 {
  uint64_t w[4] = {};  // w[0] is the least significant limb

  static constexpr u256 from(uint64_t v) noexcept { return u256{{v, 0, 0, 0}}; }
};

// ------------------------------------------------------------------------------------------
// 64-bit primitives
// ------------------------------------------------------------------------------------------

struct u128_parts {
  uint64_t lo, hi;
};

// Full 64x64 -> 128-bit product.
constexpr u128_parts umul64(uint64_t a, uint64_t b) noexcept {
#if defined(__SIZEOF_INT128__) && !defined(__wasm__)
  __extension__ typedef unsigned __int128 u128;  // __extension__: quiet under -Wpedantic
  const u128 p = static_cast<u128>(a) * b;
  return {static_cast<uint64_t>(p), static_cast<uint64_t>(p >> 64)};
#else
  // Four 32x32->64 products. mid cannot overflow: (2^32-1)^2 + 2*(2^32-1) = 2^64-1.
  const uint64_t al = a & 0xffffffffu, ah = a >> 32;
  const uint64_t bl = b & 0xffffffffu, bh = b >> 32;
  const uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  const uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + hl;
  return {(mid << 32) | (ll & 0xffffffffu), hh + (lh >> 32) + (mid >> 32)};
#endif
}

namespace u256_detail {

struct add_result {
  uint64_t value;
  bool carry;
};

constexpr add_result addc(uint64_t a, uint64_t b, bool carry_in = false) noexcept {
#if EVM_U256_BUILTINS
  uint64_t s = 0, t = 0;
  const bool c1 = __builtin_add_overflow(a, b, &s);
  const bool c2 = __builtin_add_overflow(s, static_cast<uint64_t>(carry_in), &t);
  return {t, c1 || c2};
#else
  const uint64_t s = a + b;
  const uint64_t t = s + static_cast<uint64_t>(carry_in);
  return {t, (s < a) || (t < s)};
#endif
}

constexpr add_result subb(uint64_t a, uint64_t b, bool borrow_in = false) noexcept {
#if EVM_U256_BUILTINS
  uint64_t s = 0, t = 0;
  const bool b1 = __builtin_sub_overflow(a, b, &s);
  const bool b2 = __builtin_sub_overflow(s, static_cast<uint64_t>(borrow_in), &t);
  return {t, b1 || b2};
#else
  const uint64_t s = a - b;
  const uint64_t t = s - static_cast<uint64_t>(borrow_in);
  return {t, (a < b) || (s < static_cast<uint64_t>(borrow_in))};
#endif
}

// Leading zero bits of a 64-bit value; 64 for zero.
constexpr unsigned clz64(uint64_t x) noexcept {
#if EVM_U256_BUILTINS
  return x != 0 ? static_cast<unsigned>(__builtin_clzll(x)) : 64u;
#else
  if (x == 0) return 64;
  unsigned n = 0;
  if ((x >> 32) == 0) { n += 32; x <<= 32; }
  if ((x >> 48) == 0) { n += 16; x <<= 16; }
  if ((x >> 56) == 0) { n += 8; x <<= 8; }
  if ((x >> 60) == 0) { n += 4; x <<= 4; }
  if ((x >> 62) == 0) { n += 2; x <<= 2; }
  if ((x >> 63) == 0) { n += 1; }
  return n;
#endif
}

constexpr uint64_t bswap64(uint64_t x) noexcept {
#if EVM_U256_BUILTINS
  return __builtin_bswap64(x);
#else
  x = ((x & 0x00ff00ff00ff00ffull) << 8) | ((x >> 8) & 0x00ff00ff00ff00ffull);
  x = ((x & 0x0000ffff0000ffffull) << 16) | ((x >> 16) & 0x0000ffff0000ffffull);
  return (x << 32) | (x >> 32);
#endif
}

// (hi:lo) += (bh:bl), mod 2^128.
constexpr void add128(uint64_t& hi, uint64_t& lo, uint64_t bh, uint64_t bl) noexcept {
  const add_result s = addc(lo, bl);
  lo = s.value;
  hi = hi + bh + static_cast<uint64_t>(s.carry);
}

// (hi:lo) -= (bh:bl), mod 2^128.
constexpr void sub128(uint64_t& hi, uint64_t& lo, uint64_t bh, uint64_t bl) noexcept {
  const add_result s = subb(lo, bl);
  lo = s.value;
  hi = hi - bh - static_cast<uint64_t>(s.carry);
}

// 128/64 -> 64 division (quotient only) built from 64/64 hardware divisions on 32-bit
// halves (Hacker's Delight, divlu). Requires d normalized (top bit set) and u1 < d. Only used
// to compute reciprocals (once per long division); each correction loop runs at most twice.
constexpr uint64_t div_2by1_halves(uint64_t u1, uint64_t u0, uint64_t d) noexcept {
  constexpr uint64_t b = uint64_t{1} << 32;
  const uint64_t dh = d >> 32, dl = d & 0xffffffffu;
  const uint64_t u0h = u0 >> 32, u0l = u0 & 0xffffffffu;

  uint64_t q1 = u1 / dh;
  uint64_t rhat = u1 - q1 * dh;
  while (q1 >= b || q1 * dl > ((rhat << 32) | u0h)) {
    --q1;
    rhat += dh;
    if (rhat >= b) break;
  }
  // Partial remainder; its exact value is < d, so computing it mod 2^64 is exact.
  const uint64_t u21 = (u1 << 32) + u0h - q1 * d;

  uint64_t q0 = u21 / dh;
  rhat = u21 - q0 * dh;
  while (q0 >= b || q0 * dl > ((rhat << 32) | u0l)) {
    --q0;
    rhat += dh;
    if (rhat >= b) break;
  }
  return (q1 << 32) | q0;
}

// v = floor((2^128 - 1) / d) - 2^64 for normalized d.
constexpr uint64_t reciprocal_2by1(uint64_t d) noexcept {
  return div_2by1_halves(~d, ~uint64_t{0}, d);
}

// v = floor((2^192 - 1) / (d1:d0)) - 2^64 for normalized d1 (Moller-Granlund, algorithm 6).
constexpr uint64_t reciprocal_3by2(uint64_t d1, uint64_t d0) noexcept {
  uint64_t v = reciprocal_2by1(d1);
  uint64_t p = d1 * v + d0;
  if (p < d0) {
    --v;
    if (p >= d1) {
      --v;
      p -= d1;
    }
    p -= d1;
  }
  const u128_parts t = umul64(v, d0);
  p += t.hi;
  if (p < t.hi) {
    --v;
    if (p > d1 || (p == d1 && t.lo >= d0)) --v;
  }
  return v;
}

struct qr1 {
  uint64_t q, r;
};

// (u1:u0) / d with d normalized, u1 < d, v = reciprocal_2by1(d) (algorithm 4).
constexpr qr1 udivrem_2by1(uint64_t u1, uint64_t u0, uint64_t d, uint64_t v) noexcept {
  u128_parts q = umul64(v, u1);
  add128(q.hi, q.lo, u1, u0);
  ++q.hi;
  uint64_t r = u0 - q.hi * d;
  if (r > q.lo) {
    --q.hi;
    r += d;
  }
  if (EVM_U256_UNLIKELY(r >= d)) {
    ++q.hi;
    r -= d;
  }
  return {q.hi, r};
}

struct qr2 {
  uint64_t q, r1, r0;
};

// (u2:u1:u0) / (d1:d0) with d1 normalized, (u2:u1) < (d1:d0), v = reciprocal_3by2(d1, d0)
// (algorithm 5).
constexpr qr2 udivrem_3by2(uint64_t u2, uint64_t u1, uint64_t u0, uint64_t d1, uint64_t d0,
                           uint64_t v) noexcept {
  u128_parts q = umul64(v, u2);
  add128(q.hi, q.lo, u2, u1);
  uint64_t r1 = u1 - q.hi * d1;
  uint64_t r0 = u0;
  const u128_parts t = umul64(d0, q.hi);
  sub128(r1, r0, t.hi, t.lo);
  sub128(r1, r0, d1, d0);
  ++q.hi;
  if (r1 >= q.lo) {
    --q.hi;
    add128(r1, r0, d1, d0);
  }
  if (EVM_U256_UNLIKELY(r1 > d1 || (r1 == d1 && r0 >= d0))) {
    ++q.hi;
    sub128(r1, r0, d1, d0);
  }
  return {q.hi, r1, r0};
}

// dst[0..n] = src[0..n-1] << s, for 0 <= s < 64. The double shifts keep every shift count
// below 64 (s == 0 shifts the neighbour limb out entirely).
constexpr void shl_limbs(uint64_t* dst, const uint64_t* src, int n, unsigned s) noexcept {
  dst[n] = (src[n - 1] >> 1) >> (63 - s);
  for (int i = n - 1; i > 0; --i) dst[i] = (src[i] << s) | ((src[i - 1] >> 1) >> (63 - s));
  dst[0] = src[0] << s;
}

// x[0..n-1] -= y[0..n-1] * m; returns the borrow to take from x[n].
constexpr uint64_t submul(uint64_t* x, const uint64_t* y, int n, uint64_t m) noexcept {
  uint64_t borrow = 0;
  for (int i = 0; i < n; ++i) {
    u128_parts p = umul64(y[i], m);
    add128(p.hi, p.lo, 0, borrow);  // <= (2^64-1)^2 + 2^64-1 < 2^128
    const add_result s = subb(x[i], p.lo);
    x[i] = s.value;
    borrow = p.hi + static_cast<uint64_t>(s.carry);
  }
  return borrow;
}

// x[0..n-1] += y[0..n-1]; the carry out is dropped (used to undo an overshoot).
constexpr void add_limbs(uint64_t* x, const uint64_t* y, int n) noexcept {
  bool c = false;
  for (int i = 0; i < n; ++i) {
    const add_result s = addc(x[i], y[i], c);
    x[i] = s.value;
    c = s.carry;
  }
}

// Long division (Knuth D) of u[0..m-1] by d[0..n-1]: 1 <= n <= 4, n <= m <= 8, d[n-1] != 0.
// Writes the quotient to q[0..m-n] and the remainder to r[0..n-1].
constexpr void udivrem_long(const uint64_t* u, int m, const uint64_t* d, int n, uint64_t* q,
                            uint64_t* r) noexcept {
  const unsigned s = clz64(d[n - 1]);
  uint64_t dn[5] = {};
  uint64_t un[9] = {};
  shl_limbs(dn, d, n, s);
  shl_limbs(un, u, m, s);  // un[m] < 2^s <= dn[n-1]: the first digit never overflows

  if (n == 1) {
    const uint64_t dv = dn[0];
    const uint64_t v = reciprocal_2by1(dv);
    uint64_t rem = un[m];
    for (int j = m - 1; j >= 0; --j) {
      const qr1 t = udivrem_2by1(rem, un[j], dv, v);
      q[j] = t.q;
      rem = t.r;
    }
    r[0] = rem >> s;
    return;
  }

  const uint64_t d1 = dn[n - 1], d0 = dn[n - 2];
  const uint64_t v = reciprocal_3by2(d1, d0);

  if (n == 2) {
    uint64_t r1 = un[m], r0 = un[m - 1];
    for (int j = m - 2; j >= 0; --j) {
      const qr2 t = udivrem_3by2(r1, r0, un[j], d1, d0, v);
      q[j] = t.q;
      r1 = t.r1;
      r0 = t.r0;
    }
    r[0] = (r0 >> s) | ((r1 << 1) << (63 - s));
    r[1] = r1 >> s;
    return;
  }

  for (int j = m - n; j >= 0; --j) {
    const uint64_t u2 = un[j + n], u1 = un[j + n - 1], u0 = un[j + n - 2];
    uint64_t qhat = 0;
    if (EVM_U256_UNLIKELY(u2 == d1 && u1 == d0)) {
      // The 3-by-2 estimate would be 2^64; the digit is 2^64 - 1 (the window is < B * d).
      qhat = ~uint64_t{0};
      const uint64_t borrow = submul(&un[j], dn, n, qhat);
      if (EVM_U256_UNLIKELY(u2 < borrow)) {  // not expected to happen; kept as a safety net
        --qhat;
        add_limbs(&un[j], dn, n);
      }
    } else {
      // Top three limbs by top two: exact partial remainder (r1:r0), then the lower limbs.
      const qr2 t = udivrem_3by2(u2, u1, u0, d1, d0, v);
      qhat = t.q;
      const uint64_t borrow = submul(&un[j], dn, n - 2, qhat);
      const add_result lo = subb(t.r0, borrow);
      const add_result hi = subb(t.r1, 0, lo.carry);
      un[j + n - 2] = lo.value;
      un[j + n - 1] = hi.value;
      if (EVM_U256_UNLIKELY(hi.carry)) {  // estimate was one too large
        --qhat;
        add_limbs(&un[j], dn, n);
      }
    }
    q[j] = qhat;
  }
  for (int i = 0; i < n - 1; ++i) r[i] = (un[i] >> s) | ((un[i + 1] << 1) << (63 - s));
  r[n - 1] = un[n - 1] >> s;
}

constexpr int num_limbs(const u256& a) noexcept {
  return a.w[3] != 0 ? 4 : a.w[2] != 0 ? 3 : a.w[1] != 0 ? 2 : a.w[0] != 0 ? 1 : 0;
}

// x[0..len-1] mod m, m != 0, len <= 8.
constexpr u256 rem_limbs(const uint64_t* x, int len, const u256& m) noexcept {
  while (len > 0 && x[len - 1] == 0) --len;
  const int n = num_limbs(m);
  u256 r{};
  if (len < n) {
    for (int i = 0; i < len; ++i) r.w[i] = x[i];
    return r;
  }
  if (len == 1) {
    r.w[0] = x[0] % m.w[0];
    return r;
  }
  uint64_t q[8] = {};
  udivrem_long(x, len, m.w, n, q, r.w);
  return r;
}

}  // namespace u256_detail

// ------------------------------------------------------------------------------------------
// Comparison and inspection
// ------------------------------------------------------------------------------------------

constexpr bool operator==(const u256& a, const u256& b) noexcept {
  return ((a.w[0] ^ b.w[0]) | (a.w[1] ^ b.w[1]) | (a.w[2] ^ b.w[2]) | (a.w[3] ^ b.w[3])) == 0;
}
constexpr bool operator!=(const u256& a, const u256& b) noexcept { return !(a == b); }

// Unsigned a < b: the borrow out of a - b.
constexpr bool operator<(const u256& a, const u256& b) noexcept {
  bool borrow = false;
  EVM_U256_UNROLL
  for (int i = 0; i < 4; ++i) borrow = u256_detail::subb(a.w[i], b.w[i], borrow).carry;
  return borrow;
}
constexpr bool operator>(const u256& a, const u256& b) noexcept { return b < a; }
constexpr bool operator<=(const u256& a, const u256& b) noexcept { return !(b < a); }
constexpr bool operator>=(const u256& a, const u256& b) noexcept { return !(a < b); }

constexpr bool is_zero(const u256& a) noexcept { return (a.w[0] | a.w[1] | a.w[2] | a.w[3]) == 0; }
constexpr bool fits_u64(const u256& a) noexcept { return (a.w[1] | a.w[2] | a.w[3]) == 0; }
constexpr uint64_t as_u64(const u256& a) noexcept { return a.w[0]; }
constexpr bool is_negative(const u256& a) noexcept { return (a.w[3] >> 63) != 0; }

// Signed (two's complement) comparisons.
constexpr bool slt(const u256& a, const u256& b) noexcept {
  const bool na = is_negative(a), nb = is_negative(b);
  return na != nb ? na : a < b;
}
constexpr bool sgt(const u256& a, const u256& b) noexcept { return slt(b, a); }

// Leading zero bits (256 for zero).
constexpr unsigned clz(const u256& a) noexcept {
  for (int i = 3; i >= 0; --i)
    if (a.w[i] != 0) return static_cast<unsigned>(3 - i) * 64 + u256_detail::clz64(a.w[i]);
  return 256;
}

// Number of significant bytes (0 for zero); EXP charges gas per exponent byte.
constexpr unsigned byte_length(const u256& a) noexcept { return (256 - clz(a) + 7) / 8; }

// ------------------------------------------------------------------------------------------
// Bitwise
// ------------------------------------------------------------------------------------------

constexpr u256 operator&(const u256& a, const u256& b) noexcept {
  return u256{{a.w[0] & b.w[0], a.w[1] & b.w[1], a.w[2] & b.w[2], a.w[3] & b.w[3]}};
}
constexpr u256 operator|(const u256& a, const u256& b) noexcept {
  return u256{{a.w[0] | b.w[0], a.w[1] | b.w[1], a.w[2] | b.w[2], a.w[3] | b.w[3]}};
}
constexpr u256 operator^(const u256& a, const u256& b) noexcept {
  return u256{{a.w[0] ^ b.w[0], a.w[1] ^ b.w[1], a.w[2] ^ b.w[2], a.w[3] ^ b.w[3]}};
}
constexpr u256 operator~(const u256& a) noexcept {
  return u256{{~a.w[0], ~a.w[1], ~a.w[2], ~a.w[3]}};
}

// x << n and x >> n for a plain bit count; n >= 256 gives 0. Bits move within limbs first
// (the double shifts keep counts below 64), then whole limbs move.
constexpr u256 operator<<(const u256& x, unsigned n) noexcept {
  if (n >= 256) return u256{};
  const unsigned bs = n & 63;
  const uint64_t t0 = x.w[0] << bs;
  const uint64_t t1 = (x.w[1] << bs) | ((x.w[0] >> 1) >> (63 - bs));
  const uint64_t t2 = (x.w[2] << bs) | ((x.w[1] >> 1) >> (63 - bs));
  const uint64_t t3 = (x.w[3] << bs) | ((x.w[2] >> 1) >> (63 - bs));
  switch (n >> 6) {
    case 0: return u256{{t0, t1, t2, t3}};
    case 1: return u256{{0, t0, t1, t2}};
    case 2: return u256{{0, 0, t0, t1}};
    default: return u256{{0, 0, 0, t0}};
  }
}
constexpr u256 operator>>(const u256& x, unsigned n) noexcept {
  if (n >= 256) return u256{};
  const unsigned bs = n & 63;
  const uint64_t t0 = (x.w[0] >> bs) | ((x.w[1] << 1) << (63 - bs));
  const uint64_t t1 = (x.w[1] >> bs) | ((x.w[2] << 1) << (63 - bs));
  const uint64_t t2 = (x.w[2] >> bs) | ((x.w[3] << 1) << (63 - bs));
  const uint64_t t3 = x.w[3] >> bs;
  switch (n >> 6) {
    case 0: return u256{{t0, t1, t2, t3}};
    case 1: return u256{{t1, t2, t3, 0}};
    case 2: return u256{{t2, t3, 0, 0}};
    default: return u256{{t3, 0, 0, 0}};
  }
}

// EVM SHL / SHR / SAR: shift amount first, as a full word.
constexpr u256 shl(const u256& shift, const u256& x) noexcept {
  if (!fits_u64(shift) || shift.w[0] >= 256) return u256{};
  return x << static_cast<unsigned>(shift.w[0]);
}
constexpr u256 shr(const u256& shift, const u256& x) noexcept {
  if (!fits_u64(shift) || shift.w[0] >= 256) return u256{};
  return x >> static_cast<unsigned>(shift.w[0]);
}
// For negative x, sar(x) == ~shr(~x): ~x = -x-1 is non-negative and floors the same way.
constexpr u256 sar(const u256& shift, const u256& x) noexcept {
  return is_negative(x) ? ~shr(shift, ~x) : shr(shift, x);
}

// EVM BYTE: the i-th byte counting from the most significant; 0 when i >= 32.
constexpr u256 byte_at(const u256& i, const u256& x) noexcept {
  if (!fits_u64(i) || i.w[0] >= 32) return u256{};
  const unsigned pos = 31 - static_cast<unsigned>(i.w[0]);  // byte index from the LSB
  return u256::from((x.w[pos >> 3] >> ((pos & 7) * 8)) & 0xff);
}

// EVM SIGNEXTEND: extend the sign bit of byte b (counting from the least significant).
constexpr u256 signextend(const u256& b, const u256& x) noexcept {
  if (!fits_u64(b) || b.w[0] >= 31) return x;
  const unsigned t = static_cast<unsigned>(b.w[0]) * 8 + 7;  // sign bit index
  const unsigned li = t >> 6, bi = t & 63;
  const uint64_t ext = uint64_t{0} - ((x.w[li] >> bi) & 1);
  const uint64_t keep = (uint64_t{2} << bi) - 1;  // bits 0..bi; all ones for bi == 63
  u256 r = x;
  r.w[li] = (x.w[li] & keep) | (ext & ~keep);
  for (unsigned k = li + 1; k < 4; ++k) r.w[k] = ext;
  return r;
}

// ------------------------------------------------------------------------------------------
// Arithmetic mod 2^256
// ------------------------------------------------------------------------------------------

constexpr u256 add(const u256& a, const u256& b) noexcept {
  u256 r{};
  bool c = false;
  EVM_U256_UNROLL
  for (int i = 0; i < 4; ++i) {
    const u256_detail::add_result s = u256_detail::addc(a.w[i], b.w[i], c);
    r.w[i] = s.value;
    c = s.carry;
  }
  return r;
}

constexpr u256 sub(const u256& a, const u256& b) noexcept {
  u256 r{};
  bool c = false;
  EVM_U256_UNROLL
  for (int i = 0; i < 4; ++i) {
    const u256_detail::add_result s = u256_detail::subb(a.w[i], b.w[i], c);
    r.w[i] = s.value;
    c = s.carry;
  }
  return r;
}

constexpr u256 neg(const u256& a) noexcept { return sub(u256{}, a); }

namespace u256_detail {
// (k:acc) = x * y + acc + k; never overflows 128 bits.
constexpr void mac(uint64_t& acc, uint64_t x, uint64_t y, uint64_t& k) noexcept {
  u128_parts p = umul64(x, y);
  add128(p.hi, p.lo, 0, acc);
  add128(p.hi, p.lo, 0, k);
  acc = p.lo;
  k = p.hi;
}
}  // namespace u256_detail

// Low 256 bits of a * b: 6 full 64x64->128 products and 4 low-half products, written out
// (rows of the schoolbook product truncated at limb 3).
constexpr u256 mul(const u256& a, const u256& b) noexcept {
  using u256_detail::mac;
  const uint64_t a0 = a.w[0], a1 = a.w[1], a2 = a.w[2], a3 = a.w[3];
  const uint64_t b0 = b.w[0], b1 = b.w[1], b2 = b.w[2], b3 = b.w[3];
  uint64_t r0 = 0, r1 = 0, r2 = 0, r3 = 0, k = 0;
  mac(r0, a0, b0, k);
  mac(r1, a1, b0, k);
  mac(r2, a2, b0, k);
  r3 = a3 * b0 + k;
  k = 0;
  mac(r1, a0, b1, k);
  mac(r2, a1, b1, k);
  r3 += a2 * b1 + k;
  k = 0;
  mac(r2, a0, b2, k);
  r3 += a1 * b2 + k + a0 * b3;
  return u256{{r0, r1, r2, r3}};
}

constexpr u256 operator+(const u256& a, const u256& b) noexcept { return add(a, b); }
constexpr u256 operator-(const u256& a, const u256& b) noexcept { return sub(a, b); }
constexpr u256 operator-(const u256& a) noexcept { return neg(a); }
constexpr u256 operator*(const u256& a, const u256& b) noexcept { return mul(a, b); }

struct u256_divrem {
  u256 quot, rem;
};

// Unsigned quotient and remainder; both 0 when d == 0 (EVM).
constexpr u256_divrem udivrem(const u256& u, const u256& d) noexcept {
  if (fits_u64(d)) {
    if (d.w[0] == 0) return {};
    if (fits_u64(u)) return {u256::from(u.w[0] / d.w[0]), u256::from(u.w[0] % d.w[0])};
  }
  if (u < d) return {u256{}, u};
  u256_divrem res{};
  u256_detail::udivrem_long(u.w, u256_detail::num_limbs(u), d.w, u256_detail::num_limbs(d),
                            res.quot.w, res.rem.w);
  return res;
}

constexpr u256 udiv(const u256& a, const u256& b) noexcept { return udivrem(a, b).quot; }
constexpr u256 umod(const u256& a, const u256& b) noexcept { return udivrem(a, b).rem; }

// EVM SDIV: truncating signed division; sdiv(-2^255, -1) == -2^255; b == 0 gives 0.
constexpr u256 sdiv(const u256& a, const u256& b) noexcept {
  const bool na = is_negative(a), nb = is_negative(b);
  const u256 q = udiv(na ? neg(a) : a, nb ? neg(b) : b);
  return na != nb ? neg(q) : q;
}

// EVM SMOD: the result takes the sign of the dividend; b == 0 gives 0.
constexpr u256 smod(const u256& a, const u256& b) noexcept {
  const bool na = is_negative(a), nb = is_negative(b);
  const u256 r = umod(na ? neg(a) : a, nb ? neg(b) : b);
  return na ? neg(r) : r;
}

// (a + b) mod m over the full 257-bit sum; m == 0 gives 0.
constexpr u256 addmod(const u256& a, const u256& b, const u256& m) noexcept {
  if (is_zero(m)) return u256{};
  uint64_t s[5] = {};
  bool c = false;
  EVM_U256_UNROLL
  for (int i = 0; i < 4; ++i) {
    const u256_detail::add_result t = u256_detail::addc(a.w[i], b.w[i], c);
    s[i] = t.value;
    c = t.carry;
  }
  s[4] = c;
  if (a < m && b < m) {
    // Reduced operands: the sum is below 2m, so at most one subtraction.
    const u256 sum{{s[0], s[1], s[2], s[3]}};
    u256 d{};
    bool borrow = false;
    EVM_U256_UNROLL
    for (int i = 0; i < 4; ++i) {
      const u256_detail::add_result t = u256_detail::subb(sum.w[i], m.w[i], borrow);
      d.w[i] = t.value;
      borrow = t.carry;
    }
    return (c || !borrow) ? d : sum;
  }
  return u256_detail::rem_limbs(s, 5, m);
}

// (a * b) mod m over the full 512-bit product; m == 0 gives 0.
constexpr u256 mulmod(const u256& a, const u256& b, const u256& m) noexcept {
  if (is_zero(m)) return u256{};
  uint64_t p[8] = {};
  const int na = u256_detail::num_limbs(a), nb = u256_detail::num_limbs(b);
  for (int j = 0; j < nb; ++j) {
    uint64_t k = 0;
    for (int i = 0; i < na; ++i) {
      u128_parts t = umul64(a.w[i], b.w[j]);
      u256_detail::add128(t.hi, t.lo, 0, p[i + j]);
      u256_detail::add128(t.hi, t.lo, 0, k);
      p[i + j] = t.lo;
      k = t.hi;
    }
    p[j + na] = k;
  }
  return u256_detail::rem_limbs(p, na + nb, m);
}

// base^exponent mod 2^256 (square-and-multiply, least significant bit first).
constexpr u256 exp(u256 base, const u256& exponent) noexcept {
  const unsigned nbits = 256 - clz(exponent);
  if (base == u256::from(2))  // common in contracts: 2^e is a shift
    return fits_u64(exponent) && exponent.w[0] < 256
               ? u256::from(1) << static_cast<unsigned>(exponent.w[0])
               : u256{};
  u256 result = u256::from(1);
  for (unsigned i = 0; i < nbits; ++i) {
    if ((exponent.w[i >> 6] >> (i & 63)) & 1) result = mul(result, base);
    if (i + 1 < nbits) base = mul(base, base);
  }
  return result;
}

// ------------------------------------------------------------------------------------------
// Big-endian byte conversion (EVM words are big-endian in memory, calldata and storage)
// ------------------------------------------------------------------------------------------

namespace u256_detail {
inline uint64_t load64_be(const uint8_t* p) noexcept {
#if EVM_U256_BUILTINS && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t v = 0;
  __builtin_memcpy(&v, p, 8);
  return bswap64(v);
#else
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
#endif
}
inline void store64_be(uint8_t* p, uint64_t v) noexcept {
#if EVM_U256_BUILTINS && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  v = bswap64(v);
  __builtin_memcpy(p, &v, 8);
#else
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
#endif
}
}  // namespace u256_detail

// 32 big-endian bytes -> word.
inline u256 load_be(const uint8_t* p32) noexcept {
  return u256{{u256_detail::load64_be(p32 + 24), u256_detail::load64_be(p32 + 16),
               u256_detail::load64_be(p32 + 8), u256_detail::load64_be(p32)}};
}

// word -> 32 big-endian bytes.
inline void store_be(uint8_t* p32, const u256& x) noexcept {
  u256_detail::store64_be(p32, x.w[3]);
  u256_detail::store64_be(p32 + 8, x.w[2]);
  u256_detail::store64_be(p32 + 16, x.w[1]);
  u256_detail::store64_be(p32 + 24, x.w[0]);
}

// n (<= 32) big-endian bytes, right-aligned like PUSHn: the value of p[0..n-1].
inline u256 load_be_partial(const uint8_t* p, size_t n) noexcept {
  if (n > 32) n = 32;
  uint8_t buf[32] = {};
#if EVM_U256_BUILTINS
  __builtin_memcpy(buf + (32 - n), p, n);
#else
  for (size_t i = 0; i < n; ++i) buf[32 - n + i] = p[i];
#endif
  return load_be(buf);
}

}  // namespace evm
