// The host functions of evm_abi.h as the core sees them. In wasm32 they are imports from
// module "host"; natively they are function pointers installed by evm_set_host (bun:ffi
// JSCallbacks), so the same core code calls both.
#pragma once
#include <cstdint>

namespace evm::host {

#if defined(__wasm__)
#define EVM_HOST_IMPORT(name) __attribute__((import_module("host"), import_name(#name)))
extern "C" {
EVM_HOST_IMPORT(account) uint32_t account(const uint8_t* addr, uint8_t* out);
EVM_HOST_IMPORT(code) void code(const uint8_t* addr, uint8_t* out);
EVM_HOST_IMPORT(storage) void storage(const uint8_t* addr, const uint8_t* key, uint8_t* out);
EVM_HOST_IMPORT(block_hash) void block_hash(uint64_t number, uint8_t* out);
EVM_HOST_IMPORT(precompile)
int32_t precompile(uint32_t address, const uint8_t* in, uint32_t in_len, uint8_t* out, uint32_t out_cap);
}
#undef EVM_HOST_IMPORT
#else
struct Table {
  uint32_t (*account)(const uint8_t* addr, uint8_t* out);
  void (*code)(const uint8_t* addr, uint8_t* out);
  void (*storage)(const uint8_t* addr, const uint8_t* key, uint8_t* out);
  void (*block_hash)(uint64_t number, uint8_t* out);
  int32_t (*precompile)(uint32_t address, const uint8_t* in, uint32_t in_len, uint8_t* out, uint32_t out_cap);
};
extern Table table;
inline uint32_t account(const uint8_t* a, uint8_t* o) { return table.account(a, o); }
inline void code(const uint8_t* a, uint8_t* o) { table.code(a, o); }
inline void storage(const uint8_t* a, const uint8_t* k, uint8_t* o) { table.storage(a, k, o); }
inline void block_hash(uint64_t n, uint8_t* o) { table.block_hash(n, o); }
inline int32_t precompile(uint32_t a, const uint8_t* i, uint32_t n, uint8_t* o, uint32_t c) {
  return table.precompile(a, i, n, o, c);
}
#endif

}  // namespace evm::host
