// Block-STM's collaborative scheduler (Gelashvili et al., 2022, section 4), run by every
// worker on the shared control block and transaction table: two indexes handed out with
// Atomics.add, status words moved by compare-and-swap, per-transaction dependency lists under
// spin locks. No thread owns the schedule and no message crosses threads per transaction.
//
// What makes the result serial is the main thread's check at commit (committed-writes.ts): a
// transaction is final only once every location it read still holds the version it read, with
// every lower transaction committed. Validation tasks only find stale reads earlier, so that
// the transactions re-execute in parallel rather than one by one at commit; they cost a
// validation or more per transaction, so they start only once commits find stale reads
// (startValidating). From then on, as in the paper, validation is redone for every higher
// transaction whenever a transaction is aborted or writes a location its previous incarnation
// did not (the two "decrease_validation_idx" calls).
import { Control } from "./control-layout";
import type { SharedHeap } from "./heap";
import { INC_SHIFT, STATUS_COMMITTED, Txn, TXN_WORDS, TxnStatus } from "./txn-layout";
import { type Incarnation, type Task, TaskKind, type TxnIndex } from "./types";

export class Scheduler {
  private readonly i32: Int32Array;
  private table = 0;

  constructor(readonly heap: SharedHeap) {
    this.i32 = heap.i32;
  }

  beginBatch(): void {
    this.table = this.i32[Control.TXN_TABLE]!;
  }

  /** Word index of `txn`'s entry in the transaction table. */
  entry(txn: TxnIndex): number {
    return this.table + txn * TXN_WORDS;
  }

  /** Read plainly (heap.ts): a stale, higher limit only lets a thread run a transaction the serial tail redoes. */
  get limit(): number {
    return this.i32[Control.LIMIT]!;
  }

  /** True once the batch is finished (done_marker) or abandoned. */
  get done(): boolean {
    return this.i32[Control.DONE]! !== 0 || this.i32[Control.FAIL]! !== 0;
  }

  /** An acquire load (heap.ts): callers go on to read the read set, write set or output it guards. */
  status(txn: TxnIndex): number {
    return Atomics.load(this.i32, this.entry(txn) + Txn.STATUS);
  }

  /** Wakes idle workers: new work may exist. */
  wake(): void {
    wakeSleepers(this.i32);
  }

  /** Sleeps until wake() or `ms`, spinning for the first `spinMs`. */
  idle(observedWake: number, ms: number, spinMs = 0): void {
    sleepOnWake(this.i32, observedWake, ms, spinMs);
  }

  /** True while either index is below the limit: a task may be handed out on the next try. */
  get hasWork(): boolean {
    const limit = this.limit;
    return this.i32[Control.EXEC_IDX]! < limit || this.i32[Control.VAL_IDX]! < limit;
  }

  get wakeCounter(): number {
    return Atomics.load(this.i32, Control.WAKE);
  }

  private lowerTo(word: number, target: number): void {
    for (let cur = this.i32[word]!; target < cur; ) {
      const seen = Atomics.compareExchange(this.i32, word, cur, target);
      if (seen === cur) break;
      cur = seen;
    }
    this.wake();
  }

  decreaseExecutionIdx(target: TxnIndex): void {
    this.lowerTo(Control.EXEC_IDX, target);
  }

  /** Revalidate from `target` on (a no-op until validation tasks are on). */
  decreaseValidationIdx(target: TxnIndex): void {
    if (this.validating) this.lowerTo(Control.VAL_IDX, target);
  }

  /** Whether validation tasks run (Control.VALIDATING). */
  get validating(): boolean {
    return this.i32[Control.VALIDATING]! !== 0;
  }

  /** Turns validation tasks on, starting at `from`. Main thread. */
  startValidating(from: TxnIndex): void {
    Atomics.store(this.i32, Control.VALIDATING, 1);
    this.lowerTo(Control.VAL_IDX, from);
  }

  /**
   * Gives up transactions [txn, ...) to the serial tail (a case the parallel path does not
   * cover exactly). Their tasks drain as out of range; lower transactions are unaffected.
   */
  lowerLimit(txn: TxnIndex, reason: number): void {
    for (let cur = this.i32[Control.LIMIT]!; txn < cur; ) {
      const seen = Atomics.compareExchange(this.i32, Control.LIMIT, cur, txn);
      if (seen === cur) {
        Atomics.store(this.i32, Control.LIMIT_REASON, reason);
        break;
      }
      cur = seen;
    }
    this.wake();
  }

