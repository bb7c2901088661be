import { bytesToHex } from "../crypto/hex";
import { idKey } from "../state/byte-keys";
import { selectExecutable } from "./block-selection";
import { resolveConfig, type ResolvedTxPoolConfig, type TxPoolConfig } from "./config";
import {
  AccountLimitError,
  AlreadyKnownError,
  NonceTooHighError,
  NonceTooLowError,
  ReplacementUnderpricedError,
  TxPoolFullError,
} from "./errors";
import { effectiveTip, meetsPriceBump, txCost } from "./fees";
import { IndexedHeap } from "./indexed-heap";
import type { OrderingPolicy } from "./ordering-policy";
import { PoolEntry } from "./pool-entry";
import { checkPoolInvariants } from "./pool-invariants";
import { SenderAccount } from "./sender-account";
import type { AddResult, PoolContent, PoolState, PoolTx } from "./types";
import { validateFunds, validateStateless } from "./validate-tx";

const NO_TXS: readonly PoolTx[] = Object.freeze([]);

const readySlot = {
  get: (a: SenderAccount) => a.readySlot,
  set: (a: SenderAccount, i: number) => {
    a.readySlot = i;
  },
};
const tailSlot = {
  get: (a: SenderAccount) => a.tailSlot,
  set: (a: SenderAccount, i: number) => {
    a.tailSlot = i;
  },
};
const queuedSlot = {
  get: (e: PoolEntry) => e.queuedSlot,
  set: (e: PoolEntry, i: number) => {
    e.queuedSlot = i;
  },
};

// Eviction order: lowest effective tip first; among equals the newer goes, so old txs are not churned out.
function cheaper(a: PoolEntry, b: PoolEntry): boolean {
  if (a.tipScore !== b.tipScore) return a.tipScore < b.tipScore;
  // Scores round beyond 2^53 wei, so only there can equal scores hide different tips.
  if (Math.abs(a.tipScore) > Number.MAX_SAFE_INTEGER && a.effectiveTip !== b.effectiveTip) {
    return a.effectiveTip < b.effectiveTip;
  }
  return a.seq > b.seq;
}

/**
 * The sequencer's transaction pool. Per sender it keeps a pending run
 * (contiguous nonces from the state nonce, executable now) and a queue of
 * nonce-gapped transactions that are promoted when the gap fills. Three heaps
 * keep admission, selection and commits O(log n) per transaction: senders
 * ready for the next block (policy order), senders' pending tails and queued
 * entries (both cheapest first, for eviction). Only a base fee change is
 * O(n). Not safe for concurrent mutation; callers serialise access.
 */
export class TxPool {
  private readonly config: ResolvedTxPoolConfig;
  private policy: OrderingPolicy;
  private baseFee: bigint;
  private readonly byHash = new Map<string, PoolEntry>();
  private readonly accounts = new Map<string, SenderAccount>();
  /** Senders whose next transaction can pay the base fee, best first by the policy. */
  private readonly ready: IndexedHeap<SenderAccount>;
  /** Senders with pending transactions, cheapest tail first: where pending eviction starts. */
  private readonly tails: IndexedHeap<SenderAccount>;
  /** Every queued entry, cheapest first: evicted before anything pending. */
  private readonly cheapQueued: IndexedHeap<PoolEntry>;
  private pendingTotal = 0;
  private queuedTotal = 0;
  private seq = 0;

  /** Policy order with admission order as the final tie-breaker, so selection is deterministic. */
  private readonly before = (a: PoolEntry, b: PoolEntry): boolean => {
    const c = this.policy.compare(a, b);
    return c !== 0 ? c < 0 : a.seq < b.seq;
  };

  /** A pool validating against `state` (read at admission and on commit), configured by `config`. */
  constructor(
    private readonly state: PoolState,
    config: TxPoolConfig,
  ) {
    this.config = resolveConfig(config);
    this.policy = this.config.policy;
    this.baseFee = this.config.baseFee;
    this.ready = new IndexedHeap((a, b) => this.before(a.head()!, b.head()!), readySlot);
    this.tails = new IndexedHeap((a, b) => cheaper(a.tail()!, b.tail()!), tailSlot);
    this.cheapQueued = new IndexedHeap(cheaper, queuedSlot);
  }

