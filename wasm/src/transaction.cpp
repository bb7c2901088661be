#include "transaction.hpp"

#include <algorithm>
#include <vector>

#include "../include/evm_abi.h"
#include "executor.hpp"
#include "gas.hpp"

namespace evm {

namespace {

struct AccessEntry {
  Address address;
  const uint8_t* keys;  // 32 bytes each
  uint32_t n_keys;
};

struct Tx {
  uint8_t type = 0;
  bool has_to = false;
  Address sender, to;
  uint64_t nonce = 0, gas_limit = 0;
  u256 value, gas_price, max_fee, max_priority_fee, max_blob_fee;
  const uint8_t* data = nullptr;
  uint32_t data_len = 0;
  std::vector<AccessEntry> access_list;
  const uint8_t* blob_hashes = nullptr;
  uint32_t n_blob_hashes = 0;
  uint32_t flags = 0;
};

bool parse(ByteReader& r, BlockEnv& b, Tx& tx) {
  b.number = r.u64();
  b.timestamp = r.u64();
  b.gas_limit = r.u64();
  b.chain_id = r.u64();
  b.coinbase = r.address();
  b.prev_randao = r.word();
  b.base_fee = r.word();
  b.blob_base_fee = r.word();
  tx.flags = r.u32();
  r.take(44);
  tx.type = r.u8();
  tx.has_to = r.u8();
  tx.sender = r.address();
  tx.to = r.address();
  tx.nonce = r.u64();
  tx.gas_limit = r.u64();
  tx.value = r.word();
  tx.gas_price = r.word();
  tx.max_fee = r.word();
  tx.max_priority_fee = r.word();
  tx.max_blob_fee = r.word();
  tx.data_len = r.u32();
  if (!r.ok()) return false;
  tx.data = r.take(tx.data_len);
  const uint32_t n_access = r.u32();
  for (uint32_t i = 0; i < n_access && r.ok(); ++i) {
    AccessEntry e;
    e.address = r.address();
    e.n_keys = r.u32();
    if (!r.ok()) return false;
    e.keys = r.take(size_t(e.n_keys) * 32);
    tx.access_list.push_back(e);
  }
  tx.n_blob_hashes = r.u32();
  if (!r.ok()) return false;
  tx.blob_hashes = r.take(size_t(tx.n_blob_hashes) * 32);
  return r.ok() && tx.type <= 3;
}

int64_t intrinsic_gas(const Tx& tx) {
  int64_t g = gas::kTx;
  for (uint32_t i = 0; i < tx.data_len; ++i) g += tx.data[i] ? gas::kTxDataNonZero : gas::kTxDataZero;
  if (!tx.has_to) g += gas::kTxCreate + gas::kInitcodeWord * gas::num_words(tx.data_len);  // EIP-3860
  for (const AccessEntry& e : tx.access_list) g += gas::kAccessListAddress + gas::kAccessListSlot * e.n_keys;
  return g;
}

// a * b + c, or false on 256-bit overflow.
bool mul_add(const u256& a, uint64_t b, const u256& c, u256& out) {
  const u256 prod = a * u256::from(b);
  if (b && !(udiv(prod, u256::from(b)) == a)) return false;
  out = prod + c;
  return !(out < c);
}

uint32_t validate(const Tx& tx, const BlockEnv& b, Account& sender, int64_t intrinsic, const u256& blob_gas) {
  if (tx.type == 3) {  // EIP-4844
    if (!tx.has_to) return EVM_INVALID_BLOB_CREATE;
    if (tx.n_blob_hashes == 0) return EVM_INVALID_BLOB_NO_HASHES;
    if (tx.n_blob_hashes > gas::kMaxBlobsPerBlock) return EVM_INVALID_BLOB_TOO_MANY;
    for (uint32_t i = 0; i < tx.n_blob_hashes; ++i)
      if (tx.blob_hashes[32 * i] != 0x01) return EVM_INVALID_BLOB_BAD_VERSION;
    if (tx.max_blob_fee < b.blob_base_fee) return EVM_INVALID_BLOB_FEE_CAP_BELOW_BLOB_BASE_FEE;
  }
  if (tx.flags & EVM_FLAG_NO_VALIDATION) return EVM_INVALID_NONE;
  if (tx.nonce == UINT64_MAX) return EVM_INVALID_NONCE_MAX;  // EIP-2681
  if (tx.nonce < sender.nonce) return EVM_INVALID_NONCE_TOO_LOW;
  if (tx.nonce > sender.nonce) return EVM_INVALID_NONCE_TOO_HIGH;
  if (sender.code_size != 0) return EVM_INVALID_SENDER_HAS_CODE;  // EIP-3607
  if (tx.gas_limit > b.gas_limit) return EVM_INVALID_GAS_LIMIT_EXCEEDS_BLOCK;
  const bool dynamic = tx.type >= 2;
  if (dynamic && tx.max_fee < tx.max_priority_fee) return EVM_INVALID_PRIORITY_ABOVE_FEE_CAP;
  if ((dynamic ? tx.max_fee : tx.gas_price) < b.base_fee) return EVM_INVALID_FEE_CAP_BELOW_BASE_FEE;
  if (int64_t(tx.gas_limit) < intrinsic || tx.gas_limit > uint64_t(INT64_MAX)) return EVM_INVALID_INTRINSIC_GAS;
  if (!tx.has_to && tx.data_len > gas::kMaxInitcodeSize) return EVM_INVALID_INITCODE_TOO_LARGE;
  u256 need;
  if (!mul_add(dynamic ? tx.max_fee : tx.gas_price, tx.gas_limit, tx.value, need))
    return EVM_INVALID_INSUFFICIENT_FUNDS;
  if (tx.type == 3) {
    const u256 blob_cost = tx.max_blob_fee * blob_gas;
    if (!is_zero(tx.max_blob_fee) && !(udiv(blob_cost, tx.max_blob_fee) == blob_gas))
      return EVM_INVALID_INSUFFICIENT_FUNDS;
    need = need + blob_cost;
    if (need < blob_cost) return EVM_INVALID_INSUFFICIENT_FUNDS;
  }
  if (sender.balance < need) return EVM_INVALID_INSUFFICIENT_FUNDS;
  return EVM_INVALID_NONE;
}

void write_invalid(ByteWriter& out, uint32_t reason) {
  out.u32(EVM_INVALID);
  out.u32(reason);
  out.u64(0);
  out.u64(0);
  out.word(u256{});  // deferred tip
  out.address(Address{});
  out.u32(0);  // return data
  out.u32(0);  // logs
  out.u32(0);  // accounts
  out.u32(0);  // read accounts
  out.u32(0);  // read slots
}

void write_state(ByteWriter& out, State& state) {
  const std::vector<Account*>& dirty = state.dirty_accounts();
  out.u32(uint32_t(dirty.size()));
  std::vector<std::pair<u256, u256>> slots;
  for (Account* a : dirty) {
    out.address(a->address);
    if (a->destructed || a->is_empty()) {  // EIP-6780, EIP-161
      out.u8(EVM_ACCOUNT_DELETED);
      out.u64(0);
      out.word(u256{});
      out.raw(kEmptyCodeHash.b, 32);
      out.u32(0);
      out.u32(0);
      continue;
    }
    uint8_t flags = a->code_changed ? EVM_ACCOUNT_CODE_CHANGED : 0;
    if (a->nonce != a->loaded_nonce) flags |= EVM_ACCOUNT_NONCE_CHANGED;
    if (a->balance != a->loaded_balance) flags |= EVM_ACCOUNT_BALANCE_CHANGED;
    if (!(a->code_hash == a->loaded_code_hash)) flags |= EVM_ACCOUNT_CODE_HASH_CHANGED;
    out.u8(flags);
    out.u64(a->nonce);
    out.word(a->balance);
    out.raw(a->code_hash.b, 32);
    if (a->code_changed) {
      out.u32(a->code_size);
      out.raw(a->code->padded.data(), a->code_size);
    } else {
      out.u32(0);
    }
    slots.clear();
    for (const auto& [key, s] : a->storage)
      if (s.current != s.original) slots.emplace_back(key, s.current);
    std::sort(slots.begin(), slots.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    out.u32(uint32_t(slots.size()));
    for (const auto& [k, v] : slots) {
      out.word(k);
      out.word(v);
    }
  }
  out.u32(uint32_t(state.read_accounts().size()));
  for (const Account* a : state.read_accounts()) out.address(a->address);
  out.u32(uint32_t(state.read_slots().size()));
  for (const auto& [addr, key] : state.read_slots()) {
    out.address(addr);
    out.word(key);
  }
}

}  // namespace

void run_transaction(const uint8_t* input, size_t len, State& state, ByteWriter& out) {
  out.clear();
  state.reset();
  BlockEnv block;
  Tx tx;
  ByteReader reader(input, len);
  if (!parse(reader, block, tx)) return write_invalid(out, EVM_INVALID_BAD_INPUT);

  Account& sender = state.get(tx.sender);
  const int64_t intrinsic = intrinsic_gas(tx);
  const u256 blob_gas = u256::from(uint64_t(tx.n_blob_hashes) * gas::kBlobGasPerBlob);
  if (uint32_t why = validate(tx, block, sender, intrinsic, blob_gas)) return write_invalid(out, why);
  const bool no_validation = tx.flags & EVM_FLAG_NO_VALIDATION;
  if (no_validation && int64_t(tx.gas_limit) < intrinsic) return write_invalid(out, EVM_INVALID_INTRINSIC_GAS);

  // EIP-1559: the sender pays base fee plus at most the priority fee.
  u256 price = tx.gas_price;
  if (tx.type >= 2) {
    const u256 tip_room = tx.max_fee - block.base_fee;
    price = block.base_fee + (tx.max_priority_fee < tip_room ? tx.max_priority_fee : tip_room);
  }
  const bool pays = !no_validation;
  if (pays) {
    const u256 cost = price * u256::from(tx.gas_limit) + blob_gas * block.blob_base_fee;
    state.set_balance(sender, sender.balance - cost);
  }

  // EIP-2929/2930/3651: pre-warmed addresses and slots (precompiles are always warm).
  state.warm_address(tx.sender);
  if (tx.has_to) state.warm_address(tx.to);
  state.warm_address(block.coinbase);
  for (const AccessEntry& e : tx.access_list) {
    state.warm_address(e.address);
    for (uint32_t k = 0; k < e.n_keys; ++k) state.warm_slot(e.address, load_be(e.keys + 32 * k));
  }

  TxEnv env;
  env.origin = tx.sender;
  env.gas_price = price;
  env.blob_hashes = tx.blob_hashes;
  env.n_blob_hashes = tx.n_blob_hashes;
  Executor exec(state, block, env);

  Message msg;
  msg.gas = int64_t(tx.gas_limit) - intrinsic;
  msg.sender = tx.sender;
  msg.value = tx.value;
  msg.input = tx.data;
  msg.input_size = tx.data_len;
  if (tx.has_to) {
    msg.kind = CallKind::Call;
    msg.recipient = msg.code_address = tx.to;
    state.set_nonce(sender, sender.nonce + 1);
  } else {
    msg.kind = CallKind::Create;
  }
  Result r = exec.call(msg);

  int64_t gas_used = int64_t(tx.gas_limit) - r.gas_left;
  const int64_t refund = std::min<int64_t>(std::max<int64_t>(state.refund(), 0), gas_used / gas::kMaxRefundQuotient);
  gas_used -= refund;
  // EVM_FLAG_DEFER_COINBASE: the host credits the tip (reported as deferred_tip) itself, so the
  // coinbase is not loaded here.
  const bool defer_coinbase = tx.flags & EVM_FLAG_DEFER_COINBASE;
  Account* coinbase = defer_coinbase ? nullptr : &state.get(block.coinbase);
  u256 deferred_tip{};
  if (pays) {
    state.set_balance(sender, sender.balance + price * u256::from(tx.gas_limit - uint64_t(gas_used)));
    const u256 tip = (price - block.base_fee) * u256::from(uint64_t(gas_used));
    if (!coinbase) deferred_tip = tip;
    else if (!is_zero(tip)) state.set_balance(*coinbase, coinbase->balance + tip);
    else if (coinbase->is_empty()) state.touch(*coinbase);
  }

  out.u32(r.status == Status::Success ? EVM_SUCCESS : r.status == Status::Revert ? EVM_REVERT : EVM_FAILURE);
  out.u32(EVM_INVALID_NONE);
  out.u64(uint64_t(gas_used));
  out.u64(uint64_t(refund));
  out.word(deferred_tip);
  out.address(r.status == Status::Success && !tx.has_to ? r.created : Address{});
  out.u32(uint32_t(r.output.size()));
  out.raw(r.output.data(), r.output.size());
  const std::vector<Log>& logs = exec.logs();
  out.u32(uint32_t(logs.size()));
  for (const Log& log : logs) {
    out.address(log.address);
    out.u32(uint32_t(log.topics.size()));
    for (const Hash32& t : log.topics) out.raw(t.b, 32);
    out.u32(uint32_t(log.data.size()));
    out.raw(log.data.data(), log.data.size());
  }
  write_state(out, state);
}

}  // namespace evm
