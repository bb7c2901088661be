import type { OrderingPolicy, RankedTx } from "./ordering-policy";

/** First come, first served: earliest arrival first, regardless of fees. */
export class FifoPolicy implements OrderingPolicy {
  readonly name = "fifo";

  /** Earlier arrival ranks first. */
  compare(a: RankedTx, b: RankedTx): number {
    return a.arrival - b.arrival;
  }
}
