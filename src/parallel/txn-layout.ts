// Layout of the transaction table: TXN_WORDS 32-bit words per transaction, at
// Control.TXN_TABLE, plus the formats of the read and write sets those words point to.
// One entry is two 64-byte cache lines (the table is line-aligned), so workers updating
// neighbouring transactions' status words do not share lines.

export const TXN_WORDS = 32;

export const Txn = {
  /**
   * Status word: (incarnation << INC_SHIFT) | STATUS_COMMITTED? | TxnStatus. Changed only by
   * compare-and-swap, so the incarnation and the status always move together. Transitions
   * (Block-STM):
   *
   *   READY ──try_incarnate──▶ EXECUTING ──finish_execution──▶ EXECUTED
   *     ▲                          │                              │
   *     │ set_ready_status         │ add_dependency               │ try_validation_abort
   *     │ (incarnation + 1)        ▼                              ▼
   *     └──────────────────────  ABORTING ◀───────────────────────┘
   *
   * plus EXECUTED ──commit──▶ EXECUTED | STATUS_COMMITTED, set by the main thread once every
   * lower transaction is committed and this one's reads still hold: final, never aborted again
   * (a validation's abort compare-and-swap expects the word without the bit).
   */
  STATUS: 0,
  /** Spin lock (0 free, 1 held) guarding DEP_HEAD and the EXECUTED check of add_dependency. */
  DEP_LOCK: 1,
  /** First transaction waiting for this one to finish executing, plus one (0: none). */
  DEP_HEAD: 2,
  /** Next transaction in the waiting list this one is in, plus one (0: end). */
  DEP_NEXT: 3,
  /** Word index of the read set of the latest finished execution (0: none yet). */
  READS: 4,
  /** Word index of the write set of the latest finished execution (0: none yet). */
  WRITES: 5,
  /** Byte offset in the heap of the core's output of the latest finished execution. */
  OUTPUT: 6,
  /** The input's flags word (abi.ts inputFlags; the executing thread sets FLAG_DEFER_COINBASE as it runs). */
  INPUT_FLAGS: 7,
  /**
   * Byte offset of the input after its block environment (abi.ts encodeTxBody): every input's
   * environment is the batch's, at Control.ENV_AT.
   */
  INPUT: 8,
  /** Its length in bytes. */
  INPUT_LEN: 9,
  /** TxnFlags. */
  FLAGS: 10,
  /**
   * Of the latest execution's changed accounts (OUTPUT's order), bit i (i < 31) set when account
   * i has no storage in the pre-batch state (BatchState.apply's `storageless`, once the main
   * thread knows that state came from LMDB).
   */
  STORAGELESS: 11,
  /**
   * 1 when the latest execution read a write of one of the Control.THREADS transactions just
   * before this one, or follows one of them from the same sender: with that few threads, it
   * could not run alongside its predecessor (the main thread counts these to detect a chain).
   */
  NEIGHBOUR: 12,
  /** Executions started, all incarnations (statistics). */
  EXECUTIONS: 13,
  /** 1 when OUTPUT was produced with the coinbase credit deferred (its tip is still owed). */
  OUTPUT_DEFERRED: 14,
  /**
   * The previous transaction of the same sender in the batch, plus one (0: none). Its nonce
   * write is a dependency known in advance: this one waits for it instead of executing on a
   * stale nonce and failing validation (the main thread fills it in).
   */
  PREV_SAME_SENDER: 15,
} as const;

/** The incarnation sits above the two TxnStatus bits and the committed bit. */
export const INC_SHIFT = 3;
/** Set (with EXECUTED) once the main thread has committed the transaction's output. */
export const STATUS_COMMITTED = 4;

export const enum TxnStatus {
  Ready = 0,
  Executing = 1,
  Executed = 2,
  Aborting = 3,
}

export const enum TxnFlags {
  /**
   * The transaction reads the coinbase account itself (pays it, calls it, is sent by it, asks
   * its balance...), so it runs without the deferred tip credit and sees every earlier tip.
   * Sticky: set by the first execution that meets the coinbase.
   */
  ReadsCoinbase = 1,
  /**
   * The transaction runs without validation (TxInput.noValidation): its sender pays no fees, so
   * the coinbase is owed nothing, not even the touch of a zero tip. Set as it is laid out.
   */
  PaysNothing = 2,
}

/**
 * Read set (immutable once published in Txn.READS): word 0 = number of entries, then
 * READ_WORDS words per entry:
 *   [0] record: word index of the account or slot record read (mv-layout.ts)
 *   [1] ReadEntry kind
 *   [2] txn of the version read (BASE_TXN = -1: the pre-batch value); for Coinbase, the word
 *       index of the value snapshot (Snapshot below)
 *   [3] incarnation of the version read; for HasStorage, the boolean read (0/1)
 *   [4] Slot: the account's record (a deletion of the account decides slots too); else 0
 */
export const READ_WORDS = 5;

/**
 * The coinbase account as a transaction that reads it saw it (tips of every earlier
 * transaction included), compared word for word on validation. SNAPSHOT_COMPARED words are
 * compared; the code location follows.
 */
export const Snapshot = {
  /** 1 when the account exists. */
  EXISTS: 0,
  /** 1 when it has non-empty storage. */
  HAS_STORAGE: 1,
  /** Nonce, u64 little-endian (2 words). */
  NONCE: 2,
  /** Balance, 32 bytes big-endian (8 words). */
  BALANCE: 4,
  /** Code hash (8 words). */
  CODE_HASH: 12,
  /** Byte offset of the code in the heap (0 with CODE_LEN 0: the pre-batch code, read from the base). */
  CODE_PTR: 20,
  CODE_LEN: 21,
} as const;
export const SNAPSHOT_COMPARED = 20;
export const SNAPSHOT_WORDS = 24;

export const enum ReadEntry {
  Nonce = 0,
  Balance = 1,
  Code = 2,
  Exists = 3,
  /** The account's "has non-empty storage" flag, validated by value. */
  HasStorage = 4,
  /** A storage slot: the version is the slot write or the account deletion that decided it. */
  Slot = 5,
  /** The whole coinbase account (balance summed over deferred tips), validated by value. */
  Coinbase = 6,
  /**
   * Nonce, balance, code and existence all read the pre-batch value (no transaction below had
   * written them): one entry instead of four, for the common case of an untouched account.
   */
  AccountBase = 7,
}

/**
 * Write set (immutable once published in Txn.WRITES): word 0 = number of entries, then
 * WRITE_WORDS words per entry:
 *   [0] record written
 *   [1] field (mv-layout.ts Field)
 *   [2] word index of the version entry holding the value
 */
export const WRITE_WORDS = 3;
