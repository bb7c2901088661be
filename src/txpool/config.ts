import { FifoPolicy } from "./fifo-policy";
import type { OrderingPolicy } from "./ordering-policy";

/** Operator settings; everything but the chain id and block gas limit has a default. */
export interface TxPoolConfig {
  chainId: bigint;
  blockGasLimit: bigint;
  /** Base fee of the next block at start-up; later changes arrive through onBaseFee. Default 0. */
  baseFee?: bigint;
  /** Floor on maxPriorityFeePerGas. Default 0. */
  minTip?: bigint;
  /** Floor on maxFeePerGas. Default 0. */
  minFeeCap?: bigint;
  /** Percent both fee caps must rise to replace a same-nonce transaction. Default 10 (geth). */
  priceBumpPercent?: bigint;
  /** Largest accepted encoded size in bytes. Default 128 KiB (geth's txMaxSize). */
  maxTxSize?: number;
  /** Pending plus queued transactions one sender may hold. Default 64. */
  maxTxsPerSender?: number;
  /** Pending plus queued transactions in the whole pool. Default 6144 (geth's 5120 + 1024). */
  maxTxs?: number;
  /** Queued (nonce-gapped) transactions in the whole pool. Default 1024 (geth's GlobalQueue). */
  maxQueued?: number;
  /** How far past the sender's next pending nonce a transaction may be. Default 64. */
  maxNonceGap?: bigint;
  /** Admit pre-EIP-155 transactions (chainId null). Default false. */
  allowUnprotected?: boolean;
  /** Block ordering. Default FifoPolicy. */
  policy?: OrderingPolicy;
  /** Arrival stamp for transactions that carry none. Default Date.now. */
  clock?: () => number;
}

/** TxPoolConfig with every default filled in. */
export type ResolvedTxPoolConfig = Required<TxPoolConfig>;

/** Fills in defaults and rejects settings that would make the pool misbehave silently. */
export function resolveConfig(config: TxPoolConfig): ResolvedTxPoolConfig {
  const resolved: ResolvedTxPoolConfig = {
    baseFee: 0n,
    minTip: 0n,
    minFeeCap: 0n,
    priceBumpPercent: 10n,
    maxTxSize: 128 * 1024,
    maxTxsPerSender: 64,
    maxTxs: 6144,
    maxQueued: 1024,
    maxNonceGap: 64n,
    allowUnprotected: false,
    policy: new FifoPolicy(),
    clock: Date.now,
    ...stripUndefined(config),
  };
  for (const key of ["maxTxSize", "maxTxsPerSender", "maxTxs", "maxQueued"] as const) {
    const v = resolved[key];
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`txpool config: ${key} must be a non-negative integer, got ${v}`);
  }
  for (const key of ["baseFee", "minTip", "minFeeCap", "priceBumpPercent", "maxNonceGap"] as const) {
    if (resolved[key] < 0n) throw new RangeError(`txpool config: ${key} must not be negative, got ${resolved[key]}`);
  }
  return resolved;
}

// Spreading `{ minTip: undefined }` would otherwise erase the default.
function stripUndefined(config: TxPoolConfig): TxPoolConfig {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (v !== undefined) out[k] = v;
  return out as unknown as TxPoolConfig;
}
