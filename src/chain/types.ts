// The chain's data model, shared by the sequencer, the JSON-RPC layer, the store and replicas.
// Byte fields are Uint8Array (addresses 20 bytes, hashes 32); quantities are bigint.

/** An Ethereum (Cancun) block header; hash = keccak256(rlp(header)). */
export interface Header {
  parentHash: Uint8Array;
  ommersHash: Uint8Array;
  coinbase: Uint8Array;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array; // 256 bytes
  difficulty: bigint;
  number: bigint;
  gasLimit: bigint;
  gasUsed: bigint;
  timestamp: bigint;
  extraData: Uint8Array;
  prevRandao: Uint8Array; // mixHash
  nonce: Uint8Array; // 8 bytes
  baseFeePerGas: bigint;
  withdrawalsRoot: Uint8Array;
  blobGasUsed: bigint;
  excessBlobGas: bigint;
  parentBeaconBlockRoot: Uint8Array;
}

export interface Log {
  address: Uint8Array;
  topics: Uint8Array[];
  data: Uint8Array;
}

/** A receipt as stored; block-position fields are filled in when served. */
export interface Receipt {
  type: number;
  status: 0 | 1;
  cumulativeGasUsed: bigint;
  gasUsed: bigint;
  logs: Log[];
  logsBloom: Uint8Array;
  contractAddress: Uint8Array | null;
  effectiveGasPrice: bigint;
  from: Uint8Array;
  to: Uint8Array | null;
  transactionHash: Uint8Array;
  transactionIndex: number;
  blockNumber: bigint;
  /** First log's index within the block. */
  logIndexStart: number;
}

/** A transaction as included in a block: its raw signed envelope plus what decoding found. */
export interface IncludedTx {
  raw: Uint8Array;
  hash: Uint8Array;
  from: Uint8Array;
  type: number;
  chainId: bigint | null;
  nonce: bigint;
  gasPrice: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  gasLimit: bigint;
  to: Uint8Array | null;
  value: bigint;
  data: Uint8Array;
  accessList: { address: Uint8Array; storageKeys: Uint8Array[] }[];
  yParity: number;
  v: bigint;
  r: bigint;
  s: bigint;
}

export interface Block {
  header: Header;
  hash: Uint8Array;
  transactions: IncludedTx[];
}

/** The unit the sequencer commits every --mini-block-ms: executed transactions and receipts. */
export interface MiniBlock {
  seq: bigint; // global, monotonically increasing
  blockNumber: bigint; // the EVM block it belongs to
  index: number; // position within that block
  timestamp: number; // ms since epoch at commit
  blockTimestamp: bigint; // the EVM block's timestamp, kept so a restart resumes the block unchanged
  transactions: IncludedTx[];
  receipts: Receipt[];
}

/** A block selector as JSON-RPC clients send it. */
export type BlockTag = "latest" | "pending" | "safe" | "finalized" | "earliest" | bigint | { hash: Uint8Array };