  /** READY → EXECUTING for `txn`'s current incarnation. */
  private tryIncarnate(txn: TxnIndex, task: Task): boolean {
    if (txn >= this.limit) return false;
    const at = this.entry(txn) + Txn.STATUS;
    const s = this.i32[at]!;
    if ((s & 3) !== TxnStatus.Ready) return false;
    if (Atomics.compareExchange(this.i32, at, s, (s & ~3) | TxnStatus.Executing) !== s) return false;
    task.kind = TaskKind.Execute;
    task.txn = txn;
    task.incarnation = s >>> INC_SHIFT;
    return true;
  }

  private nextVersionToExecute(task: Task): boolean {
    const i32 = this.i32;
    if (i32[Control.EXEC_IDX]! >= this.limit) return false;
    return this.tryIncarnate(Atomics.add(i32, Control.EXEC_IDX, 1), task);
  }

  private nextVersionToValidate(task: Task): boolean {
    const i32 = this.i32;
    if (i32[Control.VAL_IDX]! >= this.limit) return false;
    const txn = Atomics.add(i32, Control.VAL_IDX, 1);
    if (txn < this.limit) {
      const s = this.status(txn);
      // A committed transaction is final: nothing to validate.
      if ((s & (3 | STATUS_COMMITTED)) === TxnStatus.Executed) {
        task.kind = TaskKind.Validate;
        task.txn = txn;
        task.incarnation = s >>> INC_SHIFT;
        return true;
      }
    }
    return false;
  }

  /** Block-STM next_task: validation first when it lags behind execution. */
  nextTask(task: Task): boolean {
    task.kind = TaskKind.None;
    if (this.i32[Control.VAL_IDX]! < this.i32[Control.EXEC_IDX]!) {
      return this.nextVersionToValidate(task);
    }
    return this.nextVersionToExecute(task);
  }

  /**
   * `txn` (executing) read an ESTIMATE written by `blocking`: park it until `blocking` finishes
   * executing. False when `blocking` already has (the caller re-executes at once).
   */
  addDependency(txn: TxnIndex, blocking: TxnIndex): boolean {
    const i32 = this.i32;
    const b = this.entry(blocking);
    this.heap.lock(b + Txn.DEP_LOCK);
    if ((i32[b + Txn.STATUS]! & 3) === TxnStatus.Executed) {
      this.heap.unlock(b + Txn.DEP_LOCK);
      return false;
    }
    const t = this.entry(txn);
    const s = i32[t + Txn.STATUS]!;
    Atomics.store(i32, t + Txn.STATUS, (s & ~3) | TxnStatus.Aborting);
    i32[t + Txn.DEP_NEXT] = i32[b + Txn.DEP_HEAD]!;
    i32[b + Txn.DEP_HEAD] = txn + 1;
    this.heap.unlock(b + Txn.DEP_LOCK);
    return true;
  }

  /** ABORTING → READY with the next incarnation. */
  private setReadyStatus(txn: TxnIndex): void {
    const at = this.entry(txn) + Txn.STATUS;
    const s = this.i32[at]!;
    Atomics.store(this.i32, at, (((s >>> INC_SHIFT) + 1) << INC_SHIFT) | TxnStatus.Ready);
  }

  /**
   * Execution of (`txn`, `incarnation`) is recorded: mark it EXECUTED, release the transactions
   * waiting for it, and schedule its validation. Returns true with a task to run next.
   */
  finishExecution(txn: TxnIndex, incarnation: Incarnation, wroteNewLocation: boolean, task: Task): boolean {
    const i32 = this.i32;
    const t = this.entry(txn);
    this.heap.lock(t + Txn.DEP_LOCK);
    Atomics.store(i32, t + Txn.STATUS, (incarnation << INC_SHIFT) | TxnStatus.Executed);
    let waiting = i32[t + Txn.DEP_HEAD]!;
    i32[t + Txn.DEP_HEAD] = 0;
    this.heap.unlock(t + Txn.DEP_LOCK);
    if (Atomics.load(i32, Control.MAIN_WAIT) === txn + 1) this.wake();
    if (waiting !== 0) {
      let lowest = Infinity;
      while (waiting !== 0) {
        const d = waiting - 1;
        waiting = i32[this.entry(d) + Txn.DEP_NEXT]!;
        this.setReadyStatus(d);
        if (d < lowest) lowest = d;
      }
      this.decreaseExecutionIdx(lowest);
    }
    if (this.validating && i32[Control.VAL_IDX]! > txn) {
      if (wroteNewLocation) {
        this.decreaseValidationIdx(txn);
      } else {
        task.kind = TaskKind.Validate;
        task.txn = txn;
        task.incarnation = incarnation;
        return true;
      }
    }
    task.kind = TaskKind.None;
    return false;
  }

