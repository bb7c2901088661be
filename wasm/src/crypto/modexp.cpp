#include "modexp.hpp"

#include <cstdlib>
#include <cstring>

// Numbers are little-endian arrays of 32-bit limbs. 32-bit limbs with 64-bit products compile to
// native multiplies on both x86-64 and wasm32 (which lacks a 64x64->128 multiply).

namespace evm::crypto {
namespace {

using Limb = uint32_t;
using Wide = uint64_t;

size_t limbs_for(size_t bytes) { return (bytes + 3) / 4; }

size_t trim(const Limb* x, size_t n) {
    while (n && x[n - 1] == 0) --n;
    return n;
}

void load_be(const uint8_t* p, size_t len, Limb* out, size_t n) {
    std::memset(out, 0, n * sizeof(Limb));
    for (size_t i = 0; i < len; ++i) {
        const size_t k = len - 1 - i;  // byte significance
        out[k / 4] |= Limb(p[i]) << (8 * (k % 4));
    }
}

void store_be(const Limb* x, size_t n, uint8_t* out, size_t len) {
    for (size_t k = 0; k < len; ++k) {
        const size_t li = k / 4;
        out[len - 1 - k] = li < n ? uint8_t(x[li] >> (8 * (k % 4))) : 0;
    }
}

unsigned clz32(Limb x) { return x ? unsigned(__builtin_clz(x)) : 32; }

// Remainder modulo a fixed modulus by Knuth's Algorithm D (TAOCP 4.3.1); the divisor is
// normalized once so that each reduction only shifts the dividend.
struct Reducer {
    const Limb* m;  // n limbs, top limb nonzero
    Limb* v;        // m << shift
    Limb* u;        // scratch: (largest dividend + 1) limbs
    size_t n;
    unsigned shift;

    void init() {
        shift = clz32(m[n - 1]);
        if (shift == 0) {
            std::memcpy(v, m, n * sizeof(Limb));
        } else {
            for (size_t i = n - 1; i > 0; --i) v[i] = (m[i] << shift) | (m[i - 1] >> (32 - shift));
            v[0] = m[0] << shift;
        }
    }

    // r (n limbs) = x mod m. r must not alias x.
    void reduce(const Limb* x, size_t xn, Limb* r) {
        xn = trim(x, xn);
        if (xn < n) {
            std::memcpy(r, x, xn * sizeof(Limb));
            std::memset(r + xn, 0, (n - xn) * sizeof(Limb));
            return;
        }
        if (n == 1) {
            Wide rem = 0;
            for (size_t i = xn; i-- > 0;) rem = ((rem << 32) | x[i]) % m[0];
            r[0] = Limb(rem);
            return;
        }

        if (shift == 0) {
            std::memcpy(u, x, xn * sizeof(Limb));
            u[xn] = 0;
        } else {
            u[xn] = x[xn - 1] >> (32 - shift);
            for (size_t i = xn - 1; i > 0; --i) u[i] = (x[i] << shift) | (x[i - 1] >> (32 - shift));
            u[0] = x[0] << shift;
        }

        const Wide vtop = v[n - 1], vnext = v[n - 2];
        for (size_t j = xn - n + 1; j-- > 0;) {
            // Estimate the quotient digit from the top two limbs; the v[n-2] test makes it at
            // most one too large, fixed by the rare add-back below.
            const Wide num = (Wide(u[j + n]) << 32) | u[j + n - 1];
            Wide qhat = num / vtop, rhat = num % vtop;
            while (qhat > 0xffffffffu || qhat * vnext > ((rhat << 32) | u[j + n - 2])) {
                --qhat;
                rhat += vtop;
                if (rhat > 0xffffffffu) break;
            }

            Wide carry = 0;
            Limb borrow = 0;
            for (size_t i = 0; i < n; ++i) {
                const Wide p = qhat * v[i] + carry;
                carry = p >> 32;
                const Wide s = Wide(u[i + j]) - Limb(p) - borrow;
                u[i + j] = Limb(s);
                borrow = Limb(s >> 63);
            }
            const Wide s = Wide(u[j + n]) - carry - borrow;
            u[j + n] = Limb(s);

            if (s >> 63) {
                Wide c = 0;
                for (size_t i = 0; i < n; ++i) {
                    c += Wide(u[i + j]) + v[i];
                    u[i + j] = Limb(c);
                    c >>= 32;
                }
                u[j + n] += Limb(c);  // wraps back to zero, as intended
            }
        }

        if (shift == 0) {
            std::memcpy(r, u, n * sizeof(Limb));
        } else {
            for (size_t i = 0; i < n; ++i) r[i] = (u[i] >> shift) | (u[i + 1] << (32 - shift));
        }
    }
};

// Montgomery arithmetic (R = 2^(32n)) for odd moduli: no divisions in the exponentiation loop.
struct MontRing {
    const Limb* m;
    Limb* t;  // n + 1 limbs
    Limb* w;  // 2n limbs, for squaring
    size_t n;
    Limb minv;  // -m^-1 mod 2^32

