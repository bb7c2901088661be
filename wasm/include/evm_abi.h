// The host ABI of the execution core: the only contract between the C++ core and its host
// (src/exec/abi.ts mirrors it). The same header serves the wasm32 build (host functions are
// wasm imports from module "host") and the native build (host functions are pointers set once
// through evm_set_host, called by bun:ffi).
//
// Boundary rules: one call per transaction (evm_execute), plus one host callback per account,
// code, storage slot or block hash the core has not seen yet in this transaction. Everything
// crosses as flat little-endian byte buffers inside the core's memory; no JSON, no strings.
//
// Encoding: integers that fit 64 bits are little-endian u32/u64; EVM words (balances, values,
// storage keys and values, fees) are 32-byte big-endian, exactly as Ethereum writes them.
#pragma once
#include <stdint.h>

#define EVM_ABI_VERSION 4u

// ---- Input: written by the host at evm_input_buffer(), evm_execute(len) reads it. ----
// Block environment (fixed, 196 bytes):
//   u64 number | u64 timestamp | u64 gas_limit | u64 chain_id
//   [20] coinbase | [32] prev_randao | [32] base_fee | [32] blob_base_fee
//   u32 flags (bit0: skip nonce/balance/fee checks, for eth_call; bit1: defer the coinbase
//   credit: the priority fee is not paid and the coinbase account is neither loaded nor touched
//   for it, so it appears in neither set unless the transaction itself uses it; the host credits
//   tips itself, in order, e.g. after a parallel batch) | [44] reserved (zero)
// Transaction (variable, follows the block environment):
//   u8 type (0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844) | u8 has_to | [20] sender | [20] to
//   u64 nonce | u64 gas_limit | [32] value | [32] gas_price (legacy/2930) | [32] max_fee_per_gas
//   [32] max_priority_fee_per_gas | [32] max_fee_per_blob_gas
//   u32 data_len | data
//   u32 access_list_len | per entry: [20] address | u32 n_keys | [32] key * n_keys
//   u32 blob_hashes_len | [32] hash * blob_hashes_len
#define EVM_BLOCK_ENV_SIZE 196u
#define EVM_FLAG_NO_VALIDATION 1u
#define EVM_FLAG_DEFER_COINBASE 2u

// ---- Output: evm_execute returns its length; the bytes are at evm_output_buffer(). ----
//   u32 status (evm_status below) | u32 invalid_reason (evm_invalid, when status = INVALID)
//   u64 gas_used (after refund; what the receipt shows) | u64 gas_refunded
//   [32] deferred_tip (with EVM_FLAG_DEFER_COINBASE and a sender that pays: the credit the
//     coinbase is owed, (price - base_fee) * gas_used, zero meaning it is only touched (EIP-161);
//     zero otherwise) | [20] created_address
//   u32 return_len | return bytes
//   u32 n_logs | per log: [20] address | u32 n_topics | [32] topic * n | u32 data_len | data
//   u32 n_accounts (final state of every account the transaction changed or touched):
//     [20] address | u8 flags (evm_account_flags) | u64 nonce | [32] balance | [32] code_hash
//     | u32 code_len (non-zero only with EVM_ACCOUNT_CODE_CHANGED) | code
//     | u32 n_slots | per slot: [32] key | [32] value
//   u32 n_read_accounts | [20] address * n  (accounts the host was asked for; the read set)
//   u32 n_read_slots | per slot: [20] address | [32] key
// An INVALID transaction changes nothing: n_accounts is 0.
enum evm_status {
  EVM_SUCCESS = 0,
  EVM_REVERT = 1,
  EVM_FAILURE = 2,  // exceptional halt: out of gas, bad jump, stack error, ...
  EVM_INVALID = 3,  // the transaction may not be included at all
};

// Why a transaction is invalid; names follow the state tests' expectException vocabulary.
enum evm_invalid {
  EVM_INVALID_NONE = 0,
  EVM_INVALID_NONCE_TOO_LOW = 1,
  EVM_INVALID_NONCE_TOO_HIGH = 2,
  EVM_INVALID_NONCE_MAX = 3,                 // EIP-2681
  EVM_INVALID_INSUFFICIENT_FUNDS = 4,        // gas * price + value (+ blob fee) > balance
  EVM_INVALID_INTRINSIC_GAS = 5,
  EVM_INVALID_GAS_LIMIT_EXCEEDS_BLOCK = 6,
  EVM_INVALID_FEE_CAP_BELOW_BASE_FEE = 7,    // max fee per gas < base fee
  EVM_INVALID_PRIORITY_ABOVE_FEE_CAP = 8,    // max priority fee > max fee
  EVM_INVALID_SENDER_HAS_CODE = 9,           // EIP-3607
  EVM_INVALID_INITCODE_TOO_LARGE = 10,       // EIP-3860
  EVM_INVALID_BLOB_FEE_CAP_BELOW_BLOB_BASE_FEE = 11,
  EVM_INVALID_BLOB_NO_HASHES = 12,
  EVM_INVALID_BLOB_TOO_MANY = 13,
  EVM_INVALID_BLOB_BAD_VERSION = 14,
  EVM_INVALID_BLOB_CREATE = 15,              // type-3 transactions must have a `to`
  EVM_INVALID_GAS_ALLOWANCE_OVERFLOW = 16,   // gas_limit * fee overflows 256 bits
  EVM_INVALID_BAD_INPUT = 17,                // malformed input buffer
};

enum evm_account_flags {
  EVM_ACCOUNT_DELETED = 1,       // the account no longer exists (EIP-6780 or EIP-161)
  EVM_ACCOUNT_CODE_CHANGED = 2,  // code_len bytes of new code follow
  // Fields that differ from what the host reported when the core first asked for the account
  // (for one it did not report: from zero and the empty code hash).
  EVM_ACCOUNT_NONCE_CHANGED = 4,
  EVM_ACCOUNT_BALANCE_CHANGED = 8,
  EVM_ACCOUNT_CODE_HASH_CHANGED = 16,
};

// ---- Utilities ----
// evm_scratch_buffer(size) -> pointer to at least size bytes (separate from the input buffer);
// evm_keccak256(data, len, out) hashes data into the 32 bytes at out.

// ---- Host functions: the core calls these for data it has not seen in this transaction. ----
// host_account: write u64 nonce | [32] balance | [32] code_hash | u32 code_size | u32 flags
// (bit0: the account may have non-empty storage: must be exact for an account with nonce 0 and
// no code (EIP-7610 create collisions); when clear the core never asks for its slots) at out
// (80 bytes);
// return 0 when the account does not exist (out then untouched).
// host_code: copy the account's code (code_size bytes, as reported) to out.
// host_storage: write the slot's committed 32-byte value at out (zero when absent).
// host_block_hash: write the hash of block `number` at out (zero when unknown).
// host_precompile: run elliptic-curve or KZG precompile `address` (0x01 ecrecover, 0x06-0x08
// bn254, 0x0a point evaluation) on in[0..in_len); write its output at out (at most out_cap
// bytes) and return its length, or -1 when the input is invalid (the call then fails).
// Gas for precompiles is charged by the core before the call.
#define EVM_ACCOUNT_RECORD_SIZE 80u
#define EVM_ACCOUNT_HAS_STORAGE 1u
