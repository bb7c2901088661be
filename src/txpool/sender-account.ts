import type { PoolEntry } from "./pool-entry";

/**
 * One sender's transactions: `pending` is the contiguous run starting at the
 * state nonce (`baseNonce`), `queued` the rest, keyed by nonce. Costs are
 * summed here so balance checks never walk the lists.
 */
export class SenderAccount {
  /** Nonce of the first pending slot, i.e. the sender's state nonce as the pool knows it. */
  baseNonce: bigint;
  readonly queued = new Map<bigint, PoolEntry>();
  pendingCost = 0n;
  queuedCost = 0n;
  /** Slot in the pool's ready-senders heap (-1 if absent). */
  readySlot = -1;
  /** Slot in the pool's cheapest-pending-tail heap (-1 if absent). */
  tailSlot = -1;

  // A deque as array + start offset: commits drop from the front, evictions from the back.
  private run: PoolEntry[] = [];
  private start = 0;
  // Ends cached on the account itself: heap comparisons read them constantly, and one
  // pointer hop less per comparison is measurable once the heaps outgrow the CPU cache.
  private first: PoolEntry | undefined;
  private last: PoolEntry | undefined;

  constructor(
    readonly key: string,
    readonly address: Uint8Array,
    baseNonce: bigint,
  ) {
    this.baseNonce = baseNonce;
  }

  /** Number of pending transactions. */
  get pendingCount(): number {
    return this.run.length - this.start;
  }

  /** Pending plus queued transactions. */
  get size(): number {
    return this.pendingCount + this.queued.size;
  }

  /** The nonce a transaction must have to extend the pending run. */
  get nextNonce(): bigint {
    return this.baseNonce + BigInt(this.pendingCount);
  }

  /** The i-th pending transaction (nonce baseNonce + i). */
  pendingAt(i: number): PoolEntry | undefined {
    return i < 0 ? undefined : this.run[this.start + i];
  }

  /** The first pending transaction, the only one a block may take next. */
  head(): PoolEntry | undefined {
    return this.first;
  }

  /** The last pending transaction, the only one that may be evicted without leaving a gap. */
  tail(): PoolEntry | undefined {
    return this.last;
  }

  /** The pooled transaction (pending or queued) with `nonce`, if any. */
  find(nonce: bigint): PoolEntry | undefined {
    const offset = nonce - this.baseNonce;
    if (offset >= 0n && offset < BigInt(this.pendingCount)) return this.pendingAt(Number(offset));
    return this.queued.get(nonce);
  }

  /** Appends `entry` (nonce must equal nextNonce) to the pending run. */
  pushPending(entry: PoolEntry): void {
    entry.pending = true;
    this.run.push(entry);
    this.pendingCost += entry.cost;
    this.syncEnds();
  }

  /** Removes and returns the pending tail. */
  popPending(): PoolEntry | undefined {
    if (this.pendingCount === 0) return undefined;
    const entry = this.run.pop()!;
    this.pendingCost -= entry.cost;
    this.syncEnds();
    return entry;
  }

  /** Swaps the pending entry at index `i` for `entry` (a same-nonce replacement). */
  replacePending(i: number, entry: PoolEntry): PoolEntry {
    const old = this.run[this.start + i]!;
    entry.pending = true;
    this.run[this.start + i] = entry;
    this.pendingCost += entry.cost - old.cost;
    this.syncEnds();
    return old;
  }

  /** Removes the first `k` pending entries (they were committed) and advances baseNonce past them. */
  dropFront(k: number): void {
    for (let i = 0; i < k; i++) this.pendingCost -= this.run[this.start + i]!.cost;
    this.start += k;
    this.baseNonce += BigInt(k);
    // Compact once the dead prefix dominates, keeping shifts amortised O(1).
    if (this.start > 32 && this.start * 2 > this.run.length) {
      this.run = this.run.slice(this.start);
      this.start = 0;
    }
    this.syncEnds();
  }

  /** Removes and returns pending entries from index `i` to the end. */
  truncatePending(i: number): PoolEntry[] {
    const gone = this.run.splice(this.start + i);
    for (const e of gone) this.pendingCost -= e.cost;
    this.syncEnds();
    return gone;
  }

  /** A copy of the pending run in nonce order. */
  pendingEntries(): PoolEntry[] {
    return this.run.slice(this.start);
  }

  /** Files `entry` under its nonce in the queue. */
  addQueued(entry: PoolEntry): void {
    entry.pending = false;
    this.queued.set(entry.tx.nonce, entry);
    this.queuedCost += entry.cost;
  }

  /** Removes `entry` from the queue. */
  deleteQueued(entry: PoolEntry): void {
    this.queued.delete(entry.tx.nonce);
    this.queuedCost -= entry.cost;
  }

  private syncEnds(): void {
    const empty = this.start >= this.run.length;
    this.first = empty ? undefined : this.run[this.start];
    this.last = empty ? undefined : this.run[this.run.length - 1];
  }
}
