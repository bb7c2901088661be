// A worker's two Block-STM tasks: executing one incarnation of a transaction (run the core
// against the multi-version store, then publish its writes, read set and output) and
// validating one (resolve every read again; abort and mark its writes ESTIMATE if any moved).
//
// Writes are derived from the core's write set, which reports changed accounts as whole final
// states, flagging the fields that differ from what this execution read: only those become
// versions. So a token transfer writes two storage slots and the sender's nonce and balance,
// not the token contract's account, and does not conflict with the next transfer of the same
// token.
import { bytesEqualAt, isZeroAt } from "../crypto/hex";
import { ACCOUNT_BALANCE_CHANGED, ACCOUNT_CODE_CHANGED, ACCOUNT_CODE_HASH_CHANGED, ACCOUNT_DELETED, ACCOUNT_NONCE_CHANGED, FLAG_DEFER_COINBASE, OutAccount, outputAccountsAt } from "../exec/abi";
import type { EvmCore } from "../exec/core";
import { EMPTY_CODE_HASH } from "../trie/index";
import { Control } from "./control-layout";
import type { SharedHeap } from "./heap";
import type { MvHost, Observed } from "./mv-host";
import { Acct, baseStorageless, Field, SlotRec, Ver, VersionFlags } from "./mv-layout";
import { StorageAnswer, type VersionedReads } from "./mv-reads";
import type { MvStore } from "./mv-store";
import type { CommittedWrites } from "./committed-writes";
import { type Scheduler, sleepWhile } from "./scheduler";
import { READ_WORDS, ReadEntry, SNAPSHOT_COMPARED, SNAPSHOT_WORDS, STATUS_COMMITTED, Txn, TxnFlags, TxnStatus, WRITE_WORDS } from "./txn-layout";
import { BASE_TXN, ReadKind, ReadOutcome, type Task, TaskKind, type TxnIndex } from "./types";

/**
 * How long an executing thread that caught up with the laying out spins before it sleeps: the
 * main thread lays out a transaction in a fraction of a microsecond, while waking a sleeper cost
 * it 40-200 us here (a JSC futex wake on the 2-core VM), which it paid about four times a batch of
 * 1,000 transfers run back to back (once with serial batches between). Paired runs: transfers
 * 1.39x -> 1.43x, ERC-20 transfers within noise (-0.8%).
 */
const LAID_OUT_SPIN_MS = 0.2;

/** Counters a worker reports when it leaves a batch. */
export interface WorkerStats {
  executions: number;
  validations: number;
  validationAborts: number;
  dependencyWaits: number;
  /** Time running tasks and waiting for work, in microseconds (with Control.TIME_PARTS, else 0). */
  taskUs: number;
  waitUs: number;
}

/** The fields a ReadEntry.AccountBase covers. */
const ACCOUNT_FIELDS = [Field.Nonce, Field.Balance, Field.Code, Field.Exists] as const;

export class TxnExecutor {
  readonly stats: WorkerStats = { executions: 0, validations: 0, validationAborts: 0, dependencyWaits: 0, taskUs: 0, waitUs: 0 };
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly out = new ReadOutcome();
  private coinbase = new Uint8Array(20);
  /** The batch's block environment (Control.ENV_AT) and number (Control.GEN), which names it to the core. */
  private envAt = 0;
  private gen = 0;
  /** The write set being built: record, field, entry per write. */
  private readonly writes: number[] = [];

  constructor(
    private readonly heap: SharedHeap,
    private readonly mv: MvStore,
    private readonly sched: Scheduler,
    private readonly versions: VersionedReads,
    private readonly host: MvHost,
    private readonly core: EvmCore,
  ) {
    this.i32 = heap.i32;
    this.u8 = heap.u8;
  }