    void init() {
        // Newton iteration doubles the number of correct low bits; m0*m0 == 1 mod 8 seeds 3 bits.
        Limb inv = m[0];
        for (int i = 0; i < 4; ++i) inv *= 2 - m[0] * inv;
        minv = Limb(0) - inv;
    }

    // out = a*b/R mod m; inputs < m; out may alias a or b. Interleaved (CIOS) form keeps the
    // working set at n+1 limbs.
    void mul(Limb* out, const Limb* a, const Limb* b) {
        std::memset(t, 0, (n + 1) * sizeof(Limb));
        for (size_t i = 0; i < n; ++i) {
            const Wide bi = b[i];
            Wide p = a[0] * bi + t[0];
            Wide c1 = p >> 32;
            const Limb q = Limb(p) * minv;
            Wide p2 = Wide(q) * m[0] + Limb(p);
            Wide c2 = p2 >> 32;
            for (size_t j = 1; j < n; ++j) {
                p = a[j] * bi + t[j] + c1;
                c1 = p >> 32;
                p2 = Wide(q) * m[j] + Limb(p) + c2;
                c2 = p2 >> 32;
                t[j - 1] = Limb(p2);
            }
            const Wide s = Wide(t[n]) + c1 + c2;
            t[n - 1] = Limb(s);
            t[n] = Limb(s >> 32);
        }
        finish(out, t, t[n]);
    }

    // Squarings dominate exponentiation; computing each cross product once saves ~25%.
    void sqr(Limb* out, const Limb* a) {
        std::memset(w, 0, 2 * n * sizeof(Limb));
        for (size_t i = 0; i + 1 < n; ++i) {
            const Wide ai = a[i];
            Wide c = 0;
            for (size_t j = i + 1; j < n; ++j) {
                c += ai * a[j] + w[i + j];
                w[i + j] = Limb(c);
                c >>= 32;
            }
            w[i + n] = Limb(c);
        }
        Limb hi = 0;
        Wide c = 0;
        for (size_t i = 0; i < n; ++i) {
            const Wide sq = Wide(a[i]) * a[i];
            const Limb lo0 = w[2 * i], lo1 = w[2 * i + 1];
            c += Wide(Limb((lo0 << 1) | hi)) + Limb(sq);
            w[2 * i] = Limb(c);
            c >>= 32;
            c += Wide(Limb((lo1 << 1) | (lo0 >> 31))) + (sq >> 32);
            w[2 * i + 1] = Limb(c);
            c >>= 32;
            hi = lo1 >> 31;
        }
        // a^2 < b^(2n), so no carry leaves the top limb.

        Limb top = 0;
        for (size_t i = 0; i < n; ++i) {
            const Limb q = w[i] * minv;
            Wide cc = 0;
            for (size_t j = 0; j < n; ++j) {
                cc += Wide(q) * m[j] + w[i + j];
                w[i + j] = Limb(cc);
                cc >>= 32;
            }
            cc += Wide(w[i + n]) + top;
            w[i + n] = Limb(cc);
            top = Limb(cc >> 32);
        }
        finish(out, w + n, top);
    }

    // The value (top:x) is < 2m here, so one conditional subtraction lands in [0, m).
    void finish(Limb* out, const Limb* x, Limb top) {
        bool ge = top != 0;
        if (!ge) {
            ge = true;
            for (size_t i = n; i-- > 0;) {
                if (x[i] != m[i]) {
                    ge = x[i] > m[i];
                    break;
                }
            }
        }
        if (ge) {
            Limb borrow = 0;
            for (size_t i = 0; i < n; ++i) {
                const Wide s = Wide(x[i]) - m[i] - borrow;
                out[i] = Limb(s);
                borrow = Limb(s >> 63);
            }
        } else if (out != x) {
            std::memcpy(out, x, n * sizeof(Limb));
        }
    }
};

// Schoolbook product followed by long division; used for even moduli.
struct PlainRing {
    Reducer* red;
    Limb* prod;  // 2n limbs
    size_t n;

    void mul(Limb* out, const Limb* a, const Limb* b) {
        std::memset(prod, 0, 2 * n * sizeof(Limb));
        const size_t an = trim(a, n), bn = trim(b, n);
        for (size_t i = 0; i < bn; ++i) {
            const Wide bi = b[i];
            Wide c = 0;
            for (size_t j = 0; j < an; ++j) {
                c += a[j] * bi + prod[i + j];
                prod[i + j] = Limb(c);
                c >>= 32;
            }
            prod[i + an] = Limb(c);
        }
        red->reduce(prod, an + bn, out);
    }

