// The state a transaction sees: accounts and slots fetched from the host on first use, every
// change recorded in a journal so that a failing call frame reverts exactly, plus the EIP-2929
// warm sets and EIP-1153 transient storage. One State serves every transaction of an instance:
// reset() empties it for the next one but keeps its tables' and accounts' memory, as allocating
// them afresh was a sizeable part of a simple transaction's time.
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "code_cache.hpp"
#include "flat_table.hpp"
#include "types.hpp"

namespace evm {

struct Slot {
  u256 original;  // committed value before this transaction (EIP-2200)
  u256 current;
};

struct Account {
  Address address;
  bool exists = false;       // reported by the host, or brought into being here
  bool had_storage = false;  // host reported non-empty storage (EIP-7610)
  bool created = false;      // created in this transaction (EIP-6780)
  bool destructed = false;   // SELFDESTRUCT of an account created in this transaction
  bool code_changed = false;
  bool listed = false;  // scratch of State::dirty_accounts
  uint64_t nonce = 0;
  u256 balance;
  Hash32 code_hash;
  uint32_t code_size = 0;
  // As the host reported them (zero and the empty code hash for a missing account): the output
  // flags which fields changed, so a host tracking field-level writes compares nothing itself.
  uint64_t loaded_nonce = 0;
  u256 loaded_balance;
  Hash32 loaded_code_hash;
  const Code* code = nullptr;  // loaded on first execution or copy
  std::unordered_map<u256, Slot, U256Hasher> storage;

  // EIP-161: nonce zero, balance zero, no code.
  bool is_empty() const { return nonce == 0 && is_zero(balance) && code_size == 0; }
};

extern const Hash32 kEmptyCodeHash;  // keccak256 of the empty string

class State {
 public:
  // Room for a typical transaction up front: growing hash tables by rehashing showed up as a
  // tenth of a plain transfer's time.
  explicit State(CodeCache& codes) : codes_(codes) { journal_.reserve(32); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  // Forgets the previous transaction.
  void reset();

  // Returns the account, asking the host on first sight; non-existent accounts get an entry too.
  Account& get(const Address& addr);
  const Code& code(Account& acct);
  u256 sload(Account& acct, const u256& key);
  Slot& slot(Account& acct, const u256& key);

  void set_balance(Account& acct, const u256& v);
  void set_nonce(Account& acct, uint64_t v);
  void sstore(Account& acct, const u256& key, const u256& v);
  void set_code(Account& acct, const uint8_t* bytes, uint32_t size);
  void touch(Account& acct);
  void mark_created(Account& acct);
  void mark_destructed(Account& acct);

  // EIP-2929: returns true when the address (slot) was cold, warming it.
  bool warm_address(const Address& addr);
  bool warm_slot(const Address& addr, const u256& key);

  u256 tload(const Address& addr, const u256& key) const;
  void tstore(const Address& addr, const u256& key, const u256& v);

  int64_t refund() const { return refund_; }
  void add_refund(int64_t delta);

  size_t snapshot() const { return journal_.size(); }
  void revert(size_t snapshot);

  // Accounts changed by entries still in the journal (reverted changes do not count), in
  // first-change order; the transaction's write set. Valid until the next call.
  const std::vector<Account*>& dirty_accounts();
  const std::vector<Account*>& read_accounts() const { return read_accounts_; }
  const std::vector<std::pair<Address, u256>>& read_slots() const { return read_slots_; }
  CodeCache& codes() { return codes_; }

 private:
  enum class Kind : uint8_t { Balance, Nonce, Storage, Transient, WarmAddress, WarmSlot, Created, Destructed, Code, Touch, Refund };
  struct Entry {
    Kind kind;
    Account* acct;
    SlotRef ref;  // key for Storage/Transient/WarmSlot, address for WarmAddress
    u256 old;
    const evm::Code* old_code;
    Hash32 old_hash;
    uint32_t old_size;
  };

  CodeCache& codes_;
  FlatTable<Address, Account*, AddressHasher> accounts_{16};
  // Every Account ever handed out; the first `accounts_used_` belong to this transaction.
  std::vector<std::unique_ptr<Account>> account_pool_;
  size_t accounts_used_ = 0;
  std::vector<Account*> dirty_;
  FlatTable<Address, NoValue, AddressHasher> warm_addresses_{16};
  FlatTable<SlotRef, NoValue, SlotRefHasher> warm_slots_{32};
  std::unordered_map<SlotRef, u256, SlotRefHasher> transient_;
  std::vector<Entry> journal_;
  std::vector<Account*> read_accounts_;
  std::vector<std::pair<Address, u256>> read_slots_;
  int64_t refund_ = 0;
};

}  // namespace evm
