// Builds single-contract scenarios for core tests: a funded sender calling `code` at CONTRACT.
import { type BlockEnv, type TxInput } from "../../src/exec/abi";
import { hexToBytes } from "../../src/crypto/index";
import { MemoryState } from "../../src/statetest/memory-state";

export const SENDER = hexToBytes("0x1000000000000000000000000000000000000001");
export const CONTRACT = hexToBytes("0xc0de00000000000000000000000000000000c0de");
export const COINBASE = hexToBytes("0xcb00000000000000000000000000000000000000");

export const block: BlockEnv = {
  number: 10n,
  timestamp: 1000n,
  gasLimit: 30_000_000n,
  chainId: 31337n,
  coinbase: COINBASE,
  prevRandao: new Uint8Array(32),
  baseFee: 7n,
  blobBaseFee: 1n,
};

export function world(code: string, extra: { address: Uint8Array; code?: string; balance?: bigint }[] = []): MemoryState {
  const s = new MemoryState();
  s.put(SENDER, { nonce: 0n, balance: 10n ** 20n, code: new Uint8Array(0), storage: [] });
  s.put(CONTRACT, { nonce: 1n, balance: 0n, code: hexToBytes(code), storage: [] });
  for (const e of extra) s.put(e.address, { nonce: 0n, balance: e.balance ?? 0n, code: hexToBytes(e.code ?? "0x"), storage: [] });
  return s;
}

export function call(gasLimit: bigint, over: Partial<TxInput> = {}): TxInput {
  return {
    type: 2,
    sender: SENDER,
    to: CONTRACT,
    nonce: 0n,
    gasLimit,
    value: 0n,
    gasPrice: 0n,
    maxFeePerGas: 10n,
    maxPriorityFeePerGas: 1n,
    maxFeePerBlobGas: 0n,
    data: new Uint8Array(0),
    accessList: [],
    blobVersionedHashes: [],
    ...over,
  };
}
