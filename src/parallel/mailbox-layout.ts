// Layout of a worker's mailbox: a small SharedArrayBuffer (one per worker) through which the
// worker asks the main thread for pre-batch state it cannot read itself. The worker writes a
// request, posts a one-word wake-up message and sleeps on STATE; the main thread answers from
// its HostState and flips STATE. Each answer is also stored in the shared multi-version
// store, so a location crosses threads at most once per batch. 32-bit word indexes.

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
} as const;

export const MAILBOX_WORDS = 48;

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
