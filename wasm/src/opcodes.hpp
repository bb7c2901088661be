// The opcode list (Cancun), one line per opcode: X(name, value, base gas, stack in, stack out).
// It drives both the traits table and the interpreter's dispatch, so adding an opcode is one line.
// Base gas is the fork's constant part; dynamic parts (memory, cold access, copies) are charged
// inside the instruction.
#pragma once

#define EVM_OPCODES(X)                  \
  X(STOP, 0x00, 0, 0, 0)                \
  X(ADD, 0x01, 3, 2, 1)                 \
  X(MUL, 0x02, 5, 2, 1)                 \
  X(SUB, 0x03, 3, 2, 1)                 \
  X(DIV, 0x04, 5, 2, 1)                 \
  X(SDIV, 0x05, 5, 2, 1)                \
  X(MOD, 0x06, 5, 2, 1)                 \
  X(SMOD, 0x07, 5, 2, 1)                \
  X(ADDMOD, 0x08, 8, 3, 1)              \
  X(MULMOD, 0x09, 8, 3, 1)              \
  X(EXP, 0x0a, 10, 2, 1)                \
  X(SIGNEXTEND, 0x0b, 5, 2, 1)          \
  X(LT, 0x10, 3, 2, 1)                  \
  X(GT, 0x11, 3, 2, 1)                  \
  X(SLT, 0x12, 3, 2, 1)                 \
  X(SGT, 0x13, 3, 2, 1)                 \
  X(EQ, 0x14, 3, 2, 1)                  \
  X(ISZERO, 0x15, 3, 1, 1)              \
  X(AND, 0x16, 3, 2, 1)                 \
  X(OR, 0x17, 3, 2, 1)                  \
  X(XOR, 0x18, 3, 2, 1)                 \
  X(NOT, 0x19, 3, 1, 1)                 \
  X(BYTE, 0x1a, 3, 2, 1)                \
  X(SHL, 0x1b, 3, 2, 1)                 \
  X(SHR, 0x1c, 3, 2, 1)                 \
  X(SAR, 0x1d, 3, 2, 1)                 \
  X(KECCAK256, 0x20, 30, 2, 1)          \
  X(ADDRESS, 0x30, 2, 0, 1)             \
  X(BALANCE, 0x31, 100, 1, 1)           \
  X(ORIGIN, 0x32, 2, 0, 1)              \
  X(CALLER, 0x33, 2, 0, 1)              \
  X(CALLVALUE, 0x34, 2, 0, 1)           \
  X(CALLDATALOAD, 0x35, 3, 1, 1)        \
  X(CALLDATASIZE, 0x36, 2, 0, 1)        \
  X(CALLDATACOPY, 0x37, 3, 3, 0)        \
  X(CODESIZE, 0x38, 2, 0, 1)            \
  X(CODECOPY, 0x39, 3, 3, 0)            \
  X(GASPRICE, 0x3a, 2, 0, 1)            \
  X(EXTCODESIZE, 0x3b, 100, 1, 1)       \
  X(EXTCODECOPY, 0x3c, 100, 4, 0)       \
  X(RETURNDATASIZE, 0x3d, 2, 0, 1)      \
  X(RETURNDATACOPY, 0x3e, 3, 3, 0)      \
  X(EXTCODEHASH, 0x3f, 100, 1, 1)       \
  X(BLOCKHASH, 0x40, 20, 1, 1)          \
  X(COINBASE, 0x41, 2, 0, 1)            \
  X(TIMESTAMP, 0x42, 2, 0, 1)           \
  X(NUMBER, 0x43, 2, 0, 1)              \
  X(PREVRANDAO, 0x44, 2, 0, 1)          \
  X(GASLIMIT, 0x45, 2, 0, 1)            \
  X(CHAINID, 0x46, 2, 0, 1)             \
  X(SELFBALANCE, 0x47, 5, 0, 1)         \
  X(BASEFEE, 0x48, 2, 0, 1)             \
  X(BLOBHASH, 0x49, 3, 1, 1)            \
  X(BLOBBASEFEE, 0x4a, 2, 0, 1)         \
  X(POP, 0x50, 2, 1, 0)                 \
  X(MLOAD, 0x51, 3, 1, 1)               \
  X(MSTORE, 0x52, 3, 2, 0)              \
  X(MSTORE8, 0x53, 3, 2, 0)             \
  X(SLOAD, 0x54, 0, 1, 1)               \
  X(SSTORE, 0x55, 0, 2, 0)              \
  X(JUMP, 0x56, 8, 1, 0)                \
  X(JUMPI, 0x57, 10, 2, 0)              \
  X(PC, 0x58, 2, 0, 1)                  \
  X(MSIZE, 0x59, 2, 0, 1)               \
  X(GAS, 0x5a, 2, 0, 1)                 \
  X(JUMPDEST, 0x5b, 1, 0, 0)            \
  X(TLOAD, 0x5c, 100, 1, 1)             \
  X(TSTORE, 0x5d, 100, 2, 0)            \
  X(MCOPY, 0x5e, 3, 3, 0)               \
  X(PUSH0, 0x5f, 2, 0, 1)               \
  X(LOG0, 0xa0, 375, 2, 0)              \
  X(LOG1, 0xa1, 750, 3, 0)              \
  X(LOG2, 0xa2, 1125, 4, 0)             \
  X(LOG3, 0xa3, 1500, 5, 0)             \
  X(LOG4, 0xa4, 1875, 6, 0)             \
  X(CREATE, 0xf0, 32000, 3, 1)          \
  X(CALL, 0xf1, 100, 7, 1)              \
  X(CALLCODE, 0xf2, 100, 7, 1)          \
  X(RETURN, 0xf3, 0, 2, 0)              \
  X(DELEGATECALL, 0xf4, 100, 6, 1)      \
  X(CREATE2, 0xf5, 32000, 4, 1)         \
  X(STATICCALL, 0xfa, 100, 6, 1)        \
  X(REVERT, 0xfd, 0, 2, 0)              \
  X(INVALID, 0xfe, 0, 0, 0)             \
  X(SELFDESTRUCT, 0xff, 5000, 1, 0)
// PUSH1..PUSH32 (0x60-0x7f, 3 gas), DUP1..16 (0x80-0x8f, 3 gas), SWAP1..16 (0x90-0x9f, 3 gas)
// are ranges, filled in by traits.hpp.
