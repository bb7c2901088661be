/**
 * The slice of a signed transaction the pool needs. Decoding and signature
 * recovery happen before admission (src/tx), so the pool never sees raw bytes.
 * Legacy and EIP-2930 transactions set maxFeePerGas = maxPriorityFeePerGas = gasPrice.
 */
export interface PoolTx {
  readonly hash: Uint8Array;
  /** Recovered sender, 20 bytes. */
  readonly sender: Uint8Array;
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  readonly value: bigint;
  /** Encoded size in bytes. */
  readonly size: number;
  /** null for pre-EIP-155 (unprotected) legacy transactions. */
  readonly chainId: bigint | null;
  readonly intrinsicGas: bigint;
  /** Arrival time (any monotone unit, e.g. ms); the pool stamps its own clock when absent. */
  readonly arrival?: number;
}

/** Read-only view of the head state the pool validates against. */
export interface PoolState {
  nonce(addr: Uint8Array): bigint;
  balance(addr: Uint8Array): bigint;
}

/** Where an admitted transaction landed: executable now, or waiting on a nonce gap. */
export type TxStatus = "pending" | "queued";

/** Outcome of a successful `TxPool.add`. */
export interface AddResult {
  readonly status: TxStatus;
  /** The transaction this one replaced (same sender and nonce), if any. */
  readonly replaced: PoolTx | null;
  /** Transactions dropped to make room for this one. */
  readonly evicted: readonly PoolTx[];
  /** Queued transactions of the same sender that became pending because this one filled their gap. */
  readonly promoted: readonly PoolTx[];
}

/** Pool contents grouped by lower-case 0x sender address, each list in nonce order. */
export interface PoolContent {
  readonly pending: Map<string, PoolTx[]>;
  readonly queued: Map<string, PoolTx[]>;
}