  beginBatch(): void {
    this.coinbase = this.u8.slice(Control.COINBASE * 4, Control.COINBASE * 4 + 20);
    this.envAt = this.i32[Control.ENV_AT]!;
    this.gen = this.i32[Control.GEN]!;
    const s = this.stats;
    s.executions = s.validations = s.validationAborts = s.dependencyWaits = s.taskUs = s.waitUs = 0;
  }

  /** Runs `task`, an execution or a validation; returns the nanoseconds it took when `timed`, else 0. */
  run(task: Task, timed: boolean): number {
    const t0 = timed ? Bun.nanoseconds() : 0;
    if (task.kind === TaskKind.Execute) this.execute(task);
    else this.validate(task);
    return timed ? Bun.nanoseconds() - t0 : 0;
  }

  /** Block-STM try_execute. Returns true when `task` holds the next task to run. */
  execute(task: Task): boolean {
    const { i32, host, sched } = this;
    const j = task.txn;
    const incarnation = task.incarnation;
    if (Atomics.load(i32, Control.LAID_OUT) <= j && !this.waitLaidOut(j)) {
      // The batch failed while being laid out (heap full): it runs serially.
      task.kind = TaskKind.None;
      return false;
    }
    const t = sched.entry(j);
    const prev = i32[t + Txn.PREV_SAME_SENDER]! - 1;
    if (prev >= 0 && (sched.status(prev) & 3) !== TxnStatus.Executed && sched.addDependency(j, prev)) {
      this.stats.dependencyWaits++;
      task.kind = TaskKind.None;
      return false;
    }
    // The input as laid out in the heap, run as is: no decoding and re-encoding per execution.
    const bodyAt = i32[t + Txn.INPUT]!;
    const bodyLen = i32[t + Txn.INPUT_LEN]!;
    for (;;) {
      const defer = (i32[t + Txn.FLAGS]! & TxnFlags.ReadsCoinbase) === 0;
      const flags = defer ? i32[t + Txn.INPUT_FLAGS]! | FLAG_DEFER_COINBASE : i32[t + Txn.INPUT_FLAGS]! & ~FLAG_DEFER_COINBASE;
      host.begin(j, incarnation, defer, this.coinbase);
      this.stats.executions++;
      i32[t + Txn.EXECUTIONS]!++;
      const outputLen = this.core.executeInput(this.heap.whole, this.envAt, this.gen, bodyAt, bodyLen, flags, host);
      if (defer && host.metCoinbase) {
        Atomics.or(i32, t + Txn.FLAGS, TxnFlags.ReadsCoinbase);
        continue;
      }
      if (host.fallback) {
        sched.lowerLimit(j, host.fallback);
        task.kind = TaskKind.None;
        return false;
      }
      if (host.blocking !== BASE_TXN) {
        if (sched.addDependency(j, host.blocking)) {
          this.stats.dependencyWaits++;
          task.kind = TaskKind.None;
          return false;
        }
        continue; // the blocking transaction finished meanwhile: run again at once
      }
      const wroteNew = this.record(j, incarnation, outputLen, defer);
      return sched.finishExecution(j, incarnation, wroteNew, task);
    }
  }

  /**
   * Waits for the main thread to lay out transaction `j` (it is at most a few transactions
   * behind); false if the batch failed meanwhile.
   */
  private waitLaidOut(j: TxnIndex): boolean {
    const i32 = this.i32;
    for (let laid = Atomics.load(i32, Control.LAID_OUT); laid <= j; laid = Atomics.load(i32, Control.LAID_OUT)) {
      if (Atomics.load(i32, Control.FAIL) !== 0) return false;
      // The main thread notifies every few transactions and at the end, when someone waits.
      sleepWhile(i32, Control.LAID_OUT, Control.LAID_OUT_WAITERS, laid, 1, LAID_OUT_SPIN_MS);
    }
    return true;
  }

