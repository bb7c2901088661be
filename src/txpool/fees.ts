import type { PoolTx } from "./types";

/** What the block producer earns per gas at `baseFee`: min(maxPriorityFee, maxFee - baseFee), negative if maxFee < baseFee. */
export function effectiveTip(tx: PoolTx, baseFee: bigint): bigint {
  const headroom = tx.maxFeePerGas - baseFee;
  return headroom < tx.maxPriorityFeePerGas ? headroom : tx.maxPriorityFeePerGas;
}

/** Worst-case spend the sender must cover up front: gasLimit * maxFee + value (geth's tx.Cost()). */
export function txCost(tx: PoolTx): bigint {
  return tx.gasLimit * tx.maxFeePerGas + tx.value;
}

/**
 * Whether `next` may replace `old` (same sender and nonce): both fee caps must
 * rise, and by at least `bumpPercent`. Thresholds use geth's integer
 * arithmetic, old * (100 + bump) / 100 rounded down, so clients agree on the edge.
 */
export function meetsPriceBump(old: PoolTx, next: PoolTx, bumpPercent: bigint): boolean {
  if (next.maxFeePerGas <= old.maxFeePerGas || next.maxPriorityFeePerGas <= old.maxPriorityFeePerGas) return false;
  const factor = 100n + bumpPercent;
  return (
    next.maxFeePerGas >= (old.maxFeePerGas * factor) / 100n &&
    next.maxPriorityFeePerGas >= (old.maxPriorityFeePerGas * factor) / 100n
  );
}
