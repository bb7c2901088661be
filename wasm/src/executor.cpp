#include "executor.hpp"

#include <cstring>

#include "crypto/keccak.hpp"
#include "gas.hpp"
#include "traits.hpp"

namespace evm {

namespace {

// The frames' stacks and memories, kept across transactions: a fresh set per transaction cost
// a 32 KiB zeroed stack and 16 KiB of buffer slots each time. An instance runs one transaction
// at a time, so one set serves all. Sized once: frames hold references into it.
std::vector<FrameBuffers>& frame_buffers() {
  static std::vector<FrameBuffers> buffers(kCallDepthLimit + 1);
  return buffers;
}

// What a transaction may leave behind: the stacks of the shallowest depths, and memories up to
// this size. Deeper stacks and bigger memories are released, so that one deep or memory-hungry
// transaction does not keep its peak for the life of the instance.
constexpr int kKeptStacks = 8;
constexpr size_t kKeptMemory = 64 * 1024;

}  // namespace

FrameBuffers& Executor::buffers(int depth) {
  FrameBuffers& b = frame_buffers()[depth];
  if (!b.stack) b.stack.reset(new u256[kStackLimit]);
  if (depth > deepest_) deepest_ = depth;
  return b;
}

Executor::~Executor() {
  std::vector<FrameBuffers>& all = frame_buffers();
  for (int d = 0; d <= deepest_; ++d) {
    FrameBuffers& b = all[d];
    if (d >= kKeptStacks) b.stack.reset();
    if (b.memory.capacity() > kKeptMemory) std::vector<uint8_t>().swap(b.memory);
  }
}

bool Executor::transfer(Account& from, Account& to, const u256& value) {
  if (from.balance < value) return false;
  if (is_zero(value)) {
    // A zero transfer still touches the recipient, so an empty one is cleared (EIP-161).
    if (to.is_empty()) state_.touch(to);
    return true;
  }
  state_.set_balance(from, from.balance - value);
  state_.set_balance(to, to.balance + value);
  return true;
}

Result Executor::call(const Message& msg) {
  if (msg.kind == CallKind::Create || msg.kind == CallKind::Create2) return create(msg);
  Result early;
  early.gas_left = msg.gas;  // a call that never starts hands all its gas back
  if (msg.depth > kCallDepthLimit) return early;
  if (msg.kind == CallKind::Call || msg.kind == CallKind::CallCode) {
    if (state_.get(msg.sender).balance < msg.value) return early;
  }

  const size_t snap = state_.snapshot();
  const size_t logs_at = logs_.size();
  const bool precompile = is_precompile(msg.code_address);
  if (msg.kind == CallKind::Call) {
    Account& to = state_.get(msg.recipient);
    // Calling a dead account with no value creates nothing and runs nothing.
    if (!to.exists && is_zero(msg.value) && !precompile) {
      early.status = Status::Success;
      return early;
    }
    transfer(state_.get(msg.sender), to, msg.value);
  } else if (msg.kind == CallKind::StaticCall) {
    Account& to = state_.get(msg.recipient);
    if (to.is_empty()) state_.touch(to);  // as geth does, so empties reached this way are cleared
  }

  Result r;
  if (precompile) {
    r = run_precompile(msg, msg.code_address.b[19]);
  } else {
    Account& code_acct = state_.get(msg.code_address);
    if (code_acct.code_size == 0) {
      r.status = Status::Success;
      r.gas_left = msg.gas;
      return r;
    }
    r = run_code(msg, state_.code(code_acct));
  }
  if (r.status != Status::Success) {
    state_.revert(snap);
    logs_.resize(logs_at);
  }
  return r;
}

// keccak256(rlp([sender, nonce]))[12:]
static Address create_address(const Address& sender, uint64_t nonce) {
  uint8_t buf[32];
  int len = 0;
  for (uint64_t v = nonce; v; v >>= 8) ++len;
  const bool single = nonce != 0 && nonce < 0x80;  // a byte below 0x80 is its own encoding
  const size_t nonce_rlp = single ? 1 : size_t(1 + len);
  size_t n = 0;
  buf[n++] = uint8_t(0xc0 + 21 + nonce_rlp);
  buf[n++] = 0x80 + 20;
  std::memcpy(buf + n, sender.b, 20);
  n += 20;
  if (!single) buf[n++] = uint8_t(0x80 + len);
  for (int i = len - 1; i >= 0; --i) buf[n++] = uint8_t(nonce >> (8 * i));
  uint8_t h[32];
  crypto::keccak256(buf, n, h);
  Address a;
  std::memcpy(a.b, h + 12, 20);
  return a;
}

static Address create2_address(const Address& sender, const u256& salt, const uint8_t* init, size_t size) {
  uint8_t buf[85];
  buf[0] = 0xff;
  std::memcpy(buf + 1, sender.b, 20);
  store_be(buf + 21, salt);
  crypto::keccak256(init, size, buf + 53);
  uint8_t h[32];
  crypto::keccak256(buf, sizeof buf, h);
  Address a;
  std::memcpy(a.b, h + 12, 20);
  return a;
}

Result Executor::create(const Message& msg) {
  Result res;
  res.gas_left = msg.gas;
  if (msg.depth > kCallDepthLimit) return res;
  Account& sender = state_.get(msg.sender);
  if (sender.balance < msg.value) return res;
  if (sender.nonce == UINT64_MAX) return res;  // EIP-2681
  const uint64_t nonce = sender.nonce;
  state_.set_nonce(sender, nonce + 1);

  const Address addr = msg.kind == CallKind::Create2
                           ? create2_address(msg.sender, msg.salt, msg.input, msg.input_size)
                           : create_address(msg.sender, nonce);
  res.created = addr;
  state_.warm_address(addr);  // EIP-2929: stays warm even if the creation fails

  Account& acct = state_.get(addr);
  if (acct.nonce != 0 || acct.code_size != 0 || acct.had_storage) {  // EIP-684, EIP-7610
    res.gas_left = 0;
    return res;
  }

  const size_t snap = state_.snapshot();
  const size_t logs_at = logs_.size();
  state_.mark_created(acct);
  state_.set_nonce(acct, 1);  // EIP-161
  transfer(sender, acct, msg.value);

  auto init = analyze(msg.input, uint32_t(msg.input_size));
  Message m = msg;
  m.recipient = m.code_address = addr;
  m.input = nullptr;  // init code runs with empty call data
  m.input_size = 0;
  Result r = run_code(m, *init);
  r.created = addr;
  if (r.status == Status::Success) {
    const size_t n = r.output.size();
    const int64_t deposit = gas::kCodeDeposit * int64_t(n);
    if (n > gas::kMaxCodeSize || (n && r.output[0] == 0xef) || r.gas_left < deposit) {  // EIP-170, EIP-3541
      r.status = Status::Failure;
      r.gas_left = 0;
    } else {
      r.gas_left -= deposit;
      state_.set_code(acct, r.output.data(), uint32_t(n));
    }
    if (r.status == Status::Success) r.output.clear();
  }
  if (r.status != Status::Success) {
    state_.revert(snap);
    logs_.resize(logs_at);
    if (r.status == Status::Failure) r.output.clear();
  }
  return r;
}

}  // namespace evm