  /** Block-STM needs_reexecution. Returns true when `task` holds the next task to run. */
  validate(task: Task): boolean {
    const t = this.sched.entry(task.txn);
    // Committed already: final, nothing can abort it.
    if (this.i32[t + Txn.STATUS]! & STATUS_COMMITTED) return this.sched.finishValidation(task.txn, false, task);
    this.stats.validations++;
    return this.conclude(task, this.readsStillHold(task.txn, this.i32[t + Txn.READS]!));
  }

  /**
   * Ends the validation `task`, which found the transaction's reads `valid` or not: an invalid
   * execution that is still current is aborted, its writes marked ESTIMATE. Returns true when
   * `task` holds the next task to run (the re-execution).
   */
  conclude(task: Task, valid: boolean): boolean {
    const j = task.txn;
    const aborted = !valid && this.sched.tryValidationAbort(j, task.incarnation);
    if (aborted) {
      this.stats.validationAborts++;
      const ws = this.i32[this.sched.entry(j) + Txn.WRITES]!;
      if (ws !== 0) for (let k = 0, n = this.i32[ws]!; k < n; k++) this.mv.markEstimate(this.i32[ws + 1 + k * WRITE_WORDS + 2]!);
    }
    return this.sched.finishValidation(j, aborted, task);
  }

  /**
   * Whether transaction `j`'s reads are what serial execution reads, now that every
   * transaction below it is committed (their writes are in `committed`). Main thread.
   */
  readsHoldAtCommit(j: TxnIndex, committed: CommittedWrites): boolean {
    const i32 = this.i32;
    this.stats.validations++;
    const rs = i32[this.sched.entry(j) + Txn.READS]!;
    for (let k = 0, n = i32[rs]!, at = rs + 1; k < n; k++, at += READ_WORDS) {
      const rec = i32[at]!;
      const kind = i32[at + 1]! as ReadEntry;
      switch (kind) {
        case ReadEntry.Nonce:
        case ReadEntry.Balance:
        case ReadEntry.Code:
        case ReadEntry.Exists:
          if (!committed.is(rec, kind as number as Field, i32[at + 2]!, i32[at + 3]!)) return false;
          break;
        case ReadEntry.Slot:
          if (!committed.decidesSlot(rec, i32[at + 4]!, i32[at + 2]!, i32[at + 3]!)) return false;
          break;
        case ReadEntry.AccountBase:
          if (!committed.untouched(rec)) return false;
          break;
        default:
          // Storage emptiness and the coinbase are validated by value, through the versions.
          if (!this.entryHolds(j, at)) return false;
      }
    }
    return true;
  }

  private readsStillHold(j: TxnIndex, rs: number): boolean {
    if (rs === 0) return false;
    for (let k = 0, n = this.i32[rs]!; k < n; k++) if (!this.entryHolds(j, rs + 1 + k * READ_WORDS)) return false;
    return true;
  }

  /** Whether the read entry at word `at` of `j`'s read set resolves as it did. */
  private entryHolds(j: TxnIndex, at: number): boolean {
    const { i32, versions, out } = this;
    const rec = i32[at]!;
    const kind = i32[at + 1]! as ReadEntry;
    const txn = i32[at + 2]!;
    const inc = i32[at + 3]!;
    switch (kind) {
      case ReadEntry.Nonce:
      case ReadEntry.Balance:
      case ReadEntry.Code:
      case ReadEntry.Exists:
        versions.field(rec, kind as number as Field, j, out);
        break;
      case ReadEntry.Slot:
        versions.slot(rec, i32[at + 4]!, j, out, null);
        break;
      case ReadEntry.AccountBase:
        for (const field of ACCOUNT_FIELDS) {
          versions.field(rec, field, j, out);
          if (out.kind !== ReadKind.Base) return false;
        }
        return true;
      case ReadEntry.HasStorage: {
        const answer = versions.hasStorage(rec, j, out);
        return out.kind !== ReadKind.Dependency && answer === inc && answer !== StorageAnswer.Unknown;
      }
      case ReadEntry.Coinbase: {
        const snap = this.heap.alloc(SNAPSHOT_WORDS);
        if (versions.coinbase(rec, j, snap, out) !== BASE_TXN) return false;
        for (let w = 0; w < SNAPSHOT_COMPARED; w++) if (i32[snap + w] !== i32[txn + w]) return false;
        return true;
      }
    }
    return out.kind !== ReadKind.Dependency && out.txn === txn && out.incarnation === inc;
  }

