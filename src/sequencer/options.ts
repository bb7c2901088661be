// The sequencer's options: flags and the keys of the optional TOML config file.
import type { OptionSpec } from "../config/flags";

export const SEQUENCER_OPTIONS = {
  datadir: { type: "string", default: "./data", help: "directory for the LMDB chain data" },
  genesis: { type: "string", help: "geth-format genesis.json (alloc, chainId, fork times); default: the embedded dev genesis" },
  "http-addr": { type: "string", default: "127.0.0.1", help: "JSON-RPC listen address (HTTP and WebSocket)" },
  "http-port": { type: "int", default: 8545, help: "JSON-RPC port (HTTP and WebSocket on the same port)" },
  "mini-block-ms": { type: "int", default: 10, help: "mini-block interval in milliseconds" },
  "block-ms": { type: "int", default: 1000, help: "EVM block interval in milliseconds" },
  "block-gas-limit": { type: "bigint", default: 1_000_000_000n, help: "gas limit of each EVM block (dev genesis only; a genesis file sets its own)" },
  coinbase: { type: "string", default: "0x0000000000000000000000000000000000000000", help: "address that receives priority fees" },
  workers: {
    type: "int",
    default: Math.max(1, navigator.hardwareConcurrency - 1),
    help: "execution workers (Block-STM); 1 means serial execution on the main thread. Default: cores minus one for RPC and commits",
  },
  "parallel-mode": {
    type: "string",
    default: "auto",
    help: "with --workers > 1: auto runs each mini-block batch in whichever mode (Block-STM or serial) measured faster for its size; always runs Block-STM, on every batch however small",
  },
  "min-priority-fee": { type: "bigint", default: 0n, help: "pool floor for the priority fee (tip) in wei; lower tips get 'transaction underpriced'" },
  ordering: { type: "string", default: "fifo", help: "pool ordering policy: fifo (arrival) or priority-fee (highest tip first)" },
  "max-txs-per-mini-block": { type: "int", default: 2000, help: "upper bound of transactions executed per mini-block" },
  "receipt-timeout-ms": { type: "int", default: 2000, help: "default timeout of eth_sendRawTransactionSync" },
  "prune-trie": { type: "boolean", default: false, help: "at start, delete the trie nodes the state root no longer reaches (the node database otherwise grows with every state change)" },
  "prune-trie-every": { type: "int", default: 0, help: "while running, every SECONDS delete the trie nodes the state root no longer reaches, in slices of a few milliseconds (0: never)" },
  "log-level": { type: "string", default: "info", help: "debug, info, warn or error" },
  "log-format": { type: "string", default: "auto", help: "json, text, or auto (text on a terminal)" },
  // State-diff stream to replicas (src/stream, docs/stream.md).
  "stream-port": { type: "int", help: "serve the state-diff stream to replicas on this port (0 picks a free one); off by default" },
  "stream-token": { type: "string", help: "shared secret replicas must present to subscribe (required with --stream-port)" },
  "stream-test-fault": { type: "string", help: "TESTS ONLY: spoil stream frames once: drop:SEQ, corrupt:SEQ, maxlag:BYTES (comma-separated)" },
} satisfies Record<string, OptionSpec>;
