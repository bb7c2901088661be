import { effectiveTip, txCost, type OrderingPolicy, type PoolTx } from "../../src/txpool";
import { addr, type MemoryState } from "./helpers";

/**
 * A deliberately naive reference pool for property tests: it stores only
 * sender -> nonce -> tx and derives pending (contiguous from the state nonce)
 * and queued on every query. It ignores capacity limits, so compare it only
 * against a pool whose limits are never reached.
 */
export class ReferencePool {
  readonly txs = new Map<number, Map<bigint, PoolTx>>();
  baseFee = 0n;

  constructor(
    private readonly state: MemoryState,
    private readonly maxNonceGap: bigint,
  ) {}

  all(): PoolTx[] {
    return [...this.txs.values()].flatMap((m) => [...m.values()]);
  }

  pendingList(s: number): PoolTx[] {
    const m = this.txs.get(s);
    const out: PoolTx[] = [];
    for (let n = this.state.nonce(addr(s)); m?.has(n); n++) out.push(m.get(n)!);
    return out;
  }

  queuedList(s: number): PoolTx[] {
    const pn = this.pendingNonce(s);
    return [...(this.txs.get(s)?.values() ?? [])].filter((t) => t.nonce > pn).sort((a, b) => (a.nonce < b.nonce ? -1 : 1));
  }

  pendingNonce(s: number): bigint {
    return this.state.nonce(addr(s)) + BigInt(this.pendingList(s).length);
  }

  /** Expected outcome of admitting `tx` from sender `s`: a status, or the error class name. */
  add(s: number, tx: PoolTx): string {
    const hex = Buffer.from(tx.hash).toString("hex");
    if (this.all().some((t) => Buffer.from(t.hash).toString("hex") === hex)) return "AlreadyKnownError";
    if (tx.maxFeePerGas < this.baseFee) return "FeeCapTooLowError";
    if (tx.nonce < this.state.nonce(addr(s))) return "NonceTooLowError";
    const pn = this.pendingNonce(s);
    if (tx.nonce - pn > this.maxNonceGap) return "NonceTooHighError";
    const balance = this.state.balance(addr(s));
    const cost = txCost(tx);
    if (balance < cost) return "InsufficientFundsError";
    const spent = this.pendingList(s).reduce((sum, t) => sum + txCost(t), 0n);
    const old = this.txs.get(s)?.get(tx.nonce);
    const need = old !== undefined && old.nonce < pn ? spent - txCost(old) + cost : spent + cost;
    if (balance < need) return "InsufficientFundsError";
    if (old !== undefined) {
      const bumped = (x: bigint) => (x * 110n) / 100n;
      const ok =
        tx.maxFeePerGas > old.maxFeePerGas &&
        tx.maxPriorityFeePerGas > old.maxPriorityFeePerGas &&
        tx.maxFeePerGas >= bumped(old.maxFeePerGas) &&
        tx.maxPriorityFeePerGas >= bumped(old.maxPriorityFeePerGas);
      if (!ok) return "ReplacementUnderpricedError";
    }
    if (!this.txs.has(s)) this.txs.set(s, new Map());
    this.txs.get(s)!.set(tx.nonce, tx);
    return tx.nonce <= pn ? "pending" : "queued";
  }

  /** The state already holds the new nonce and balance. */
  commit(s: number): void {
    const m = this.txs.get(s);
    if (m === undefined) return;
    const nonce = this.state.nonce(addr(s));
    const balance = this.state.balance(addr(s));
    for (const [n, t] of m) if (n < nonce || txCost(t) > balance) m.delete(n);
  }

  remove(hash: Uint8Array): void {
    for (const m of this.txs.values()) for (const [n, t] of m) if (t.hash === hash) m.delete(n);
  }

  /** Block selection by brute force: every step scans all senders' next transactions. */
  next(senders: number[], policy: OrderingPolicy, maxGas: bigint | undefined, limit: number): PoolTx[] {
    const lists = new Map(senders.map((s) => [s, this.pendingList(s)]));
    const at = new Map(senders.map((s) => [s, 0]));
    const rank = (t: PoolTx) => {
      const tip = effectiveTip(t, this.baseFee);
      return { tx: t, arrival: t.arrival!, effectiveTip: tip, tipScore: Number(tip) };
    };
    const out: PoolTx[] = [];
    let gasLeft = maxGas;
    while (out.length < limit) {
      if (gasLeft !== undefined && gasLeft < 21_000n) break;
      let best: number | undefined;
      for (const s of senders) {
        const t = lists.get(s)![at.get(s)!];
        if (t === undefined) continue;
        if (best === undefined || policy.compare(rank(t), rank(lists.get(best)![at.get(best)!]!)) < 0) best = s;
      }
      if (best === undefined) break;
      const t = lists.get(best)![at.get(best)!]!;
      if (t.maxFeePerGas < this.baseFee || (gasLeft !== undefined && t.gasLimit > gasLeft)) {
        lists.set(best, []);
        continue;
      }
      out.push(t);
      at.set(best, at.get(best)! + 1);
      if (gasLeft !== undefined) gasLeft -= t.gasLimit;
    }
    return out;
  }
}