  /**
   * Publishes an execution (its `outputLen`-byte output still in the core): versions, write set,
   * read set, output. True if it wrote a location its previous incarnation did not.
   */
  private record(j: TxnIndex, incarnation: number, outputLen: number, defer: boolean): boolean {
    const { i32, heap, sched } = this;
    const t = sched.entry(j);
    const output = heap.allocRaw((outputLen + 3) >> 2) * 4;
    this.core.copyOutput(heap.whole, output, outputLen);
    this.writes.length = 0;
    const storageless = this.deriveWrites(j, incarnation, output);
    this.publishWrites();

    // Drop the previous incarnation's writes to locations this one did not write. Write sets
    // are a handful of entries, so plain scans beat building sets.
    const writes = this.writes;
    const prev = i32[t + Txn.WRITES]!;
    let wroteNew = prev === 0 && writes.length > 0;
    if (prev !== 0) {
      const n = i32[prev]!;
      for (let k = 0; k < n; k++) {
        const rec = i32[prev + 1 + k * WRITE_WORDS]!;
        const field = i32[prev + 2 + k * WRITE_WORDS]! as Field;
        let kept = false;
        for (let w = 0; w < writes.length && !kept; w += 3) kept = writes[w] === rec && writes[w + 1] === field;
        if (!kept) {
          this.mv.lock(rec);
          this.mv.remove(rec, field, j);
          this.mv.unlock(rec);
        }
      }
      for (let w = 0; w < writes.length && !wroteNew; w += 3) {
        let old = false;
        for (let k = 0; k < n && !old; k++) old = i32[prev + 1 + k * WRITE_WORDS] === writes[w] && i32[prev + 2 + k * WRITE_WORDS] === writes[w + 1];
        wroteNew = !old;
      }
    }

    const ws = heap.allocRaw(1 + writes.length);
    i32[ws] = writes.length / 3;
    for (let k = 0; k < writes.length; k++) i32[ws + 1 + k] = writes[k]!;
    const { reads, readWords } = this.host;
    const rs = heap.allocRaw(1 + readWords);
    i32[rs] = readWords / READ_WORDS;
    for (let k = 0; k < readWords; k++) i32[rs + 1 + k] = reads[k]!;
    i32[t + Txn.NEIGHBOUR] = this.readsNeighbour(j, t, reads, readWords);
    i32[t + Txn.OUTPUT] = output;
    i32[t + Txn.OUTPUT_DEFERRED] = defer ? 1 : 0;
    i32[t + Txn.STORAGELESS] = storageless;
    i32[t + Txn.WRITES] = ws;
    i32[t + Txn.READS] = rs;
    return wroteNew;
  }

  /** Txn.NEIGHBOUR of transaction `j` (table entry `t`) for the read set `reads`. */
  private readsNeighbour(j: TxnIndex, t: number, reads: Int32Array, readWords: number): number {
    const near = j - this.i32[Control.THREADS]!;
    const prev = this.i32[t + Txn.PREV_SAME_SENDER]! - 1;
    if (prev >= 0 && prev >= near) return 1;
    for (let k = 0; k < readWords; k += READ_WORDS) {
      const kind = reads[k + 1]!;
      if (kind !== ReadEntry.Coinbase && kind !== ReadEntry.HasStorage && reads[k + 2]! >= near) return 1;
    }
    return 0;
  }

