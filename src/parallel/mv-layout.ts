// Layout of the multi-version store in the shared heap: an open-addressing hash table of
// records (one per account, one per storage slot), each holding the pre-batch value fetched
// on first use and, per field, a list of versions written by transactions of the batch.
// All offsets are in 32-bit words from the record's (or entry's) first word.
//
// Hash table (at Control.HASH_TABLE, HASH_MASK + 1 words): word i = word index of the
// record in bucket i, 0 when empty. Inserted by compare-and-swap, never removed during a
// batch; linear probing.

export const enum RecordKind {
  Account = 1,
  Slot = 2,
}

/** Words shared by both record kinds. */
export const Rec = {
  /** Spin lock (0 free, 1 held) serialising the writers of the record's version lists. */
  LOCK: 0,
  /** 32-bit hash of the key, compared before the key itself while probing. */
  HASH: 1,
  /** RecordKind. */
  KIND: 2,
  /** The account's address, 20 bytes (5 words). */
  ADDRESS: 3,
} as const;

/**
 * Account record. The account's state is versioned per field, so that a transaction that only
 * changes a contract's storage does not conflict with every reader of the contract's balance,
 * and a transfer that only changes balances does not conflict with readers of nonces.
 */
export const Acct = {
  /** BaseFlags of the pre-batch account. */
  BASE_FLAGS: 8,
  /** Pre-batch number of non-zero storage slots, when BaseFlags.SlotCountKnown. */
  BASE_SLOT_COUNT: 9,
  /** Pre-batch nonce, u64 little-endian (2 words). */
  BASE_NONCE: 10,
  /** Pre-batch balance, 32 bytes big-endian (8 words). */
  BASE_BALANCE: 12,
  /** Pre-batch code hash, 32 bytes (8 words). */
  BASE_CODE_HASH: 20,
  /** Pre-batch code size in bytes. */
  BASE_CODE_SIZE: 28,
  /** Heads of the version lists, one word per Field (Nonce..SlotCount): entry word index, 0 = none. */
  HEADS: 29,
  /** With BaseFlags.FromDisk: byte offset and length of a copy of the account's LMDB row in the heap (length 0: no row). */
  DISK_ROW: 34,
  DISK_ROW_LEN: 35,
} as const;
export const ACCOUNT_RECORD_WORDS = 36;

/** Slot record. */
export const SlotRec = {
  /** The slot's key, 32 bytes (8 words). */
  KEY: 8,
  /** BaseFlags.Loaded once BASE_VALUE holds the pre-batch value. */
  BASE_FLAGS: 16,
  /** Pre-batch value, 32 bytes big-endian (8 words). */
  BASE_VALUE: 17,
  /** Head of the version list. */
  HEAD: 25,
} as const;
export const SLOT_RECORD_WORDS = 28;

export const enum BaseFlags {
  /** The pre-batch value is in the record (fetched once per batch by whichever thread came first). */
  Loaded = 1,
  /** The account exists before the batch. */
  Exists = 2,
  /** The account has non-empty storage before the batch (EIP-7610). */
  HasStorage = 4,
  /** BASE_SLOT_COUNT is exact (else only HasStorage is known). */
  SlotCountKnown = 8,
  /** A thread is fetching the base value; others wait for Loaded. */
  Loading = 16,
  /** A thread sleeps until Loaded: the loader notifies (a notify costs even with no sleeper). */
  Waiting = 32,
  /**
   * The base value was read from LMDB in this batch (not from a row kept from an earlier one):
   * the main thread hands it to the state when it applies a write there (prime-state.ts
   * primeWrites), which then needs no LMDB read of its own. The main thread clears it.
   */
  FromDisk = 64,
}

/** Whether an account whose base value carries `flags` (BaseFlags) and `slotCount` has no storage before the batch. */
export function baseStorageless(flags: number, slotCount: number): boolean {
  return (flags & BaseFlags.Exists) === 0 || ((flags & BaseFlags.SlotCountKnown) !== 0 && slotCount === 0);
}

/** A versioned location within a record. */
export const enum Field {
  /** u64 little-endian in the value's first 8 bytes. */
  Nonce = 0,
  /** 32 bytes big-endian; DELTA entries (coinbase tips only) hold an amount to add. */
  Balance = 1,
  /** Code hash in the value; CODE_PTR/CODE_LEN locate the code bytes in the heap. */
  Code = 2,
  /** VALUE word 0: 1 exists, 0 deleted (a deletion also voids every older slot write). */
  Exists = 3,
  /** VALUE word 0: non-zero slot count (full entries) or its change (DELTA entries). */
  SlotCount = 4,
  /** A storage slot's 32-byte big-endian value (slot records). */
  Slot = 5,
}

/**
 * Version entry: one transaction's write of one field. Each list is sorted by TXN, highest
 * first; a transaction has at most one entry per list, replaced by a fresh one by its next
 * incarnation. Entries are immutable once linked (but for the ESTIMATE flag): readers walk the
 * lists without a lock; writers hold the record's lock (mv-store.ts).
 */
export const Ver = {
  /** Next (lower-txn) entry of the list, 0 = end. */
  NEXT: 0,
  /** Transaction that wrote it. */
  TXN: 1,
  /** Its incarnation. */
  INC: 2,
  /** VersionFlags; ESTIMATE is set with Atomics.or when the writer is aborted. */
  FLAGS: 3,
  /** The value, 32 bytes (8 words); meaning by Field. */
  VALUE: 4,
  /** Field.Code: byte offset of the code in the heap, and its length. */
  CODE_PTR: 12,
  CODE_LEN: 13,
} as const;
export const VERSION_WORDS = 16;

export const enum VersionFlags {
  /** The writer was aborted and will probably write here again: readers wait for it. */
  Estimate = 1,
  /** The value is an amount added to the field's previous value (coinbase tips, slot counts). */
  Delta = 2,
  /** A zero coinbase tip: the core would have touched the coinbase, deleting it if empty (EIP-161). */
  Touch = 4,
}
