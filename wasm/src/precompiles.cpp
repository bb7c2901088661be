// Precompiled contracts 0x01-0x0a (Cancun). Gas is charged here for all of them; the hashing
// ones and modexp run in the core, the elliptic-curve and KZG ones go to host::precompile.
#include <algorithm>
#include <cstring>
#include <vector>

#include "crypto/blake2f.hpp"
#include "crypto/modexp.hpp"
#include "crypto/ripemd160.hpp"
#include "crypto/sha256.hpp"
#include "executor.hpp"
#include "gas.hpp"
#include "host.hpp"

namespace evm {

namespace {

constexpr int64_t kOutOfGas = INT64_MAX;

int64_t words(size_t n) { return gas::num_words(n); }

// Reads `len` bytes at `off` of the input, zero-filled past its end.
void read_padded(const Message& msg, uint64_t off, uint64_t len, uint8_t* out) {
  std::memset(out, 0, len);
  if (off < msg.input_size) std::memcpy(out, msg.input + off, std::min<uint64_t>(len, msg.input_size - off));
}

u256 word_at(const Message& msg, uint64_t off) {
  uint8_t w[32];
  read_padded(msg, off, 32, w);
  return load_be(w);
}

// EIP-2565 pricing of EIP-198 modexp; lengths beyond 2^32 can never be paid for.
int64_t modexp_gas(const Message& msg, uint64_t& blen, uint64_t& elen, uint64_t& mlen) {
  const u256 b = word_at(msg, 0), e = word_at(msg, 32), m = word_at(msg, 64);
  const u256 limit = u256::from(uint64_t(1) << 32);
  const bool huge_exp = !(e < limit);
  if (!(b < limit) || !(m < limit)) return kOutOfGas;
  blen = as_u64(b), mlen = as_u64(m), elen = huge_exp ? UINT64_MAX : as_u64(e);
  const uint64_t max_words = (std::max(blen, mlen) + 7) / 8;
  const unsigned __int128 complexity = (unsigned __int128)max_words * max_words;
  if (complexity == 0) return 200;
  if (huge_exp) return kOutOfGas;
  // The exponent's first 32 bytes decide the bit length; each byte past them adds 8.
  uint8_t head[32] = {};
  const uint64_t head_len = std::min<uint64_t>(elen, 32);
  read_padded(msg, 96 + blen, head_len, head + 32 - head_len);
  const u256 eh = load_be(head);
  const uint64_t bits = is_zero(eh) ? 0 : 256 - clz(eh);
  uint64_t iters = elen <= 32 ? (bits ? bits - 1 : 0) : 8 * (elen - 32) + (bits ? bits - 1 : 0);
  iters = std::max<uint64_t>(iters, 1);
  const unsigned __int128 g = complexity * iters / 3;
  if (g > (unsigned __int128)INT64_MAX) return kOutOfGas;
  return std::max<int64_t>(200, int64_t(g));
}

}  // namespace

Result Executor::run_precompile(const Message& msg, uint32_t id) {
  Result r;
  int64_t cost = 0;
  uint64_t blen = 0, elen = 0, mlen = 0;
  switch (id) {
    case 1: cost = 3000; break;
    case 2: cost = 60 + 12 * words(msg.input_size); break;
    case 3: cost = 600 + 120 * words(msg.input_size); break;
    case 4: cost = 15 + 3 * words(msg.input_size); break;
    case 5: cost = modexp_gas(msg, blen, elen, mlen); break;
    case 6: cost = 150; break;    // EIP-1108
    case 7: cost = 6000; break;   // EIP-1108
    case 8: cost = 45000 + 34000 * int64_t(msg.input_size / 192); break;  // EIP-1108
    case 9: {                     // EIP-152: one gas per round
      if (msg.input_size != 213) return r;
      cost = (int64_t(msg.input[0]) << 24) | (msg.input[1] << 16) | (msg.input[2] << 8) | msg.input[3];
      break;
    }
    case 10: cost = 50000; break;  // EIP-4844
  }
  if (cost > msg.gas) return r;
  r.gas_left = msg.gas - cost;
  r.status = Status::Success;

  switch (id) {
    case 2:
      r.output.resize(32);
      crypto::sha256(msg.input, msg.input_size, r.output.data());
      break;
    case 3:
      r.output.assign(32, 0);
      crypto::ripemd160(msg.input, msg.input_size, r.output.data() + 12);
      break;
    case 4: r.output.assign(msg.input, msg.input + msg.input_size); break;
    case 5: {
      if (mlen == 0) break;
      std::vector<uint8_t> base(blen), exp(elen), mod(mlen);
      read_padded(msg, 96, blen, base.data());
      read_padded(msg, 96 + blen, elen, exp.data());
      read_padded(msg, 96 + blen + elen, mlen, mod.data());
      r.output.resize(mlen);
      crypto::modexp(base.data(), blen, exp.data(), elen, mod.data(), mlen, r.output.data());
      break;
    }
    case 9: {
      const uint8_t* in = msg.input;
      if (in[212] > 1) {
        r = Result{};
        break;
      }
      uint64_t h[8], m[16], t[2];
      std::memcpy(h, in + 4, 64);  // little-endian words, as the EIP lays them out
      std::memcpy(m, in + 68, 128);
      std::memcpy(t, in + 196, 16);
      crypto::blake2b_compress(uint32_t(cost), h, m, t, in[212] == 1);
      r.output.resize(64);
      std::memcpy(r.output.data(), h, 64);
      break;
    }
    default: {
      uint8_t out[64];
      const int32_t n = host::precompile(id, msg.input, uint32_t(msg.input_size), out, sizeof out);
      if (n < 0)
        r = Result{};
      else
        r.output.assign(out, out + n);
    }
  }
  return r;
}

}  // namespace evm
