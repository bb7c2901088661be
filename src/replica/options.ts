// Flags of the replica and of the full node (the same, plus --workers for the full node).
import type { OptionSpec } from "../config/flags";

export const REPLICA_OPTIONS = {
  sequencer: { type: "string", help: "upstream stream URL: ws://host:port of a sequencer's --stream-port (or of another replica's)" },
  token: { type: "string", help: "the upstream's shared stream token (its --stream-token)" },
  datadir: { type: "string", default: "./replica-data", help: "directory for this node's LMDB chain data" },
  "http-addr": { type: "string", default: "127.0.0.1", help: "JSON-RPC listen address (HTTP and WebSocket), also used by --stream-port" },
  "http-port": { type: "int", default: 8555, help: "JSON-RPC port (HTTP and WebSocket on the same port); 0 picks a free one" },
  "sequencer-rpc": {
    type: "string",
    help: "JSON-RPC URL transactions are forwarded to; default: the URL the upstream announces in its stream hello (a wildcard host there is replaced by --sequencer's host)",
  },
  "prune-trie": { type: "boolean", default: false, help: "at start, delete the trie nodes the state root no longer reaches (the node database otherwise grows with every state change)" },
  "prune-trie-every": { type: "int", default: 0, help: "while running, every SECONDS delete the trie nodes the state root no longer reaches, in slices of a few milliseconds (0: never)" },
  "stream-port": { type: "int", help: "also serve the stream onward to further replicas on this port (0 picks a free one); off by default" },
  "stream-token": { type: "string", help: "token downstream replicas must present on --stream-port; default: --token" },
  genesis: { type: "string", help: "geth-format genesis.json to pin; default: the genesis the upstream sends (checked against its hash)" },
  "receipt-timeout-ms": { type: "int", default: 2000, help: "default timeout of eth_sendRawTransactionSync" },
  "log-level": { type: "string", default: "info", help: "debug, info, warn or error" },
  "log-format": { type: "string", default: "auto", help: "json, text, or auto (text on a terminal)" },
} satisfies Record<string, OptionSpec>;

export const FULLNODE_OPTIONS = {
  ...REPLICA_OPTIONS,
  datadir: { type: "string", default: "./fullnode-data", help: "directory for this node's LMDB chain data" },
  workers: { type: "int", default: 1, help: "execution workers for re-execution: 1 is serial; N > 1 runs Block-STM on N threads (same results by contract)" },
} satisfies Record<string, OptionSpec>;

export interface FollowerOptions {
  sequencer: string;
  token: string;
  datadir: string;
  "http-addr": string;
  "http-port": number;
  "sequencer-rpc"?: string;
  "stream-port"?: number;
  "stream-token"?: string;
  genesis?: string;
  "receipt-timeout-ms": number;
  "prune-trie"?: boolean;
  "prune-trie-every"?: number;
  "log-level": string;
  "log-format": string;
  workers?: number;
}
