import type { RankedTx } from "./ordering-policy";
import type { PoolTx } from "./types";

/** A pooled transaction plus the bookkeeping the pool's indexes need. */
export class PoolEntry implements RankedTx {
  /** Executable (in its sender's pending run) rather than queued behind a gap. */
  pending = false;
  /** Slot in the pool's cheapest-queued heap; -1 while pending. */
  queuedSlot = -1;
  effectiveTip: bigint;
  tipScore: number;

  constructor(
    readonly tx: PoolTx,
    readonly hashKey: string,
    readonly senderKey: string,
    /** Admission counter: the final tie-breaker, so every order is total and reproducible. */
    readonly seq: number,
    readonly arrival: number,
    /** gasLimit * maxFee + value, fixed for the entry's life. */
    readonly cost: bigint,
    /** At the pool's base fee when admitted; onBaseFee re-prices through setEffectiveTip. */
    effectiveTip: bigint,
  ) {
    this.effectiveTip = effectiveTip;
    this.tipScore = Number(effectiveTip);
  }

  /** Re-prices the entry at a new base fee. */
  setEffectiveTip(tip: bigint): void {
    this.effectiveTip = tip;
    this.tipScore = Number(tip);
  }
}