  /**
   * Walks the core's output (abi.ts's layout), as copied into the heap at byte `at`, and writes
   * every field the core flags as changed. Values are copied by offset: no views or copies per
   * field, and no DataView per execution (the heap's own serves). Returns Txn.STORAGELESS.
   */
  private deriveWrites(j: TxnIndex, inc: number, at: number): number {
    const { i32, u8, mv, host } = this;
    const view = this.heap.view;
    let storageless = 0;
    let p = outputAccountsAt(u8, view, at);
    for (let n = view.getUint32(p, true), i = ((p += 4), 0); i < n; i++) {
      const addressAt = p;
      const flags = u8[p + OutAccount.FLAGS]!;
      const nonceAt = p + OutAccount.NONCE;
      const balanceAt = p + OutAccount.BALANCE;
      const hashAt = p + OutAccount.CODE_HASH;
      const codeLen = view.getUint32(p + OutAccount.CODE_LEN, true);
      p += OutAccount.SIZE;
      const codeAt = flags & ACCOUNT_CODE_CHANGED ? p : -1;
      if (codeAt >= 0) p += codeLen;
      // Every account the core changes it read first.
      const seen = host.observedFor(u8, addressAt);
      if (seen === undefined) throw new Error(`core changed account ${Buffer.from(u8.subarray(addressAt, addressAt + 20)).toString("hex")} without reading it`);
      const base = i32[seen.rec + Acct.BASE_FLAGS]!;
      if (i < 31 && baseStorageless(base, i32[seen.rec + Acct.BASE_SLOT_COUNT]!)) storageless |= 1 << i;
      const nSlots = view.getUint32(p, true);
      p += 4;
      if (flags & ACCOUNT_DELETED) {
        this.writeDeletion(j, inc, seen);
        p += 64 * nSlots;
        continue;
      }
      const rec = seen.rec;
      if (!seen.exists) this.put(rec, Field.Exists, j, inc, 0, null, 0, 0, 1);
      if (flags & ACCOUNT_NONCE_CHANGED) this.put(rec, Field.Nonce, j, inc, 0, u8, nonceAt, 8, 0);
      if (flags & ACCOUNT_BALANCE_CHANGED) this.put(rec, Field.Balance, j, inc, 0, u8, balanceAt, 32, 0);
      if (flags & ACCOUNT_CODE_HASH_CHANGED) {
        const at = codeAt >= 0 && codeLen > 0 ? this.heap.storeBytes(u8.subarray(codeAt, codeAt + codeLen)) : 0;
        this.put(rec, Field.Code, j, inc, 0, u8, hashAt, 32, 0, at, codeAt >= 0 ? codeLen : 0);
      }
      let delta = 0;
      for (let s = 0; s < nSlots; s++, p += 64) {
        const k = this.slotRead(rec, p);
        const slotRec = k >= 0 ? host.reads[k]! : mv.slot(u8, u8, addressAt, p);
        this.put(slotRec, Field.Slot, j, inc, 0, u8, p + 32, 32, 0);
        delta += (isZeroAt(u8, p + 32, 32) ? 0 : 1) - (k >= 0 ? host.readNonZero[k / READ_WORDS]! : 0);
      }
      // Slot counts are read only as the storage emptiness of an account without code (mv-host.ts
      // readAccount; mv-reads.ts coinbase), and an account with code before this transaction keeps
      // it for the rest of the batch (Cancun: SELFDESTRUCT deletes only a contract created in the
      // same transaction, EIP-6780): its count is never read, and a busy token's transfers need not
      // all write one location. Paired runs, ERC-20 transfers: -1.2% to +3.0%, median +1.7% of nine.
      if (delta !== 0 && seen.codeLen === 0) this.put(rec, Field.SlotCount, j, inc, VersionFlags.Delta, null, 0, 0, delta);
    }
    return storageless;
  }

