// The interpreter loop: one switch over the opcode, stack bounds and base gas checked from the
// traits table before each instruction, so the instruction bodies only do their own work.
#include <algorithm>
#include <cstring>

#include "crypto/keccak.hpp"
#include "executor.hpp"
#include "gas.hpp"
#include "host.hpp"
#include "traits.hpp"

namespace evm {

namespace {

constexpr uint64_t kMaxMemory = uint64_t(1) << 32;  // beyond this no gas limit could pay

struct Frame {
  const Message& msg;
  const Code& code;
  int64_t gas;
  std::vector<uint8_t>& memory;
  std::vector<uint8_t> return_data;  // output of the last call made from this frame
};

// Charges for growing memory to cover [offset, offset+size); false means out of gas.
// On success `off` holds the offset (0 when size is 0).
inline bool use_memory(Frame& f, const u256& offset, uint64_t size, uint64_t& off) {
  off = 0;
  if (size == 0) return true;
  if (!fits_u64(offset) || as_u64(offset) >= kMaxMemory || size >= kMaxMemory) return false;
  off = as_u64(offset);
  const uint64_t end = off + size;
  if (end <= f.memory.size()) return true;
  const int64_t new_words = gas::num_words(end);
  const int64_t old_words = int64_t(f.memory.size() / 32);
  f.gas -= gas::memory_cost(new_words) - gas::memory_cost(old_words);
  if (f.gas < 0) return false;
  f.memory.resize(size_t(new_words) * 32, 0);
  return true;
}

// Sizes come off the stack as words; anything past 2^32 can never be paid for.
inline bool to_size(const u256& v, uint64_t& out) {
  if (!fits_u64(v) || as_u64(v) >= kMaxMemory) return false;
  out = as_u64(v);
  return true;
}

// Copies src[offset..offset+size) into dst, zero-filling what lies past the end of src.
inline void copy_padded(uint8_t* dst, const uint8_t* src, size_t src_size, const u256& offset, size_t size) {
  size_t start = fits_u64(offset) && as_u64(offset) < src_size ? size_t(as_u64(offset)) : src_size;
  size_t n = std::min(size, src_size - start);
  if (n) std::memcpy(dst, src + start, n);
  if (size > n) std::memset(dst + n, 0, size - n);
}

inline bool charge(Frame& f, int64_t cost) {
  f.gas -= cost;
  return f.gas >= 0;
}

// Gas for touching an account under EIP-2929; the base 100 is in the traits table.
inline int64_t access_cost(State& s, const Address& a) {
  return s.warm_address(a) ? gas::kColdAccountAccess - gas::kWarmAccess : 0;
}

}  // namespace

Result Executor::run_code(const Message& msg, const Code& code) {
  FrameBuffers& buf = buffers(msg.depth);
  buf.memory.clear();
  Frame f{msg, code, msg.gas, buf.memory, {}};
  u256* const stack = buf.stack.get();
  u256* sp = stack;
  const uint8_t* const bytes = code.padded.data();
  uint64_t pc = 0;
  Result res;
  res.status = Status::Failure;

#define FAIL() goto fail
#define USE_GAS(n) \
  if (!charge(f, (n))) FAIL()

  for (;;) {
    const uint8_t op = bytes[pc];
    const OpTraits t = kTraits[op];
    if (t.base_gas < 0) FAIL();
    {
      const ptrdiff_t height = sp - stack;
      if (height < t.stack_in || height + t.stack_change > kStackLimit) FAIL();
    }
    f.gas -= t.base_gas;
    if (f.gas < 0) FAIL();

    switch (op) {
      case OP_STOP: res.status = Status::Success; goto done;
      case OP_ADD: sp[-2] = sp[-1] + sp[-2]; --sp; break;
      case OP_MUL: sp[-2] = sp[-1] * sp[-2]; --sp; break;
      case OP_SUB: sp[-2] = sp[-1] - sp[-2]; --sp; break;
      case OP_DIV: sp[-2] = udiv(sp[-1], sp[-2]); --sp; break;
      case OP_SDIV: sp[-2] = sdiv(sp[-1], sp[-2]); --sp; break;
      case OP_MOD: sp[-2] = umod(sp[-1], sp[-2]); --sp; break;
      case OP_SMOD: sp[-2] = smod(sp[-1], sp[-2]); --sp; break;
      case OP_ADDMOD: sp[-3] = addmod(sp[-1], sp[-2], sp[-3]); sp -= 2; break;
      case OP_MULMOD: sp[-3] = mulmod(sp[-1], sp[-2], sp[-3]); sp -= 2; break;
      case OP_EXP:
        USE_GAS(gas::kExpByte * int64_t(byte_length(sp[-2])));  // EIP-160
        sp[-2] = exp(sp[-1], sp[-2]);
        --sp;
        break;
      case OP_SIGNEXTEND: sp[-2] = signextend(sp[-1], sp[-2]); --sp; break;
      case OP_LT: sp[-2] = u256::from(sp[-1] < sp[-2]); --sp; break;
      case OP_GT: sp[-2] = u256::from(sp[-2] < sp[-1]); --sp; break;
      case OP_SLT: sp[-2] = u256::from(slt(sp[-1], sp[-2])); --sp; break;
      case OP_SGT: sp[-2] = u256::from(sgt(sp[-1], sp[-2])); --sp; break;
      case OP_EQ: sp[-2] = u256::from(sp[-1] == sp[-2]); --sp; break;
      case OP_ISZERO: sp[-1] = u256::from(is_zero(sp[-1])); break;
      case OP_AND: sp[-2] = sp[-1] & sp[-2]; --sp; break;
      case OP_OR: sp[-2] = sp[-1] | sp[-2]; --sp; break;
      case OP_XOR: sp[-2] = sp[-1] ^ sp[-2]; --sp; break;
      case OP_NOT: sp[-1] = ~sp[-1]; break;
      case OP_BYTE: sp[-2] = byte_at(sp[-1], sp[-2]); --sp; break;
      case OP_SHL: sp[-2] = shl(sp[-1], sp[-2]); --sp; break;
      case OP_SHR: sp[-2] = shr(sp[-1], sp[-2]); --sp; break;
      case OP_SAR: sp[-2] = sar(sp[-1], sp[-2]); --sp; break;

      case OP_KECCAK256: {
        uint64_t size, off;
        if (!to_size(sp[-2], size)) FAIL();
        USE_GAS(gas::kKeccakWord * gas::num_words(size));
        if (!use_memory(f, sp[-1], size, off)) FAIL();
        uint8_t h[32];
        crypto::keccak256(f.memory.data() + off, size, h);
        sp[-2] = load_be(h);
        --sp;
        break;
      }

      case OP_ADDRESS: *sp++ = word_from_address(msg.recipient); break;
      case OP_BALANCE: {
        const Address a = address_from_word(sp[-1]);
        USE_GAS(access_cost(state_, a));
        sp[-1] = state_.get(a).balance;
        break;
      }
      case OP_ORIGIN: *sp++ = word_from_address(tx_.origin); break;
      case OP_CALLER: *sp++ = word_from_address(msg.sender); break;
      case OP_CALLVALUE: *sp++ = msg.value; break;
      case OP_CALLDATALOAD: {
        uint8_t w[32];
        copy_padded(w, msg.input, msg.input_size, sp[-1], 32);
        sp[-1] = load_be(w);
        break;
      }
      case OP_CALLDATASIZE: *sp++ = u256::from(msg.input_size); break;
      case OP_CALLDATACOPY:
      case OP_CODECOPY:
      case OP_RETURNDATACOPY: {
        uint64_t size, off;
        if (!to_size(sp[-3], size)) FAIL();
        if (op == OP_RETURNDATACOPY) {
          // EIP-211: reading past the end of the return data is an exceptional halt.
          const u256 end = sp[-2] + sp[-3];
          if (end < sp[-2] || u256::from(f.return_data.size()) < end) FAIL();
        }
        USE_GAS(gas::kCopyWord * gas::num_words(size));
        if (!use_memory(f, sp[-1], size, off)) FAIL();
        if (size) {
          if (op == OP_CALLDATACOPY)
            copy_padded(f.memory.data() + off, msg.input, msg.input_size, sp[-2], size);
          else if (op == OP_CODECOPY)
            copy_padded(f.memory.data() + off, bytes, code.size, sp[-2], size);
          else
            std::memcpy(f.memory.data() + off, f.return_data.data() + as_u64(sp[-2]), size);
        }
        sp -= 3;
        break;
      }
      case OP_CODESIZE: *sp++ = u256::from(code.size); break;
      case OP_GASPRICE: *sp++ = tx_.gas_price; break;
      case OP_EXTCODESIZE: {
        const Address a = address_from_word(sp[-1]);
        USE_GAS(access_cost(state_, a));
        sp[-1] = u256::from(state_.get(a).code_size);
        break;
      }
      case OP_EXTCODECOPY: {
        const Address a = address_from_word(sp[-1]);
        uint64_t size, off;
        if (!to_size(sp[-4], size)) FAIL();
        USE_GAS(gas::kCopyWord * gas::num_words(size));
        if (!use_memory(f, sp[-2], size, off)) FAIL();
        USE_GAS(access_cost(state_, a));
        if (size) {
          Account& acct = state_.get(a);
          const Code& c = state_.code(acct);
          copy_padded(f.memory.data() + off, c.padded.data(), c.size, sp[-3], size);
        }
        sp -= 4;
        break;
      }
      case OP_RETURNDATASIZE: *sp++ = u256::from(f.return_data.size()); break;
      case OP_EXTCODEHASH: {
        const Address a = address_from_word(sp[-1]);
        USE_GAS(access_cost(state_, a));
        Account& acct = state_.get(a);
        // EIP-1052 with EIP-161: a dead account hashes to zero.
        sp[-1] = acct.is_empty() ? u256{} : load_be(acct.code_hash.b);
        break;
      }
      case OP_BLOCKHASH: {
        const u256 n = sp[-1];
        sp[-1] = u256{};
        if (fits_u64(n) && as_u64(n) < block_.number && as_u64(n) + 256 >= block_.number) {
          uint8_t h[32];
          host::block_hash(as_u64(n), h);
          sp[-1] = load_be(h);
        }
        break;
      }
      case OP_COINBASE: *sp++ = word_from_address(block_.coinbase); break;
      case OP_TIMESTAMP: *sp++ = u256::from(block_.timestamp); break;
      case OP_NUMBER: *sp++ = u256::from(block_.number); break;
      case OP_PREVRANDAO: *sp++ = block_.prev_randao; break;
      case OP_GASLIMIT: *sp++ = u256::from(block_.gas_limit); break;
      case OP_CHAINID: *sp++ = u256::from(block_.chain_id); break;
      case OP_SELFBALANCE: *sp++ = state_.get(msg.recipient).balance; break;
      case OP_BASEFEE: *sp++ = block_.base_fee; break;
      case OP_BLOBHASH: {  // EIP-4844
        const u256 i = sp[-1];
        sp[-1] = (fits_u64(i) && as_u64(i) < tx_.n_blob_hashes) ? load_be(tx_.blob_hashes + 32 * as_u64(i)) : u256{};
        break;
      }
      case OP_BLOBBASEFEE: *sp++ = block_.blob_base_fee; break;  // EIP-7516

      case OP_POP: --sp; break;
      case OP_MLOAD: {
        uint64_t off;
        if (!use_memory(f, sp[-1], 32, off)) FAIL();
        sp[-1] = load_be(f.memory.data() + off);
        break;
      }
      case OP_MSTORE: {
        uint64_t off;
        if (!use_memory(f, sp[-1], 32, off)) FAIL();
        store_be(f.memory.data() + off, sp[-2]);
        sp -= 2;
        break;
      }
      case OP_MSTORE8: {
        uint64_t off;
        if (!use_memory(f, sp[-1], 1, off)) FAIL();
        f.memory[off] = uint8_t(sp[-2].w[0]);
        sp -= 2;
        break;
      }
      case OP_SLOAD: {
        const u256 key = sp[-1];
        USE_GAS(state_.warm_slot(msg.recipient, key) ? gas::kColdSload : gas::kWarmAccess);
        sp[-1] = state_.sload(state_.get(msg.recipient), key);
        break;
      }
      case OP_SSTORE: {
        if (msg.is_static) FAIL();
        if (f.gas <= gas::kSstoreSentry) FAIL();  // EIP-2200
        const u256 key = sp[-1], value = sp[-2];
        sp -= 2;
        int64_t cost = state_.warm_slot(msg.recipient, key) ? gas::kColdSload : 0;
        Account& self = state_.get(msg.recipient);
        const Slot& s = state_.slot(self, key);
        const u256 original = s.original, current = s.current;
        // EIP-2200 as amended by EIP-2929 and EIP-3529.
        if (current == value) {
          cost += gas::kWarmAccess;
        } else if (original == current) {
          cost += is_zero(original) ? gas::kSstoreSet : gas::kSstoreReset;
          if (!is_zero(original) && is_zero(value)) state_.add_refund(gas::kSstoreClearRefund);
        } else {
          cost += gas::kWarmAccess;
          if (!is_zero(original)) {
            if (is_zero(current)) state_.add_refund(-gas::kSstoreClearRefund);
            if (is_zero(value)) state_.add_refund(gas::kSstoreClearRefund);
          }
          if (original == value)
            state_.add_refund(is_zero(original) ? gas::kSstoreSet - gas::kWarmAccess
                                                : gas::kSstoreReset - gas::kWarmAccess);
        }
        USE_GAS(cost);
        if (current != value) state_.sstore(self, key, value);
        break;
      }
      case OP_JUMP: {
        const u256 dst = sp[-1];
        --sp;
        if (!fits_u64(dst) || !code.is_jumpdest(as_u64(dst))) FAIL();
        pc = as_u64(dst);
        continue;
      }
      case OP_JUMPI: {
        const u256 dst = sp[-1], cond = sp[-2];
        sp -= 2;
        if (!is_zero(cond)) {
          if (!fits_u64(dst) || !code.is_jumpdest(as_u64(dst))) FAIL();
          pc = as_u64(dst);
          continue;
        }
        break;
      }
      case OP_PC: *sp++ = u256::from(pc); break;
      case OP_MSIZE: *sp++ = u256::from(f.memory.size()); break;
      case OP_GAS: *sp++ = u256::from(uint64_t(f.gas)); break;
      case OP_JUMPDEST: break;
      case OP_TLOAD: sp[-1] = state_.tload(msg.recipient, sp[-1]); break;  // EIP-1153
      case OP_TSTORE:
        if (msg.is_static) FAIL();
        state_.tstore(msg.recipient, sp[-1], sp[-2]);
        sp -= 2;
        break;
      case OP_MCOPY: {  // EIP-5656
        uint64_t size, off;
        if (!to_size(sp[-3], size)) FAIL();
        USE_GAS(gas::kCopyWord * gas::num_words(size));
        if (size) {
          const u256 hi = sp[-2] < sp[-1] ? sp[-1] : sp[-2];
          if (!use_memory(f, hi, size, off)) FAIL();
          std::memmove(f.memory.data() + as_u64(sp[-1]), f.memory.data() + as_u64(sp[-2]), size);
        }
        sp -= 3;
        break;
      }
      case OP_PUSH0: *sp++ = u256{}; break;

      case OP_LOG0:
      case OP_LOG1:
      case OP_LOG2:
      case OP_LOG3:
      case OP_LOG4: {
        if (msg.is_static) FAIL();
        const int n = op - OP_LOG0;
        uint64_t size, off;
        if (!to_size(sp[-2], size)) FAIL();
        USE_GAS(gas::kLogData * int64_t(size));
        if (!use_memory(f, sp[-1], size, off)) FAIL();
        Log log;
        log.address = msg.recipient;
        for (int i = 0; i < n; ++i) {
          Hash32 topic;
          store_be(topic.b, sp[-3 - i]);
          log.topics.push_back(topic);
        }
        if (size) log.data.assign(f.memory.data() + off, f.memory.data() + off + size);
        logs_.push_back(std::move(log));
        sp -= 2 + n;
        break;
      }

      case OP_CREATE:
      case OP_CREATE2: {
        if (msg.is_static) FAIL();
        const bool is2 = op == OP_CREATE2;
        const u256 value = sp[-1];
        uint64_t size, off;
        if (!to_size(sp[-3], size)) FAIL();
        if (size > gas::kMaxInitcodeSize) FAIL();  // EIP-3860
        USE_GAS((gas::kInitcodeWord + (is2 ? gas::kKeccakWord : 0)) * gas::num_words(size));
        if (!use_memory(f, sp[-2], size, off)) FAIL();
        Message m;
        m.kind = is2 ? CallKind::Create2 : CallKind::Create;
        m.depth = msg.depth + 1;
        m.sender = msg.recipient;
        m.value = value;
        if (is2) m.salt = sp[-4];
        sp -= is2 ? 4 : 3;
        m.input = size ? f.memory.data() + off : nullptr;
        m.input_size = size;
        m.gas = f.gas - f.gas / 64;  // EIP-150
        f.gas -= m.gas;
        Result r = create(m);
        f.gas += r.gas_left;
        f.return_data = r.status == Status::Revert ? std::move(r.output) : std::vector<uint8_t>{};
        *sp++ = r.status == Status::Success ? word_from_address(r.created) : u256{};
        break;
      }

      case OP_CALL:
      case OP_CALLCODE:
      case OP_DELEGATECALL:
      case OP_STATICCALL: {
        const bool has_value = op == OP_CALL || op == OP_CALLCODE;
        const u256 gas_req = sp[-1];
        const Address target = address_from_word(sp[-2]);
        const u256 value = has_value ? sp[-3] : u256{};
        const u256* args = sp - (has_value ? 4 : 3);
        uint64_t in_size, out_size, in_off, out_off;
        if (!to_size(args[-1], in_size) || !to_size(args[-3], out_size)) FAIL();
        sp = const_cast<u256*>(args) - 3;
        const u256 in_at = args[0], out_at = args[-2];
        if (!use_memory(f, in_at, in_size, in_off) || !use_memory(f, out_at, out_size, out_off)) FAIL();
        USE_GAS(access_cost(state_, target));
        const bool transfers = !is_zero(value);
        if (op == OP_CALL && transfers && msg.is_static) FAIL();
        int64_t extra = transfers ? gas::kCallValue : 0;
        if (op == OP_CALL && transfers) {
          Account& dst = state_.get(target);
          if (dst.is_empty()) extra += gas::kNewAccount;  // EIP-161
        }
        USE_GAS(extra);
        const int64_t cap = f.gas - f.gas / 64;  // EIP-150
        int64_t child_gas = (fits_u64(gas_req) && as_u64(gas_req) < uint64_t(cap)) ? int64_t(as_u64(gas_req)) : cap;
        f.gas -= child_gas;
        if (transfers) child_gas += gas::kCallStipend;

        Message m;
        m.depth = msg.depth + 1;
        m.gas = child_gas;
        m.code_address = target;
        m.input = in_size ? f.memory.data() + in_off : nullptr;
        m.input_size = in_size;
        switch (op) {
          case OP_CALL:
            m.kind = CallKind::Call, m.recipient = target, m.sender = msg.recipient, m.value = value;
            m.is_static = msg.is_static;
            break;
          case OP_CALLCODE:
            m.kind = CallKind::CallCode, m.recipient = msg.recipient, m.sender = msg.recipient, m.value = value;
            m.is_static = msg.is_static;
            break;
          case OP_DELEGATECALL:
            m.kind = CallKind::DelegateCall, m.recipient = msg.recipient, m.sender = msg.sender, m.value = msg.value;
            m.is_static = msg.is_static;
            break;
          default:
            m.kind = CallKind::StaticCall, m.recipient = target, m.sender = msg.recipient;
            m.is_static = true;
            break;
        }
        Result r = call(m);
        f.gas += r.gas_left;
        if (out_size && !r.output.empty())
          std::memcpy(f.memory.data() + out_off, r.output.data(), std::min<size_t>(out_size, r.output.size()));
        f.return_data = std::move(r.output);
        *sp++ = u256::from(r.status == Status::Success);
        break;
      }

      case OP_RETURN:
      case OP_REVERT: {
        uint64_t size, off;
        if (!to_size(sp[-2], size)) FAIL();
        if (!use_memory(f, sp[-1], size, off)) FAIL();
        if (size) res.output.assign(f.memory.data() + off, f.memory.data() + off + size);
        res.status = op == OP_RETURN ? Status::Success : Status::Revert;
        goto done;
      }

      case OP_SELFDESTRUCT: {
        if (msg.is_static) FAIL();
        const Address ben = address_from_word(sp[-1]);
        // EIP-2929: the full cold cost, as SELFDESTRUCT's base has no warm read in it.
        USE_GAS(state_.warm_address(ben) ? gas::kColdAccountAccess : 0);
        Account& self = state_.get(msg.recipient);
        Account& dst = state_.get(ben);
        if (!is_zero(self.balance) && dst.is_empty()) USE_GAS(gas::kSelfdestructNewAccount);
        // EIP-6780: the balance always moves (staying put when the beneficiary is the contract
        // itself); only an account created in this same transaction is deleted, burning it.
        const u256 bal = self.balance;
        if (!is_zero(bal)) state_.set_balance(self, u256{});
        if (!is_zero(bal))
          state_.set_balance(dst, dst.balance + bal);
        else if (dst.is_empty())
          state_.touch(dst);
        if (self.created) {
          if (!is_zero(self.balance)) state_.set_balance(self, u256{});
          state_.mark_destructed(self);
        }
        res.status = Status::Success;
        goto done;
      }

      default:
        if (op >= OP_PUSH1 && op <= OP_PUSH32) {
          const unsigned n = op - OP_PUSH1 + 1;
          *sp++ = load_be_partial(bytes + pc + 1, n);
          pc += n + 1;
          continue;
        }
        if (op >= OP_DUP1 && op <= OP_DUP16) {
          *sp = sp[-int(op - OP_DUP1 + 1)];
          ++sp;
          break;
        }
        if (op >= OP_SWAP1 && op <= OP_SWAP16) {
          std::swap(sp[-1], sp[-int(op - OP_SWAP1 + 2)]);
          break;
        }
        FAIL();  // INVALID (0xfe)
    }
    ++pc;
  }

fail:
  res.status = Status::Failure;
  res.gas_left = 0;
  res.output.clear();
  return res;
done:
  res.gas_left = f.gas;
  return res;
#undef FAIL
#undef USE_GAS
}

}  // namespace evm
