// What the JSON-RPC layer needs from a node. The sequencer implements it, and later the replica
// and the full node; the RPC layer only parses, validates, formats and routes.
import type { Block, BlockTag, IncludedTx, Log, Receipt } from "../chain/types";
import type { RpcTransaction } from "./format/format-transaction";

/** eth_call / eth_estimateGas request, already decoded from JSON. */
export interface CallRequest {
  from?: Uint8Array;
  to?: Uint8Array | null;
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  value?: bigint;
  data?: Uint8Array;
  accessList?: { address: Uint8Array; storageKeys: Uint8Array[] }[];
}

export interface LogFilter {
  fromBlock?: BlockTag;
  toBlock?: BlockTag;
  blockHash?: Uint8Array;
  address?: Uint8Array[];
  /** Per position: null = any, else any of the listed topics. */
  topics?: (Uint8Array[] | null)[];
}

/** A log with its position, as eth_getLogs and subscriptions return it. */
export interface LogWithPosition extends Log {
  blockNumber: bigint;
  blockHash: Uint8Array;
  transactionHash: Uint8Array;
  transactionIndex: number;
  logIndex: number;
  removed: false;
}

/** Where a transaction is: in a block, or accepted and not yet executed (position all null, as geth). */
export type TxLocation =
  | { tx: IncludedTx; blockNumber: bigint; blockHash: Uint8Array; index: number }
  | { tx: IncludedTx; blockNumber: null; blockHash: null; index: null };

export interface ReceiptWithBlock extends Receipt {
  blockHash: Uint8Array;
}

export interface FeeHistory {
  oldestBlock: bigint;
  baseFeePerGas: bigint[];
  gasUsedRatio: number[];
  baseFeePerBlobGas: bigint[];
  blobGasUsedRatio: number[];
  reward?: bigint[][];
}

export type Unsubscribe = () => void;

export interface NodeApi {
  chainId(): bigint;
  clientVersion(): string;
  blockNumber(): bigint;
  getBalance(address: Uint8Array, tag: BlockTag): bigint;
  /** "pending" counts transactions waiting in the pool. */
  getTransactionCount(address: Uint8Array, tag: BlockTag): bigint;
  getCode(address: Uint8Array, tag: BlockTag): Uint8Array;
  getStorageAt(address: Uint8Array, slot: Uint8Array, tag: BlockTag): Uint8Array;
  /** Throws ExecutionRevertedError (with the revert data) when the call reverts. */
  call(req: CallRequest, tag: BlockTag): Uint8Array;
  estimateGas(req: CallRequest, tag: BlockTag): bigint;
  gasPrice(): bigint;
  maxPriorityFeePerGas(): bigint;
  feeHistory(blockCount: number, newest: BlockTag, rewardPercentiles: number[] | undefined): FeeHistory;
  /** Resolves with the hash once the pool accepted it; throws a typed pool error otherwise. */
  sendRawTransaction(raw: Uint8Array): Promise<Uint8Array>;
  /** EIP-7966: resolves with the receipt once the transaction is in a mini-block, or times out. */
  sendRawTransactionSync(raw: Uint8Array, timeoutMs: number): Promise<ReceiptWithBlock>;
  /** Mined, or still waiting in the pool; null if unknown. */
  getTransactionByHash(hash: Uint8Array): TxLocation | null;
  /**
   * A node without a pool of its own (a replica) asks its upstream for a transaction
   * getTransactionByHash does not know: it may be waiting in the sequencer's pool.
   */
  upstreamTransactionByHash?(hash: Uint8Array): Promise<RpcTransaction | null>;
  /** Null until the transaction is executed: pooled transactions have no receipt. */
  getTransactionReceipt(hash: Uint8Array): ReceiptWithBlock | null;
  /** "pending" is the block being built (its hash is only known once sealed). */
  getBlock(tag: BlockTag): Block | null;
  getLogs(filter: LogFilter): LogWithPosition[];
  onNewHead(cb: (block: Block) => void): Unsubscribe;
  onLogs(cb: (logs: LogWithPosition[]) => void): Unsubscribe;
  onMiniBlock(cb: (mini: { seq: bigint; blockNumber: bigint; timestamp: number; transactions: Uint8Array[]; receipts: ReceiptWithBlock[] }) => void): Unsubscribe;
}