  /**
   * Admits `tx` or throws a TxPoolError carrying geth's message. A same-nonce
   * transaction replaces the pooled one only with both fee caps raised by the
   * configured bump. When the pool is full the cheapest queued transaction
   * makes room, else (for an executable newcomer) the cheapest pending tail.
   */
  add(tx: PoolTx): AddResult {
    const hashKey = idKey(tx.hash);
    if (this.byHash.has(hashKey)) throw new AlreadyKnownError();
    validateStateless(tx, this.config, this.baseFee);

    const senderKey = idKey(tx.sender);
    const stateNonce = this.state.nonce(tx.sender);
    let account = this.accounts.get(senderKey);
    if (account !== undefined && stateNonce > account.baseNonce) {
      // The chain moved on without an onCommitted for this sender; catch up before judging the nonce.
      this.onCommitted(tx.sender, stateNonce);
      account = this.accounts.get(senderKey);
    }
    const firstNonce = account?.baseNonce ?? stateNonce;
    if (tx.nonce < firstNonce) throw new NonceTooLowError(firstNonce, tx.nonce);
    const pendingNonce = account?.nextNonce ?? stateNonce;
    if (tx.nonce - pendingNonce > this.config.maxNonceGap) {
      throw new NonceTooHighError(tx.nonce, pendingNonce, this.config.maxNonceGap);
    }

    const cost = txCost(tx);
    const old = account?.find(tx.nonce);
    validateFunds(this.state.balance(tx.sender), cost, account?.pendingCost ?? 0n, old?.pending ? old.cost : null);
    if (old !== undefined) {
      if (!meetsPriceBump(old.tx, tx, this.config.priceBumpPercent)) throw new ReplacementUnderpricedError();
    } else if ((account?.size ?? 0) >= this.config.maxTxsPerSender) {
      throw new AccountLimitError(account?.size ?? 0);
    }

    const arrival = tx.arrival ?? this.config.clock();
    const entry = new PoolEntry(tx, hashKey, senderKey, this.seq++, arrival, cost, effectiveTip(tx, this.baseFee));
    if (old !== undefined) return this.replace(account!, old, entry);

    const goesPending = tx.nonce === pendingNonce;
    const evicted = this.makeRoom(entry, goesPending);
    // Eviction may have emptied (and forgotten) this very sender.
    account = this.accounts.get(senderKey) ?? this.openAccount(senderKey, tx.sender, firstNonce);
    this.byHash.set(hashKey, entry);
    if (goesPending) {
      account.pushPending(entry);
      this.pendingTotal++;
      const promoted = this.promote(account);
      this.refresh(account);
      return { status: "pending", replaced: null, evicted, promoted };
    }
    account.addQueued(entry);
    this.cheapQueued.push(entry);
    this.queuedTotal++;
    return { status: "queued", replaced: null, evicted, promoted: NO_TXS };
  }

  /**
   * Executable transactions for a block, best first by the ordering policy
   * and in nonce order per sender, without removing them: report what was
   * included through onCommitted. Stops at `limit` transactions; a sender
   * whose next transaction exceeds the gas left (`maxGas`, unbounded when
   * undefined) or cannot pay `baseFee` contributes nothing further. A
   * `baseFee` different from the pool's is adopted as by onBaseFee.
   */
  next(maxGas?: bigint, baseFee: bigint = this.baseFee, limit: number = Infinity): PoolTx[] {
    if (baseFee !== this.baseFee) this.onBaseFee(baseFee);
    return selectExecutable(this.ready, this.before, { maxGas, baseFee, limit });
  }

  /**
   * Brings `sender` in line with the chain after a block: drops transactions
   * below `newNonce`, drops any whose cost now exceeds the balance (demoting
   * those behind it to the queue), and promotes queued ones the new nonce
   * reaches. Call it for every account whose nonce or balance changed.
   */
  onCommitted(sender: Uint8Array, newNonce: bigint): void {
    const account = this.accounts.get(idKey(sender));
    if (account === undefined) return;
    this.advance(account, newNonce);
    this.dropUnaffordable(account, this.state.balance(sender));
    this.promote(account);
    this.refresh(account);
    this.enforceQueuedLimit();
  }

  /**
   * Drops the transaction with `hash` (e.g. it failed in a way that makes it
   * invalid); later nonces of its sender move to the queue. Returns whether it was pooled.
   */
  remove(hash: Uint8Array): boolean {
    const entry = this.byHash.get(idKey(hash));
    if (entry === undefined) return false;
    const account = this.accounts.get(entry.senderKey)!;
    if (!entry.pending) {
      this.dropQueued(entry);
      return true;
    }
    const cut = account.truncatePending(Number(entry.tx.nonce - account.baseNonce));
    this.byHash.delete(entry.hashKey);
    this.pendingTotal--;
    for (let i = 1; i < cut.length; i++) this.demote(account, cut[i]!);
    this.refresh(account);
    this.enforceQueuedLimit();
    return true;
  }

