// Layout of the control block: the first CONTROL_WORDS 32-bit words of the shared heap
// (an Int32Array over one SharedArrayBuffer that the main thread and every worker map).
//
// Words that every worker hammers with Atomics (the two Block-STM indexes, the active-task
// count, the bump allocator, the wake-up futex) each sit alone on a 64-byte cache line, so
// that an increment by one core does not invalidate the line another core is spinning on.
// The rest is written by the main thread before a batch starts and only read during it.

/** Words per cache line (64 bytes). */
const LINE = 16;

export const Control = {
  /** Block-STM execution_idx: the next transaction index to hand out for execution. */
  EXEC_IDX: 0 * LINE,
  /** Block-STM validation_idx: the next transaction index to hand out for validation (Control.VALIDATING). */
  VAL_IDX: 1 * LINE,
  /** Bump pointer: word index of the first free word of the heap (Atomics.add to allocate). */
  ALLOC: 2 * LINE,
  /** Futex idle workers sleep on; bumped (and notified) whenever new work may have appeared. */
  WAKE: 3 * LINE,

  // ---- Line 4: batch outcome, written rarely ----
  /** 1 once the main thread has committed every transaction below LIMIT (or given up): workers leave. */
  DONE: 4 * LINE + 0,
  /**
   * Transactions [0, LIMIT) run in parallel. A worker that meets a case the parallel path does
   * not handle exactly (see FallbackReason) lowers it to that transaction's index; the main
   * thread then executes [LIMIT, n) serially after applying the parallel prefix.
   */
  LIMIT: 4 * LINE + 1,
  /** Why LIMIT was lowered (FallbackReason of the lowest transaction), 0 if it was not. */
  LIMIT_REASON: 4 * LINE + 2,
  /** Non-zero (a FailReason): the parallel attempt is void and the whole batch runs serially. */
  FAIL: 4 * LINE + 3,
  /** Workers that have left the batch loop (the main thread waits for all of them). */
  FINISHED: 4 * LINE + 4,
  /** 1: threads time their tasks and waits (ParallelExecutor.timeParts, BatchStats.parts). */
  TIME_PARTS: 4 * LINE + 5,
  /**
   * 1 once a thread has loaded a base value from LMDB in this batch (BaseFlags.FromDisk): only
   * then does the main thread look for rows to prime the state with (prime-state.ts), which
   * reads a word of every record written, each last written by whichever thread executed there.
   */
  FROM_DISK: 4 * LINE + 6,
  /** Byte offset of the batch's block environment (abi.ts encodeBlockEnv), which every input shares. */
  ENV_AT: 4 * LINE + 7,

  // ---- Line 5: batch geometry, written by the main thread before the batch ----
  /** Transactions in the batch. */
  N_TXNS: 5 * LINE + 0,
  /** Word index of the transaction table (TXN_WORDS words per transaction, txn-layout.ts). */
  TXN_TABLE: 5 * LINE + 1,
  /** Word index of the multi-version hash table (mv-layout.ts). */
  HASH_TABLE: 5 * LINE + 2,
  /** Hash table capacity minus one (capacity is a power of two). */
  HASH_MASK: 5 * LINE + 3,
  /** Size of the heap in words: allocations past it fail the batch (FailReason.HeapFull). */
  HEAP_WORDS: 5 * LINE + 4,
  /** Batch sequence number, for debugging and to tell batches apart in a worker. */
  GEN: 5 * LINE + 5,
  /** LmdbUse: how much of the pre-batch state workers read from LMDB themselves (base-reader.ts). */
  USE_LMDB: 5 * LINE + 6,
  /**
   * Identifies what LMDB holds when USE_LMDB is set (the state's commit count): workers keep
   * what they read from LMDB for as long as it stays the same. -1: keep nothing across batches.
   */
  LMDB_VERSION: 5 * LINE + 7,
  /** The block's coinbase, 20 bytes (5 words), whose tips the executor credits itself. */
  COINBASE: 5 * LINE + 8,
  /** Threads executing the batch (the main thread and the workers). */
  THREADS: 5 * LINE + 13,
  /** With LmdbUse.ExceptPending: the pending accounts' and slots' hash set (pending-changes.ts) and its mask. */
  PENDING_TABLE: 5 * LINE + 14,
  PENDING_MASK: 5 * LINE + 15,

  /** Records in the hash table; the batch fails (HeapFull) before the table is 3/4 full. */
  RECORDS: 6 * LINE,
  /**
   * The transaction the main thread sleeps until it is executed, plus one (0: not sleeping):
   * whoever finishes executing it wakes the main thread (WAKE), which commits it.
   */
  MAIN_WAIT: 7 * LINE,
  /**
   * Transactions whose inputs are laid out. The main thread writes them while the workers
   * already run the first ones; a worker handed a transaction past this waits for it.
   */
  LAID_OUT: 8 * LINE,
  /** Workers sleeping on LAID_OUT (registered before they check it, so none misses a notify). */
  LAID_OUT_WAITERS: 8 * LINE + 1,
  /**
   * 1 once validation tasks run (Block-STM's validation_idx moves): the main thread turns them
   * on when commits start finding stale reads. Until then VAL_IDX stays at the batch's end.
   */
  VALIDATING: 9 * LINE,
  /** Threads sleeping on WAKE: a wake-up with none skips Atomics.notify (a lock in the engine). */
  SLEEPERS: 10 * LINE,
} as const;

/** Size of the control block in words; the heap's allocations start after it. */
export const CONTROL_WORDS = 11 * LINE;

/** Why the main thread must run the rest of a batch serially (Control.LIMIT_REASON). */
export const enum FallbackReason {
  None = 0,
  /** A transaction may have cleared a contract's last storage slot, and the base state cannot count slots. */
  SlotCountUnknown = 1,
  /** Most transactions read what the one just before them wrote: a chain, faster run serially. */
  Chain = 2,
}

/** Why a parallel attempt was abandoned altogether (Control.FAIL). */
export const enum FailReason {
  None = 0,
  /** The shared heap is full: the rest of the batch runs serially, the next gets a bigger heap. */
  HeapFull = 1,
  /** A worker threw; the message is in its finish report. */
  WorkerError = 2,
  /**
   * Nothing moved for ParallelExecutorOptions.stallTimeoutMs while the main thread waited on a
   * worker's transaction: the worker is taken for dead (terminated, replaced) and the rest of the
   * batch runs serially.
   */
  WorkerStalled = 3,
  /** The multi-version store's hash table is full: the rest runs serially, the next gets a bigger table. */
  TableFull = 4,
}

export const FALLBACK_NAMES: Record<number, string> = {
  [FallbackReason.None]: "",
  [FallbackReason.SlotCountUnknown]: "storage slot count unknown",
  [FallbackReason.Chain]: "transactions form a dependency chain",
};

export const FAIL_NAMES: Record<number, string> = {
  [FailReason.None]: "",
  [FailReason.HeapFull]: "shared heap full",
  [FailReason.WorkerError]: "worker error",
  [FailReason.WorkerStalled]: "a worker stopped responding",
  [FailReason.TableFull]: "multi-version hash table full",
};

/** Where workers get the pre-batch state (Control.USE_LMDB). */
export const enum LmdbUse {
  /** From the main thread, through their mailboxes. */
  None = 0,
  /** All from LMDB: the state has nothing LMDB does not. */
  All = 1,
  /** From LMDB but for the accounts of commits still being written, which the main thread serves. */
  ExceptPending = 2,
}