  /** EXECUTED → ABORTING if (`txn`, `incarnation`) is still the current execution. */
  tryValidationAbort(txn: TxnIndex, incarnation: Incarnation): boolean {
    const at = this.entry(txn) + Txn.STATUS;
    const expected = (incarnation << INC_SHIFT) | TxnStatus.Executed;
    return Atomics.compareExchange(this.i32, at, expected, (incarnation << INC_SHIFT) | TxnStatus.Aborting) === expected;
  }

  /**
   * EXECUTED → EXECUTED | COMMITTED if (`txn`, `incarnation`) is still the current execution:
   * from then on no validation can abort it. Main thread only, in transaction order.
   */
  tryCommit(txn: TxnIndex, incarnation: Incarnation): boolean {
    const at = this.entry(txn) + Txn.STATUS;
    const expected = (incarnation << INC_SHIFT) | TxnStatus.Executed;
    return Atomics.compareExchange(this.i32, at, expected, expected | STATUS_COMMITTED) === expected;
  }

  /** After a validation: if it aborted, revalidate everything above and re-execute at once. */
  finishValidation(txn: TxnIndex, aborted: boolean, task: Task): boolean {
    task.kind = TaskKind.None;
    if (aborted) {
      this.setReadyStatus(txn);
      this.decreaseValidationIdx(txn + 1);
      if (this.i32[Control.EXEC_IDX]! > txn && this.tryIncarnate(txn, task)) return true;
    }
    return false;
  }
}

/**
 * Bumps WAKE and wakes the threads sleeping on it. A thread counts itself in SLEEPERS before
 * its wait checks WAKE, and the waker bumps WAKE before reading SLEEPERS, so either the waker
 * sees the sleeper and notifies, or the sleeper's wait sees WAKE moved and does not sleep.
 */
export function wakeSleepers(i32: Int32Array): void {
  Atomics.add(i32, Control.WAKE, 1);
  if (Atomics.load(i32, Control.SLEEPERS) !== 0) Atomics.notify(i32, Control.WAKE);
}

/** Sleeps on WAKE while it still reads `observedWake`, for at most `ms`, after spinning for up to `spinMs`. */
export function sleepOnWake(i32: Int32Array, observedWake: number, ms: number, spinMs = 0): void {
  sleepWhile(i32, Control.WAKE, Control.SLEEPERS, observedWake, ms, spinMs);
}

/**
 * Sleeps on word `at` while it reads `value`, for at most `ms`, after spinning for up to `spinMs`
 * (a futex wake-up took 40-200 us on the 2-core VM this was measured on: longer than most waits
 * within a batch). The sleeper counts itself in word `waiters` first, so a waker that finds none
 * skips Atomics.notify.
 */
export function sleepWhile(i32: Int32Array, at: number, waiters: number, value: number, ms: number, spinMs = 0): void {
  if (spinWhile(i32, at, value, spinMs)) return;
  Atomics.add(i32, waiters, 1);
  Atomics.wait(i32, at, value, ms);
  Atomics.sub(i32, waiters, 1);
}

/**
 * Spins while word `at` of `i32` reads `value`, for up to `ms` (0: not at all); true if it moved.
 * Before a futex wait, for waits shorter than a futex wake-up.
 */
export function spinWhile(i32: Int32Array, at: number, value: number, ms: number): boolean {
  if (ms <= 0) return false;
  for (const until = performance.now() + ms; Atomics.load(i32, at) === value; ) if (performance.now() > until) return false;
  return true;
}