  /**
   * Adopts the next block's base fee: admission refuses fee caps below it,
   * senders whose next transaction cannot pay it sit out of next(), and
   * effective tips (eviction and priority order) are recomputed. O(n).
   */
  onBaseFee(baseFee: bigint): void {
    if (baseFee === this.baseFee) return;
    this.baseFee = baseFee;
    for (const entry of this.byHash.values()) entry.setEffectiveTip(effectiveTip(entry.tx, baseFee));
    this.cheapQueued.heapify();
    this.tails.heapify();
    this.rebuildReady();
  }

  /** Switches the block ordering policy at run time. O(senders). */
  setPolicy(policy: OrderingPolicy): void {
    this.policy = policy;
    this.ready.heapify();
  }

  /** The base fee the pool currently validates and orders against. */
  currentBaseFee(): bigint {
    return this.baseFee;
  }

  /** Number of executable transactions. */
  pending(): number {
    return this.pendingTotal;
  }

  /** Number of nonce-gapped transactions. */
  queued(): number {
    return this.queuedTotal;
  }

  /** The pooled transaction with `hash`, if any. */
  get(hash: Uint8Array): PoolTx | undefined {
    return this.byHash.get(idKey(hash))?.tx;
  }

  /** Whether a transaction with `hash` is pooled. */
  has(hash: Uint8Array): boolean {
    return this.byHash.has(idKey(hash));
  }

  /** Nonce the sender's next transaction should use: past its pending run (eth_getTransactionCount "pending"). */
  pendingNonce(sender: Uint8Array): bigint {
    const stateNonce = this.state.nonce(sender);
    const next = this.accounts.get(idKey(sender))?.nextNonce;
    return next !== undefined && next > stateNonce ? next : stateNonce;
  }

  /** Everything pooled, grouped by sender (txpool_content). */
  content(): PoolContent {
    const pending = new Map<string, PoolTx[]>();
    const queued = new Map<string, PoolTx[]>();
    for (const account of this.accounts.values()) {
      const address = bytesToHex(account.address);
      if (account.pendingCount > 0) pending.set(address, account.pendingEntries().map((e) => e.tx));
      if (account.queued.size > 0) {
        const txs = [...account.queued.values()].map((e) => e.tx);
        queued.set(address, txs.sort((a, b) => (a.nonce < b.nonce ? -1 : 1)));
      }
    }
    return { pending, queued };
  }

  /** Throws if any internal index disagrees with the per-sender lists; for tests and debugging (O(n)). */
  checkInvariants(): void {
    checkPoolInvariants({
      accounts: this.accounts,
      byHash: this.byHash,
      ready: this.ready,
      tails: this.tails,
      cheapQueued: this.cheapQueued,
      pendingTotal: this.pendingTotal,
      queuedTotal: this.queuedTotal,
      baseFee: this.baseFee,
      config: this.config,
    });
  }

  private openAccount(key: string, address: Uint8Array, baseNonce: bigint): SenderAccount {
    const account = new SenderAccount(key, address, baseNonce);
    this.accounts.set(key, account);
    return account;
  }

  private replace(account: SenderAccount, old: PoolEntry, entry: PoolEntry): AddResult {
    this.byHash.delete(old.hashKey);
    this.byHash.set(entry.hashKey, entry);
    if (old.pending) {
      account.replacePending(Number(old.tx.nonce - account.baseNonce), entry);
      this.refresh(account);
      return { status: "pending", replaced: old.tx, evicted: NO_TXS, promoted: NO_TXS };
    }
    account.deleteQueued(old);
    this.cheapQueued.remove(old);
    account.addQueued(entry);
    this.cheapQueued.push(entry);
    return { status: "queued", replaced: old.tx, evicted: NO_TXS, promoted: NO_TXS };
  }

