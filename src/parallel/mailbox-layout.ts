// Layout of a worker's mailbox: a small SharedArrayBuffer (one per worker) through which the
// worker asks the main thread for pre-batch state it cannot read itself. The worker writes a
// request, wakes the main thread if it sleeps (Control.WAKE) and spins, then sleeps, on STATE;
// the main thread, which polls the mailboxes between its own steps all through a batch,
// answers from its HostState and flips STATE. Each answer is also stored in the shared multi-version
// store, so a location crosses threads at most once per batch. 32-bit word indexes.
//
// The same buffer carries the worker's doorbell: between batches a worker waits on DOORBELL
// for a while (Atomics.wait wakes in microseconds, a message takes a trip through the event
// loop), and reports each batch's counters and any error here rather than in a message.
import type { WorkerStats } from "./txn-executor";

export const Mailbox = {
  /** MailboxState, waited on with Atomics.wait by the worker. */
  STATE: 0,
  /** MailboxOp. */
  OP: 1,
  /** Request: the address, 20 bytes (5 words). */
  ADDRESS: 2,
  /** Request: slot key (Slot) or code hash (Code), 32 bytes (8 words). */
  KEY: 7,
  /** Request: block number (BlockHash), u64 little-endian (2 words). */
  NUMBER: 15,

  /** Response: 1 when the account / block hash exists. */
  FOUND: 20,
  /** Response (Account): 1 when the account has non-empty storage. */
  HAS_STORAGE: 21,
  /** Response (Account): number of non-zero slots, or -1 when the host cannot tell. */
  SLOT_COUNT: 22,
  /** Response (Account): code size in bytes. */
  CODE_SIZE: 23,
  /** Response (Account): nonce, u64 little-endian (2 words). */
  NONCE: 24,
  /** Response (Account): balance, 32 bytes big-endian (8 words). */
  BALANCE: 26,
  /** Response: code hash (Account), slot value (Slot) or block hash (BlockHash), 32 bytes. */
  WORD: 34,
  /** Response (Code): byte offset in the shared heap where the main thread stored the code, and its length. */
  CODE_PTR: 42,
  CODE_LEN: 43,
  /** 1 while the worker sleeps on STATE: only then does the answer need a notify. */
  SLEEPING: 44,
  /** Control.GEN of the last batch the worker finished (written before Control.FINISHED counts it). */
  FINISHED_GEN: 45,

  /** Doorbell state, waited on by a parked worker. */
  DOORBELL: 48,
  /** The worker's counters for the last batch (WorkerStats, in its field order). */
  STATS: 49,
  /** Length in bytes of the last batch's error message (0: none), then the UTF-8 bytes. */
  ERROR_LEN: 55,
  ERROR: 56,
} as const;

/** The order of WorkerStats' fields at Mailbox.STATS. */
export const STATS_FIELDS = ["executions", "validations", "validationAborts", "dependencyWaits", "taskUs", "waitUs"] as const satisfies readonly (keyof WorkerStats)[];

/** Bytes of an error message kept (the rest is cut). */
export const MAILBOX_ERROR_BYTES = 1024;
export const MAILBOX_WORDS = Mailbox.ERROR + MAILBOX_ERROR_BYTES / 4;

/** Where a worker is between batches. */
export const enum Doorbell {
  /** In its event loop: a batch starts with a "run" message. */
  Away = 0,
  /** Waiting on DOORBELL: a batch starts by ringing it (compare-exchange to Rung, notify). */
  Parked = 1,
  /** Rung, and not taken yet: the main thread may still withdraw the batch (back to Parked). */
  Rung = 2,
  /** The worker took the batch (from Rung): it reports when it leaves it. */
  Taken = 3,
}

export const enum MailboxState {
  Idle = 0,
  Request = 1,
  Response = 2,
}

export const enum MailboxOp {
  Account = 1,
  Slot = 2,
  Code = 3,
  BlockHash = 4,
}
