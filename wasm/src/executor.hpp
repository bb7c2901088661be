// Message-call machinery: call frames, CREATE/CREATE2, precompiles and the interpreter loop.
// One Executor runs one transaction over a State; it never touches the host except through it.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "code_cache.hpp"
#include "state.hpp"
#include "types.hpp"

namespace evm {

struct BlockEnv {
  uint64_t number = 0, timestamp = 0, gas_limit = 0, chain_id = 0;
  Address coinbase;
  u256 prev_randao, base_fee, blob_base_fee;
};

struct TxEnv {
  Address origin;
  u256 gas_price;  // effective gas price
  const uint8_t* blob_hashes = nullptr;  // 32 bytes each
  uint32_t n_blob_hashes = 0;
};

enum class CallKind : uint8_t { Call, CallCode, DelegateCall, StaticCall, Create, Create2 };

struct Message {
  CallKind kind = CallKind::Call;
  bool is_static = false;
  int depth = 0;
  int64_t gas = 0;
  Address recipient;     // whose storage and balance the code runs against
  Address sender;        // CALLER
  Address code_address;  // whose code runs
  u256 value;
  const uint8_t* input = nullptr;
  size_t input_size = 0;
  u256 salt;  // CREATE2
};

enum class Status : uint8_t { Success, Revert, Failure };

struct Result {
  Status status = Status::Failure;
  int64_t gas_left = 0;
  std::vector<uint8_t> output;
  Address created;
};

struct Log {
  Address address;
  std::vector<Hash32> topics;
  std::vector<uint8_t> data;
};

// Per-depth scratch reused across frames and transactions (executor.cpp).
struct FrameBuffers {
  std::unique_ptr<u256[]> stack;
  std::vector<uint8_t> memory;
};

class Executor {
 public:
  Executor(State& state, const BlockEnv& block, const TxEnv& tx) : state_(state), block_(block), tx_(tx) {}
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  Result call(const Message& msg);
  std::vector<Log>& logs() { return logs_; }

 private:
  friend struct Interpreter;
  Result create(const Message& msg);
  Result run_code(const Message& msg, const Code& code);
  Result run_precompile(const Message& msg, uint32_t id);
  bool transfer(Account& from, Account& to, const u256& value);
  FrameBuffers& buffers(int depth);

  State& state_;
  const BlockEnv& block_;
  const TxEnv& tx_;
  std::vector<Log> logs_;
  // The deepest frame this transaction used (-1: none), for what ~Executor releases.
  int deepest_ = -1;
};


}  // namespace evm