  /**
   * Frees one slot if a limit is reached, or throws TxPoolFullError. Limits
   * hold after every operation, so one eviction always suffices. An
   * executable newcomer outranks anything queued; a queued newcomer must pay
   * more than the cheapest queued and never displaces pending work.
   */
  private makeRoom(entry: PoolEntry, goesPending: boolean): readonly PoolTx[] {
    const queueFull = !goesPending && this.queuedTotal >= this.config.maxQueued;
    const poolFull = this.pendingTotal + this.queuedTotal >= this.config.maxTxs;
    if (!queueFull && !poolFull) return NO_TXS;
    const queuedVictim = this.cheapQueued.peek();
    if (queuedVictim !== undefined) {
      if (!goesPending && !cheaper(queuedVictim, entry)) throw new TxPoolFullError();
      this.dropQueued(queuedVictim);
      return [queuedVictim.tx];
    }
    if (!goesPending) throw new TxPoolFullError();
    const victimAccount = this.tails.peek();
    const victim = victimAccount?.tail();
    // Evicting the newcomer's own tail would leave it stranded behind a gap.
    if (victim === undefined || victimAccount!.key === entry.senderKey || !cheaper(victim, entry)) {
      throw new TxPoolFullError();
    }
    victimAccount!.popPending();
    this.byHash.delete(victim.hashKey);
    this.pendingTotal--;
    this.refresh(victimAccount!);
    return [victim.tx];
  }

  private advance(account: SenderAccount, newNonce: bigint): void {
    if (newNonce > account.baseNonce) {
      const behind = newNonce - account.baseNonce;
      const k = behind >= BigInt(account.pendingCount) ? account.pendingCount : Number(behind);
      for (let i = 0; i < k; i++) this.byHash.delete(account.pendingAt(i)!.hashKey);
      account.dropFront(k);
      this.pendingTotal -= k;
      // Past the run's end when the chain moved further than the pool knew.
      account.baseNonce = newNonce;
      if (account.queued.size > 0) {
        for (const e of account.queued.values()) if (e.tx.nonce < newNonce) this.dropQueued(e);
      }
    } else if (newNonce < account.baseNonce) {
      // The chain went back (reorg): nothing pending is contiguous from the new nonce any more.
      for (const e of account.truncatePending(0)) this.demote(account, e);
      account.baseNonce = newNonce;
    }
  }

  // geth's demoteUnexecutables: only individually unaffordable txs go; those behind a dropped one are demoted.
  private dropUnaffordable(account: SenderAccount, balance: bigint): void {
    if (balance < account.pendingCost) {
      let i = 0;
      while (i < account.pendingCount && account.pendingAt(i)!.cost <= balance) i++;
      if (i < account.pendingCount) {
        for (const e of account.truncatePending(i)) {
          if (e.cost > balance) {
            this.byHash.delete(e.hashKey);
            this.pendingTotal--;
          } else {
            this.demote(account, e);
          }
        }
      }
    }
    if (balance < account.queuedCost) {
      for (const e of account.queued.values()) if (e.cost > balance) this.dropQueued(e);
    }
  }

  private promote(account: SenderAccount): readonly PoolTx[] {
    if (account.queued.size === 0) return NO_TXS;
    let promoted: PoolTx[] | undefined;
    for (let e = account.queued.get(account.nextNonce); e !== undefined; e = account.queued.get(account.nextNonce)) {
      account.deleteQueued(e);
      this.cheapQueued.remove(e);
      account.pushPending(e);
      this.queuedTotal--;
      this.pendingTotal++;
      (promoted ??= []).push(e.tx);
    }
    return promoted ?? NO_TXS;
  }

  // `entry` has already been cut from the pending run.
  private demote(account: SenderAccount, entry: PoolEntry): void {
    account.addQueued(entry);
    this.cheapQueued.push(entry);
    this.pendingTotal--;
    this.queuedTotal++;
  }

  private dropQueued(entry: PoolEntry): void {
    const account = this.accounts.get(entry.senderKey)!;
    account.deleteQueued(entry);
    this.cheapQueued.remove(entry);
    this.byHash.delete(entry.hashKey);
    this.queuedTotal--;
    if (account.size === 0) this.accounts.delete(account.key);
  }

  // Demotions can push the queue past its cap; the cheapest go.
  private enforceQueuedLimit(): void {
    while (this.queuedTotal > this.config.maxQueued) this.dropQueued(this.cheapQueued.peek()!);
  }

  /** Re-files `account` in the ready and tail heaps after its pending run changed; forgets it once empty. */
  private refresh(account: SenderAccount): void {
    const head = account.head();
    if (head === undefined) {
      this.ready.remove(account);
      this.tails.remove(account);
      if (account.queued.size === 0) this.accounts.delete(account.key);
      return;
    }
    if (head.tx.maxFeePerGas >= this.baseFee) this.ready.update(account);
    else this.ready.remove(account);
    this.tails.update(account);
  }

  private rebuildReady(): void {
    const items: SenderAccount[] = [];
    for (const account of this.accounts.values()) {
      account.readySlot = -1;
      const head = account.head();
      if (head !== undefined && head.tx.maxFeePerGas >= this.baseFee) items.push(account);
    }
    this.ready.rebuild(items);
  }
}