    void sqr(Limb* out, const Limb* a) { mul(out, a, a); }
};

struct ExpBits {
    const uint8_t* e;  // big-endian, no leading zero byte
    size_t len;
    unsigned bit(size_t k) const { return (e[len - 1 - (k >> 3)] >> (k & 7)) & 1; }
    size_t count() const { return 8 * (len - 1) + (32 - clz32(e[0])); }
};

unsigned window_for(size_t bits) {
    if (bits > 1024) return 6;
    if (bits > 256) return 5;
    if (bits > 64) return 4;
    if (bits > 16) return 3;
    if (bits > 4) return 2;
    return 1;
}

// Left-to-right sliding-window exponentiation. exp must be nonzero. table holds
// 2^(w-1) entries of n limbs (odd powers of base); acc receives the result in ring form.
template <class Ring>
void pow_window(Ring& ring, const Limb* base, const ExpBits& e, unsigned w, Limb* table, Limb* acc,
                size_t n) {
    const size_t entries = size_t(1) << (w - 1);
    std::memcpy(table, base, n * sizeof(Limb));
    if (entries > 1) {
        ring.sqr(acc, base);  // acc doubles as base^2 while building the table
        for (size_t k = 1; k < entries; ++k) ring.mul(table + k * n, table + (k - 1) * n, acc);
    }

    bool started = false;
    size_t i = e.count();  // number of unprocessed bits; the next bit is i-1
    while (i > 0) {
        if (!e.bit(i - 1)) {
            if (started) ring.sqr(acc, acc);
            --i;
            continue;
        }
        size_t lo = i > w ? i - w : 0;  // window covers bits [lo, i-1], must end on a 1 bit
        while (!e.bit(lo)) ++lo;
        size_t val = 0;
        for (size_t k = i; k-- > lo;) val = (val << 1) | e.bit(k);
        const Limb* entry = table + (val >> 1) * n;
        if (started) {
            for (size_t k = lo; k < i; ++k) ring.sqr(acc, acc);
            ring.mul(acc, acc, entry);
        } else {
            std::memcpy(acc, entry, n * sizeof(Limb));
            started = true;
        }
        i = lo;
    }
}

}  // namespace

void modexp(const uint8_t* base, size_t base_len, const uint8_t* exp, size_t exp_len,
            const uint8_t* mod, size_t mod_len, uint8_t* out) {
    const size_t out_len = mod_len;
    if (out_len == 0) return;
    std::memset(out, 0, out_len);

    // Leading zero bytes carry no value; dropping them bounds the work by the real sizes.
    while (mod_len && mod[0] == 0) ++mod, --mod_len;
    while (exp_len && exp[0] == 0) ++exp, --exp_len;
    while (base_len && base[0] == 0) ++base, --base_len;
    if (mod_len == 0) return;                 // mod == 0
    if (mod_len == 1 && mod[0] == 1) return;  // everything is 0 mod 1
    if (exp_len == 0) {                       // x^0 == 1, including 0^0 (EIP-198)
        out[out_len - 1] = 1;
        return;
    }
    if (base_len == 0) return;  // 0^e == 0 for e > 0

    const size_t n = limbs_for(mod_len);
    const size_t bn = limbs_for(base_len);
    const ExpBits e{exp, exp_len};
    const unsigned w = window_for(e.count());
    const size_t entries = size_t(1) << (w - 1);
    const size_t dividend_max = (bn > 2 * n + 1 ? bn : 2 * n + 1);

    // One allocation for all scratch: sizes depend only on the input lengths.
    const size_t total = n           // m
                         + n         // normalized divisor
                         + dividend_max + 1  // division scratch
                         + bn        // base
                         + n         // base mod m
                         + n         // acc
                         + n         // tmp
                         + 2 * n + 1 // product / R^2 dividend
                         + n + 1     // Montgomery accumulator
                         + entries * n;
    Limb* mem = static_cast<Limb*>(std::malloc(total * sizeof(Limb)));
    if (!mem) return;
    Limb* m = mem;
    Limb* vnorm = m + n;
    Limb* u = vnorm + n;
    Limb* braw = u + dividend_max + 1;
    Limb* bred = braw + bn;
    Limb* acc = bred + n;
    Limb* tmp = acc + n;
    Limb* prod = tmp + n;
    Limb* mt = prod + 2 * n + 1;
    Limb* table = mt + n + 1;

    load_be(mod, mod_len, m, n);
    load_be(base, base_len, braw, bn);

    Reducer red{m, vnorm, u, n, 0};
    red.init();
    red.reduce(braw, bn, bred);

    if (m[0] & 1) {
        MontRing ring{m, mt, prod, n, 0};
        ring.init();
        // R^2 mod m converts into Montgomery form with a single multiplication.
        std::memset(prod, 0, (2 * n + 1) * sizeof(Limb));
        prod[2 * n] = 1;
        red.reduce(prod, 2 * n + 1, tmp);
        ring.mul(bred, bred, tmp);
        pow_window(ring, bred, e, w, table, acc, n);
        std::memset(tmp, 0, n * sizeof(Limb));
        tmp[0] = 1;
        ring.mul(acc, acc, tmp);
    } else {
        PlainRing ring{&red, prod, n};
        pow_window(ring, bred, e, w, table, acc, n);
    }

    store_be(acc, n, out, out_len);
    std::free(mem);
}

}  // namespace evm::crypto