  /**
   * The first read entry (its word in the read set) of the slot whose key is at byte `keyAt` of
   * the heap, of the account record `account`, if this execution read it (SSTORE reads the slot
   * first, except in an account created by the transaction): a scan of the few reads beats
   * hashing into the store's table. -1 when not found.
   */
  private slotRead(account: number, keyAt: number): number {
    const { reads, readWords } = this.host;
    for (let k = 0; k < readWords; k += READ_WORDS) {
      if (reads[k + 1] !== ReadEntry.Slot || reads[k + 4] !== account) continue;
      if (this.heapEqual((reads[k]! + SlotRec.KEY) * 4, keyAt, 32)) return k;
    }
    return -1;
  }

  /**
   * Whether the `n` bytes (a multiple of 4) at byte offsets `a` and `b` of the heap are equal: a
   * word at a time (the core's output packs its fields, so they are not aligned for an Int32Array).
   */
  private heapEqual(a: number, b: number, n: number): boolean {
    const view = this.heap.view;
    for (let i = 0; i < n; i += 4) if (view.getInt32(a + i) !== view.getInt32(b + i)) return false;
    return true;
  }

  /** An account that existed is gone: every field zero, storage void (slot reads see the deletion). */
  private writeDeletion(j: TxnIndex, inc: number, seen: Observed): void {
    if (!seen.exists) return;
    const { rec, nonceAt, balanceAt, codeHashAt } = seen;
    const u8 = this.u8;
    this.put(rec, Field.Exists, j, inc, 0, null, 0, 0, 0);
    if (!isZeroAt(u8, nonceAt, 8)) this.put(rec, Field.Nonce, j, inc, 0, null, 0, 0, 0);
    if (!isZeroAt(u8, balanceAt, 32)) this.put(rec, Field.Balance, j, inc, 0, null, 0, 0, 0);
    if (!bytesEqualAt(EMPTY_CODE_HASH, 0, u8, codeHashAt, 32)) this.put(rec, Field.Code, j, inc, 0, EMPTY_CODE_HASH, 0, 32, 0);
    if (seen.hasStorage) this.put(rec, Field.SlotCount, j, inc, 0, null, 0, 0, 0);
  }

  /**
   * Links the versions put() made into their lists, under one lock per record: an account's
   * fields are consecutive in the write set (deriveWrites).
   */
  private publishWrites(): void {
    const { mv, writes } = this;
    for (let w = 0; w < writes.length; ) {
      const rec = writes[w]!;
      mv.lock(rec);
      for (; w < writes.length && writes[w] === rec; w += 3) mv.publish(rec, writes[w + 1]! as Field, writes[w + 2]!);
      mv.unlock(rec);
    }
  }

  /**
   * Makes one version for publishWrites: `len` value bytes (a multiple of 4) from `src` at `at`,
   * zero beyond them, or `word` in the value's first word and zero beyond it.
   */
  private put(
    rec: number,
    field: Field,
    j: TxnIndex,
    inc: number,
    flags: number,
    src: Uint8Array | null,
    at: number,
    len: number,
    word: number,
    codePtr = 0,
    codeLen = 0,
  ): void {
    const i32 = this.i32;
    const e = this.mv.newEntry(j, inc, flags);
    const to = (e + Ver.VALUE) * 4;
    if (src === this.u8) {
      const view = this.heap.view;
      for (let i = 0; i < len; i += 4) view.setInt32(to + i, view.getInt32(at + i));
    } else if (src !== null) {
      const u8 = this.u8;
      for (let i = 0; i < len; i++) u8[to + i] = src[at + i]!;
    } else {
      i32[e + Ver.VALUE] = word;
      len = 4;
    }
    for (let w = e + Ver.VALUE + (len >> 2); w < e + Ver.VALUE + 8; w++) i32[w] = 0;
    i32[e + Ver.CODE_PTR] = codePtr;
    i32[e + Ver.CODE_LEN] = codeLen;
    this.writes.push(rec, field, e);
  }
}
