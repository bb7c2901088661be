// The core's exported entry points (evm_abi.h). All mutable state is per instance: the
// code cache, the transaction state reused by every transaction, and the boundary buffers.
#include <vector>

#include "../include/evm_abi.h"
#include "crypto/keccak.hpp"
#include "transaction.hpp"

#if defined(__wasm__)
#define EVM_EXPORT(name) extern "C" __attribute__((export_name(#name)))
#else
#define EVM_EXPORT(name) extern "C" __attribute__((visibility("default")))
#include "host.hpp"
namespace evm::host {
Table table;
}
#endif

namespace {
evm::CodeCache g_codes;
evm::State g_state(g_codes);
std::vector<uint8_t> g_input;
evm::ByteWriter g_output;
std::vector<uint8_t> g_scratch;
}  // namespace

EVM_EXPORT(evm_abi_version) uint32_t evm_abi_version() { return EVM_ABI_VERSION; }

// Returns a buffer of at least `size` bytes for the next input; valid until the next call.
EVM_EXPORT(evm_input_buffer) uint8_t* evm_input_buffer(uint32_t size) {
  if (g_input.size() < size) g_input.resize(size);
  return g_input.data();
}

EVM_EXPORT(evm_execute) uint32_t evm_execute(uint32_t len) {
  evm::run_transaction(g_input.data(), len, g_state, g_output);
  return uint32_t(g_output.bytes().size());
}

EVM_EXPORT(evm_output_buffer) const uint8_t* evm_output_buffer() { return g_output.bytes().data(); }

// A buffer for utility calls (hashing) that must not disturb a transaction's input.
EVM_EXPORT(evm_scratch_buffer) uint8_t* evm_scratch_buffer(uint32_t size) {
  if (g_scratch.size() < size) g_scratch.resize(size);
  return g_scratch.data();
}

// keccak256 of data[0..len) into out: the host's trie hashes through the core, several times
// faster than hashing in JavaScript.
EVM_EXPORT(evm_keccak256) void evm_keccak256(const uint8_t* data, uint32_t len, uint8_t* out) {
  evm::crypto::keccak256(data, len, out);
}

#if !defined(__wasm__)
EVM_EXPORT(evm_set_host)
void evm_set_host(void* account, void* code, void* storage, void* block_hash, void* precompile) {
  using T = evm::host::Table;
  evm::host::table = T{reinterpret_cast<decltype(T::account)>(account), reinterpret_cast<decltype(T::code)>(code),
                       reinterpret_cast<decltype(T::storage)>(storage),
                       reinterpret_cast<decltype(T::block_hash)>(block_hash),
                       reinterpret_cast<decltype(T::precompile)>(precompile)};
}
#endif
