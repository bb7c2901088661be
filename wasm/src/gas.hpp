// Dynamic gas rules, each with the EIP that set it (Cancun values).
#pragma once
#include <cstdint>

namespace evm::gas {

inline constexpr int64_t kWarmAccess = 100;          // EIP-2929
inline constexpr int64_t kColdAccountAccess = 2600;  // EIP-2929
inline constexpr int64_t kColdSload = 2100;          // EIP-2929
inline constexpr int64_t kSstoreSet = 20000;         // EIP-2200
inline constexpr int64_t kSstoreReset = 5000 - kColdSload;  // EIP-2929 adjusts EIP-2200
inline constexpr int64_t kSstoreClearRefund = 4800;  // EIP-3529
inline constexpr int64_t kSstoreSentry = 2300;       // EIP-2200: SSTORE needs gas > this
inline constexpr int64_t kCallValue = 9000;
inline constexpr int64_t kCallStipend = 2300;
inline constexpr int64_t kNewAccount = 25000;        // EIP-161: only for value into a dead account
inline constexpr int64_t kSelfdestructNewAccount = 25000;
inline constexpr int64_t kCopyWord = 3;
inline constexpr int64_t kKeccakWord = 6;
inline constexpr int64_t kLogData = 8;
inline constexpr int64_t kExpByte = 50;              // EIP-160
inline constexpr int64_t kCodeDeposit = 200;
inline constexpr int64_t kInitcodeWord = 2;          // EIP-3860
inline constexpr int64_t kMemoryWord = 3;
inline constexpr int64_t kQuadDivisor = 512;

inline constexpr int64_t kTx = 21000;
inline constexpr int64_t kTxCreate = 32000;          // EIP-2
inline constexpr int64_t kTxDataZero = 4;
inline constexpr int64_t kTxDataNonZero = 16;        // EIP-2028
inline constexpr int64_t kAccessListAddress = 2400;  // EIP-2930
inline constexpr int64_t kAccessListSlot = 1900;     // EIP-2930
inline constexpr int64_t kMaxRefundQuotient = 5;     // EIP-3529

inline constexpr uint32_t kMaxCodeSize = 24576;      // EIP-170
inline constexpr uint32_t kMaxInitcodeSize = 2 * kMaxCodeSize;  // EIP-3860
inline constexpr uint64_t kBlobGasPerBlob = 1 << 17; // EIP-4844
inline constexpr uint32_t kMaxBlobsPerBlock = 6;     // EIP-4844 (Cancun)

inline constexpr int64_t num_words(uint64_t size) { return int64_t((size + 31) / 32); }

// Total cost of a memory of `words` words; expansion costs the difference.
inline constexpr int64_t memory_cost(int64_t words) {
  return words * kMemoryWord + words * words / kQuadDivisor;
}

}  // namespace evm::gas
