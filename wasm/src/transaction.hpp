// Whole-transaction execution: decode the input buffer, validate (the state tests'
// expectException cases), buy gas, run the message, refund, pay the coinbase, and write the
// output buffer with receipts data and the read and write sets (layouts in evm_abi.h).
#pragma once
#include <cstddef>
#include <cstdint>

#include "bytes.hpp"
#include "state.hpp"

namespace evm {

void run_transaction(const uint8_t* input, size_t len, State& state, ByteWriter& out);

}  // namespace evm
