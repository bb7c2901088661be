#include "state.hpp"

#include <cstring>

#include "crypto/keccak.hpp"
#include "host.hpp"
#include "../include/evm_abi.h"

namespace evm {

const Hash32 kEmptyCodeHash = [] {
  Hash32 h;
  crypto::keccak256(nullptr, 0, h.b);
  return h;
}();

static uint64_t load_le64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// What one transaction may leave behind for the next: so many pooled accounts, and storage
// tables of so many buckets; a bigger transaction's peak is released.
constexpr size_t kKeptAccounts = 256;
constexpr size_t kKeptStorageBuckets = 1024;
constexpr size_t kKeptSlots = 1024;  // of the flat tables

void State::reset() {
  for (size_t i = 0; i < accounts_used_; ++i) {
    Account& a = *account_pool_[i];
    a.exists = a.had_storage = a.created = a.destructed = a.code_changed = a.listed = false;
    a.nonce = 0;
    a.balance = u256{};
    a.code_size = 0;
    a.code = nullptr;
    if (a.storage.bucket_count() > kKeptStorageBuckets) a.storage = {};
    else a.storage.clear();
  }
  if (account_pool_.size() > kKeptAccounts) account_pool_.resize(kKeptAccounts);
  accounts_used_ = 0;
  accounts_.clear(kKeptSlots);
  warm_addresses_.clear(kKeptSlots);
  warm_slots_.clear(kKeptSlots);
  transient_.clear();
  journal_.clear();
  read_accounts_.clear();
  read_slots_.clear();
  refund_ = 0;
}

Account& State::get(const Address& addr) {
  bool inserted;
  Account*& slot = accounts_.insert(addr, inserted);
  if (!inserted) return *slot;
  if (accounts_used_ == account_pool_.size()) account_pool_.push_back(std::make_unique<Account>());
  slot = account_pool_[accounts_used_++].get();
  Account& a = *slot;
  a.address = addr;
  a.code_hash = kEmptyCodeHash;
  uint8_t rec[EVM_ACCOUNT_RECORD_SIZE];
  if (host::account(addr.b, rec)) {
    a.exists = true;
    a.nonce = load_le64(rec);
    a.balance = load_be(rec + 8);
    std::memcpy(a.code_hash.b, rec + 40, 32);
    std::memcpy(&a.code_size, rec + 72, 4);
    uint32_t flags;
    std::memcpy(&flags, rec + 76, 4);
    a.had_storage = flags & EVM_ACCOUNT_HAS_STORAGE;
  }
  a.loaded_nonce = a.nonce;
  a.loaded_balance = a.balance;
  a.loaded_code_hash = a.code_hash;
  read_accounts_.push_back(&a);
  return a;
}

const Code& State::code(Account& acct) {
  if (acct.code) return *acct.code;
  if (const Code* c = codes_.find(acct.code_hash)) return *(acct.code = c);
  std::vector<uint8_t> buf(acct.code_size);
  if (acct.code_size) host::code(acct.address.b, buf.data());
  acct.code = codes_.insert(acct.code_hash, analyze(buf.data(), acct.code_size));
  return *acct.code;
}

Slot& State::slot(Account& acct, const u256& key) {
  auto it = acct.storage.find(key);
  if (it != acct.storage.end()) return it->second;
  Slot s;
  // A contract created in this transaction starts with empty storage (EIP-7610 guarantees
  // nothing was there), so the host need not be asked.
  if (!acct.created) {
    // Part of the read set even when the host said the storage is empty: a host may answer
    // "has storage" loosely (the parallel executor does for contracts) and the result must
    // not depend on that.
    read_slots_.emplace_back(acct.address, key);
    if (acct.had_storage) {
      uint8_t k[32], out[32];
      store_be(k, key);
      host::storage(acct.address.b, k, out);
      s.original = s.current = load_be(out);
    }
  }
  return acct.storage.emplace(key, s).first->second;
}

u256 State::sload(Account& acct, const u256& key) { return slot(acct, key).current; }

void State::set_balance(Account& acct, const u256& v) {
  journal_.push_back({Kind::Balance, &acct, {}, acct.balance, nullptr, {}, 0});
  acct.balance = v;
  acct.exists = true;  // not journaled: only CALL's dead-account shortcut reads it
}

void State::set_nonce(Account& acct, uint64_t v) {
  journal_.push_back({Kind::Nonce, &acct, {}, u256::from(acct.nonce), nullptr, {}, 0});
  acct.nonce = v;
}

void State::sstore(Account& acct, const u256& key, const u256& v) {
  Slot& s = slot(acct, key);
  journal_.push_back({Kind::Storage, &acct, {acct.address, key}, s.current, nullptr, {}, 0});
  s.current = v;
}

void State::set_code(Account& acct, const uint8_t* bytes, uint32_t size) {
  journal_.push_back({Kind::Code, &acct, {}, u256{}, acct.code, acct.code_hash, acct.code_size});
  Hash32 h;
  crypto::keccak256(bytes, size, h.b);
  acct.code = codes_.insert(h, analyze(bytes, size));
  acct.code_hash = h;
  acct.code_size = size;
  acct.code_changed = true;
}

void State::touch(Account& acct) { journal_.push_back({Kind::Touch, &acct, {}, u256{}, nullptr, {}, 0}); }

void State::mark_created(Account& acct) {
  journal_.push_back({Kind::Created, &acct, {}, u256{}, nullptr, {}, 0});
  acct.created = true;
  acct.exists = true;
}

void State::mark_destructed(Account& acct) {
  journal_.push_back({Kind::Destructed, &acct, {}, u256{}, nullptr, {}, 0});
  acct.destructed = true;
}

bool State::warm_address(const Address& addr) {
  // Precompiles are warm for the whole transaction (EIP-2929): no set entry, nothing to revert.
  if (is_precompile(addr)) return false;
  bool inserted;
  warm_addresses_.insert(addr, inserted);
  if (!inserted) return false;
  journal_.push_back({Kind::WarmAddress, nullptr, {addr, u256{}}, u256{}, nullptr, {}, 0});
  return true;
}

bool State::warm_slot(const Address& addr, const u256& key) {
  SlotRef ref{addr, key};
  bool inserted;
  warm_slots_.insert(ref, inserted);
  if (!inserted) return false;
  journal_.push_back({Kind::WarmSlot, nullptr, ref, u256{}, nullptr, {}, 0});
  return true;
}

u256 State::tload(const Address& addr, const u256& key) const {
  auto it = transient_.find({addr, key});
  return it == transient_.end() ? u256{} : it->second;
}

void State::tstore(const Address& addr, const u256& key, const u256& v) {
  SlotRef ref{addr, key};
  auto& cur = transient_[ref];
  journal_.push_back({Kind::Transient, nullptr, ref, cur, nullptr, {}, 0});
  cur = v;
}

void State::add_refund(int64_t delta) {
  journal_.push_back({Kind::Refund, nullptr, {}, u256::from(uint64_t(refund_)), nullptr, {}, 0});
  refund_ += delta;
}

void State::revert(size_t snapshot) {
  while (journal_.size() > snapshot) {
    Entry& e = journal_.back();
    switch (e.kind) {
      case Kind::Balance: e.acct->balance = e.old; break;
      case Kind::Nonce: e.acct->nonce = as_u64(e.old); break;
      case Kind::Storage: e.acct->storage[e.ref.key].current = e.old; break;
      case Kind::Transient: transient_[e.ref] = e.old; break;
      case Kind::WarmAddress: warm_addresses_.erase(e.ref.addr); break;
      case Kind::WarmSlot: warm_slots_.erase(e.ref); break;
      case Kind::Created: e.acct->created = false; break;
      case Kind::Destructed: e.acct->destructed = false; break;
      case Kind::Code:
        e.acct->code = e.old_code;
        e.acct->code_hash = e.old_hash;
        e.acct->code_size = e.old_size;
        e.acct->code_changed = false;
        break;
      case Kind::Touch: break;
      case Kind::Refund: refund_ = int64_t(as_u64(e.old)); break;
    }
    journal_.pop_back();
  }
}

const std::vector<Account*>& State::dirty_accounts() {
  dirty_.clear();
  for (const Entry& e : journal_) {
    if (!e.acct || e.acct->listed) continue;
    e.acct->listed = true;
    dirty_.push_back(e.acct);
  }
  for (Account* a : dirty_) a->listed = false;
  return dirty_;
}

}  // namespace evm
