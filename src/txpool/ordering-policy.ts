import type { PoolTx } from "./types";

/** What an ordering policy may look at when ranking two transactions. */
export interface RankedTx {
  readonly tx: PoolTx;
  /** `tx.arrival`, or the pool's clock at admission. */
  readonly arrival: number;
  /** min(maxPriorityFee, maxFee - baseFee) at the pool's current base fee; negative when maxFee < baseFee. */
  readonly effectiveTip: bigint;
  /**
   * Number(effectiveTip): several times cheaper to compare, exact below 2^53
   * wei and order-preserving above (equal scores there need the bigint).
   */
  readonly tipScore: number;
}

/**
 * Decides which executable transaction goes into a block first. The pool
 * only ever asks a policy to rank the next executable transaction of each
 * sender, so per-sender nonce order holds whatever the policy says.
 */
export interface OrderingPolicy {
  readonly name: string;
  /** Negative when `a` should be included before `b`; the pool breaks ties by admission order. */
  compare(a: RankedTx, b: RankedTx): number;
}
