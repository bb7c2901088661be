import type { OrderingPolicy, RankedTx } from "./ordering-policy";

/** Highest effective tip first (what the block producer earns), ties by arrival. */
export class PriorityFeePolicy implements OrderingPolicy {
  readonly name = "priority-fee";

  /** Larger effective tip ranks first; equal tips fall back to earlier arrival. */
  compare(a: RankedTx, b: RankedTx): number {
    if (a.tipScore !== b.tipScore) return b.tipScore - a.tipScore;
    if (Math.abs(a.tipScore) > Number.MAX_SAFE_INTEGER && a.effectiveTip !== b.effectiveTip) {
      return a.effectiveTip > b.effectiveTip ? -1 : 1;
    }
    return a.arrival - b.arrival;
  }
}
