// Where workers get the pre-batch state for locations no transaction of the batch wrote yet.
// Two sources, chosen per batch by the main thread:
//   - LmdbBaseReader: the worker reads the chain's LMDB environment itself (read-only, its own
//     read transaction). Valid only when the batch's pre-state is entirely committed to LMDB,
//     which the caller vouches for; about a microsecond per read and fully parallel.
//   - MailboxBaseReader: the worker asks the main thread, which reads its HostState (any
//     state at all, uncommitted overlays included); a few microseconds per read, serialised
//     on the main thread.
// Whatever the source, the value lands in the record's base words, shared by all workers.
import { open, type Database, type RootDatabase } from "lmdb";
import { writeWord } from "../exec/abi";
import { recordLayout } from "../state/account-record";
import { idKey } from "../state/byte-keys";
import { EMPTY_CODE_HASH } from "../trie/index";
import { Control } from "./control-layout";
import type { SharedHeap } from "./heap";
import { Mailbox, MailboxOp, MailboxState } from "./mailbox-layout";
import { Acct, BaseFlags, Rec, SlotRec } from "./mv-layout";
import { PendingSet } from "./pending-changes";
import { RowCache } from "./row-cache";
import { wakeSleepers } from "./scheduler";

/** Pre-batch reads a worker needs; the `load*` methods fill a record's base value words. */
export interface BaseReader {
  /** Called at the start of every batch (e.g. to see LMDB's latest commit). */
  beginBatch(): void;
  /** Fills the account's base words except BASE_FLAGS, and returns its BaseFlags (without Exists: no account). */
  loadAccount(address: Uint8Array, rec: number): number;
  /** Fills the slot's base value words; returns its BaseFlags beyond Loaded (FromDisk or 0). */
  loadSlot(address: Uint8Array, key: Uint8Array, rec: number): number;
  /** Code of `address`, whose pre-batch code hash is `codeHash` (not the empty one). */
  code(address: Uint8Array, codeHash: Uint8Array): Uint8Array;
  blockHash(n: bigint): Uint8Array | undefined;
}

/** How workers open the chain's LMDB environment (the path of `<datadir>/chain`). */
export interface LmdbBaseConfig {
  path: string;
}

const EMPTY = new Uint8Array(0);


export class LmdbBaseReader implements BaseReader {
  private readonly root: RootDatabase<Uint8Array, Uint8Array>;
  private readonly accounts: Database<Uint8Array, Uint8Array>;
  private readonly storage: Database<Uint8Array, Uint8Array>;
  private readonly codes: Database<Uint8Array, Uint8Array>;
  /**
   * What was read from LMDB, kept while LMDB_VERSION stays the same: the same accounts and
   * slots come back batch after batch, and a cache hit costs a fraction of an LMDB read. The
   * main thread's StateDb keeps its disk reads on the same terms. Accounts are kept as the
   * record's base words already decoded (BASE_IMAGE_WORDS, then the BaseFlags; 0: no account),
   * slots as their 8 base value words (zero when absent), so a hit is a copy of words.
   */
  private readonly accountRows = new RowCache(5, BASE_IMAGE_WORDS + 1, ROW_CACHE_LIMIT);
  /** Keyed by address then slot, as the store's slot records are (and LMDB's storage rows). */
  private readonly slotRows = new RowCache(13, 8, ROW_CACHE_LIMIT);
  private readonly slotKey = new Uint8Array(52);
  private version = -1;

  constructor(
    private readonly heap: SharedHeap,
    config: LmdbBaseConfig,
    /** Block hashes are not state: they still come from the main thread. */
    private readonly fallback: BaseReader,
    private readonly codeCache: Map<string, Uint8Array>,
  ) {
    this.root = open<Uint8Array, Uint8Array>({ path: config.path, readOnly: true, keyEncoding: "binary", encoding: "binary", maxDbs: 32 });
    const db = (name: string) => this.root.openDB<Uint8Array, Uint8Array>({ name, keyEncoding: "binary", encoding: "binary" });
    this.accounts = db("accounts");
    this.storage = db("storage");
    this.codes = db("code");
  }

  close(): void {
    void this.root.close();
  }

  beginBatch(): void {
    this.root.resetReadTxn();
    const version = this.heap.i32[Control.LMDB_VERSION]!;
    if (version === -1 || version !== this.version) {
      this.accountRows.clear();
      this.slotRows.clear();
    }
    this.version = version;
  }

  loadAccount(address: Uint8Array, rec: number): number {
    const i32 = this.heap.i32;
    const at = rec + BASE_IMAGE_AT;
    const rows = this.accountRows;
    let e = rows.find(i32, rec + Rec.ADDRESS, i32[rec + Rec.HASH]!);
    if (e < 0) {
      const raw = this.accounts.getBinary(address);
      const flags = raw === undefined ? 0 : this.decodeRecord(address, raw, rec);
      e = rows.add(i32, rec + Rec.ADDRESS, i32[rec + Rec.HASH]!);
      const image = rows.values;
      const w0 = e * rows.valueWords;
      for (let w = 0; w < BASE_IMAGE_WORDS; w++) image[w0 + w] = i32[at + w]!;
      image[w0 + BASE_IMAGE_WORDS] = flags;
      if (raw !== undefined) {
        i32[rec + Acct.DISK_ROW] = this.heap.storeBytes(raw);
        i32[rec + Acct.DISK_ROW_LEN] = raw.length;
      }
      return flags | BaseFlags.FromDisk;
    }
    const image = rows.values;
    const w0 = e * rows.valueWords;
    const flags = image[w0 + BASE_IMAGE_WORDS]!;
    if (flags !== 0) for (let w = 0; w < BASE_IMAGE_WORDS; w++) i32[at + w] = image[w0 + w]!;
    return flags;
  }

  /** Writes an LMDB account record into the record's base words byte by byte: no bigints. */
  private decodeRecord(address: Uint8Array, raw: Uint8Array, rec: number): number {
    const { i32, u8 } = this.heap;
    const l = recordLayout(raw);
    if (typeof l === "string") throw new Error(`corrupt account record ${Buffer.from(address).toString("hex")}: ${l}`);
    const nonceAt = (rec + Acct.BASE_NONCE) * 4; // u64 little-endian
    for (let i = 0; i < l.nonceLen; i++) u8[nonceAt + i] = raw[l.nonceAt + l.nonceLen - 1 - i]!;
    u8.set(raw.subarray(l.balanceAt, l.balanceAt + l.balanceLen), (rec + Acct.BASE_BALANCE) * 4 + 32 - l.balanceLen);
    const hashAt = (rec + Acct.BASE_CODE_HASH) * 4;
    if (l.codeHashAt < 0) {
      u8.set(EMPTY_CODE_HASH, hashAt);
    } else {
      const codeHash = raw.subarray(l.codeHashAt, l.codeHashAt + 32);
      u8.set(codeHash, hashAt);
      i32[rec + Acct.BASE_CODE_SIZE] = this.code(address, codeHash).length;
    }
    i32[rec + Acct.BASE_SLOT_COUNT] = l.slotCount;
    return BaseFlags.Exists | BaseFlags.SlotCountKnown | (l.slotCount > 0 ? BaseFlags.HasStorage : 0);
  }

  loadSlot(address: Uint8Array, key: Uint8Array, rec: number): number {
    const { i32, u8 } = this.heap;
    const at = rec + SlotRec.BASE_VALUE;
    const rows = this.slotRows;
    // The record's address and key words are contiguous: the row cache's key.
    let e = rows.find(i32, rec + Rec.ADDRESS, i32[rec + Rec.HASH]!);
    if (e < 0) {
      const k = this.slotKey;
      k.set(address, 0);
      k.set(key, 20);
      const v = this.storage.getBinary(k); // the row key: address ‖ slot
      if (v !== undefined && v.length !== 0) u8.set(v, at * 4 + 32 - v.length);
      e = rows.add(i32, rec + Rec.ADDRESS, i32[rec + Rec.HASH]!);
      const words = rows.values;
      for (let w = 0; w < 8; w++) words[e * 8 + w] = i32[at + w]!;
      return BaseFlags.FromDisk;
    }
    const words = rows.values;
    for (let w = 0; w < 8; w++) i32[at + w] = words[e * 8 + w]!;
    return 0;
  }

  code(address: Uint8Array, codeHash: Uint8Array): Uint8Array {
    const k = idKey(codeHash);
    let c = this.codeCache.get(k);
    if (c === undefined) {
      c = this.codes.getBinary(codeHash) ?? EMPTY;
      this.codeCache.set(k, c);
    }
    return c;
  }

  blockHash(n: bigint): Uint8Array | undefined {
    return this.fallback.blockHash(n);
  }
}

/** An account record's base words after BASE_FLAGS: slot count, nonce, balance, code hash, code size. */
const BASE_IMAGE_AT = Acct.BASE_SLOT_COUNT;
const BASE_IMAGE_WORDS = Acct.BASE_CODE_SIZE + 1 - Acct.BASE_SLOT_COUNT;

/**
 * LMDB for everything but what commits still being written change (LmdbUse.ExceptPending),
 * which comes from the main thread: the rest reads the same from LMDB whether those commits
 * have landed or not.
 */
export class ExceptPendingReader implements BaseReader {
  private readonly pending: PendingSet;

  constructor(
    heap: SharedHeap,
    private readonly lmdb: BaseReader,
    private readonly main: BaseReader,
  ) {
    this.pending = new PendingSet(heap);
  }

  beginBatch(): void {
    this.pending.beginBatch();
    this.lmdb.beginBatch();
    this.main.beginBatch();
  }

  loadAccount(address: Uint8Array, rec: number): number {
    return (this.pending.hasAccount(address) ? this.main : this.lmdb).loadAccount(address, rec);
  }

  loadSlot(address: Uint8Array, key: Uint8Array, rec: number): number {
    return (this.pending.hasSlot(address, key) ? this.main : this.lmdb).loadSlot(address, key, rec);
  }

  code(address: Uint8Array, codeHash: Uint8Array): Uint8Array {
    return (this.pending.hasAccount(address) ? this.main : this.lmdb).code(address, codeHash);
  }

  blockHash(n: bigint): Uint8Array | undefined {
    return this.main.blockHash(n);
  }
}

/** Polls of STATE before a worker waiting for an answer sleeps (some microseconds). */
const ASK_SPINS = 20_000;

/** Accounts, and slots, a thread keeps from LMDB before starting over. */
const ROW_CACHE_LIMIT = 1 << 17;

/** Worker side of the mailbox: blocks until the main thread answers. */
export class MailboxBaseReader implements BaseReader {
  private readonly mb: Int32Array;
  private readonly mbBytes: Uint8Array;

  constructor(
    private readonly heap: SharedHeap,
    mailbox: SharedArrayBuffer,
    private readonly codeCache: Map<string, Uint8Array>,
  ) {
    this.mb = new Int32Array(mailbox);
    this.mbBytes = new Uint8Array(mailbox);
  }

  beginBatch(): void {}

  private ask(op: MailboxOp): void {
    const mb = this.mb;
    mb[Mailbox.OP] = op;
    Atomics.store(mb, Mailbox.STATE, MailboxState.Request);
    // The main thread polls the mailboxes between its steps, and sleeps on WAKE only when it
    // has nothing to do.
    wakeSleepers(this.heap.i32);
    // An answer usually takes a few microseconds: spin first, as a futex sleep and wake-up
    // costs more than that.
    for (let spins = 0; spins < ASK_SPINS; spins++) if (Atomics.load(mb, Mailbox.STATE) === MailboxState.Response) break;
    while (Atomics.load(mb, Mailbox.STATE) !== MailboxState.Response) {
      Atomics.store(mb, Mailbox.SLEEPING, 1);
      Atomics.wait(mb, Mailbox.STATE, MailboxState.Request, 1000);
      Atomics.store(mb, Mailbox.SLEEPING, 0);
    }
    Atomics.store(mb, Mailbox.STATE, MailboxState.Idle);
  }

  loadAccount(address: Uint8Array, rec: number): number {
    const { i32, u8 } = this.heap;
    const mb = this.mb;
    this.mbBytes.set(address, Mailbox.ADDRESS * 4);
    this.ask(MailboxOp.Account);
    if (mb[Mailbox.FOUND] === 0) return 0;
    const slotCount = mb[Mailbox.SLOT_COUNT]!;
    u8.set(this.mbBytes.subarray(Mailbox.NONCE * 4, Mailbox.NONCE * 4 + 8), (rec + Acct.BASE_NONCE) * 4);
    u8.set(this.mbBytes.subarray(Mailbox.BALANCE * 4, Mailbox.BALANCE * 4 + 32), (rec + Acct.BASE_BALANCE) * 4);
    u8.set(this.mbBytes.subarray(Mailbox.WORD * 4, Mailbox.WORD * 4 + 32), (rec + Acct.BASE_CODE_HASH) * 4);
    i32[rec + Acct.BASE_CODE_SIZE] = mb[Mailbox.CODE_SIZE]!;
    i32[rec + Acct.BASE_SLOT_COUNT] = Math.max(slotCount, 0);
    return (
      BaseFlags.Exists | (mb[Mailbox.HAS_STORAGE] ? BaseFlags.HasStorage : 0) | (slotCount >= 0 ? BaseFlags.SlotCountKnown : 0)
    );
  }

  loadSlot(address: Uint8Array, key: Uint8Array, rec: number): number {
    this.mbBytes.set(address, Mailbox.ADDRESS * 4);
    this.mbBytes.set(key, Mailbox.KEY * 4);
    this.ask(MailboxOp.Slot);
    this.heap.u8.set(this.mbBytes.subarray(Mailbox.WORD * 4, Mailbox.WORD * 4 + 32), (rec + SlotRec.BASE_VALUE) * 4);
    return 0;
  }

  code(address: Uint8Array, codeHash: Uint8Array): Uint8Array {
    const k = idKey(codeHash);
    let c = this.codeCache.get(k);
    if (c === undefined) {
      this.mbBytes.set(address, Mailbox.ADDRESS * 4);
      this.ask(MailboxOp.Code);
      const at = this.mb[Mailbox.CODE_PTR]!;
      c = this.heap.u8.slice(at, at + this.mb[Mailbox.CODE_LEN]!);
      this.codeCache.set(k, c);
    }
    return c;
  }

  blockHash(n: bigint): Uint8Array | undefined {
    new DataView(this.mbBytes.buffer).setBigUint64(Mailbox.NUMBER * 4, n, true);
    this.ask(MailboxOp.BlockHash);
    return this.mb[Mailbox.FOUND] ? this.mbBytes.slice(Mailbox.WORD * 4, Mailbox.WORD * 4 + 32) : undefined;
  }
}

/** What the main thread answers from: the batch's state. */
export interface MailboxHost {
  /** The account; `slotCount` when the same read gives it (else slotCount() is asked). */
  account(address: Uint8Array): { nonce: bigint; balance: bigint; codeHash: Uint8Array; code: Uint8Array; hasStorage: boolean; slotCount?: number } | undefined;
  storage(address: Uint8Array, key: Uint8Array, out: Uint8Array): void;
  blockHash(n: bigint): Uint8Array | undefined;
  slotCount?(address: Uint8Array): number | undefined;
}

/** Main side: answers one pending request in `mailbox`, if any. */
export function serveMailbox(mailbox: SharedArrayBuffer, heap: SharedHeap, host: MailboxHost): void {
  const mb = new Int32Array(mailbox);
  if (Atomics.load(mb, Mailbox.STATE) !== MailboxState.Request) return;
  const bytes = new Uint8Array(mailbox);
  const view = new DataView(mailbox);
  const address = bytes.slice(Mailbox.ADDRESS * 4, Mailbox.ADDRESS * 4 + 20);
  switch (mb[Mailbox.OP]) {
    case MailboxOp.Account: {
      const a = host.account(address);
      mb[Mailbox.FOUND] = a ? 1 : 0;
      if (a) {
        mb[Mailbox.HAS_STORAGE] = a.hasStorage ? 1 : 0;
        const count = a.slotCount ?? host.slotCount?.(address);
        mb[Mailbox.SLOT_COUNT] = count ?? (a.hasStorage ? -1 : 0);
        mb[Mailbox.CODE_SIZE] = a.code.length;
        view.setBigUint64(Mailbox.NONCE * 4, a.nonce, true);
        writeWord(view, Mailbox.BALANCE * 4, a.balance);
        bytes.set(a.codeHash, Mailbox.WORD * 4);
      }
      break;
    }
    case MailboxOp.Slot: {
      const out = bytes.subarray(Mailbox.WORD * 4, Mailbox.WORD * 4 + 32);
      out.fill(0);
      host.storage(address, bytes.slice(Mailbox.KEY * 4, Mailbox.KEY * 4 + 32), out);
      break;
    }
    case MailboxOp.Code: {
      const code = host.account(address)?.code ?? EMPTY;
      mb[Mailbox.CODE_PTR] = 0;
      mb[Mailbox.CODE_LEN] = 0;
      try {
        mb[Mailbox.CODE_PTR] = code.length ? heap.storeBytes(code) : 0;
        mb[Mailbox.CODE_LEN] = code.length;
      } catch {
        // Heap full: the batch is already marked failed; the worker gets no code and stops.
      }
      break;
    }
    case MailboxOp.BlockHash: {
      const h = host.blockHash(view.getBigUint64(Mailbox.NUMBER * 4, true));
      mb[Mailbox.FOUND] = h ? 1 : 0;
      if (h) bytes.set(h, Mailbox.WORD * 4);
      break;
    }
  }
  Atomics.store(mb, Mailbox.STATE, MailboxState.Response);
  if (Atomics.load(mb, Mailbox.SLEEPING) !== 0) Atomics.notify(mb, Mailbox.STATE);
}

/**
 * The main thread's own reads, straight from the batch's state. The main thread applies
 * committed transactions to that state while the batch runs, which is safe: a location a
 * committed transaction changed already has its base value in the store (its execution read
 * it; the coinbase, credited without being read, is loaded before the batch starts), and a
 * location loaded later was changed by no committed transaction, so the state still holds its
 * pre-batch value.
 */
export class HostBaseReader implements BaseReader {
  host: MailboxHost | null = null;

  constructor(
    private readonly heap: SharedHeap,
    private readonly codeCache: Map<string, Uint8Array>,
  ) {}

  beginBatch(): void {}

  loadAccount(address: Uint8Array, rec: number): number {
    const { i32, u8 } = this.heap;
    const host = this.host!;
    const a = host.account(address);
    if (a === undefined) return 0;
    const count = a.slotCount ?? host.slotCount?.(address) ?? (a.hasStorage ? -1 : 0);
    const view = this.heap.view;
    view.setBigUint64((rec + Acct.BASE_NONCE) * 4, a.nonce, true);
    writeWord(view, (rec + Acct.BASE_BALANCE) * 4, a.balance);
    u8.set(a.codeHash, (rec + Acct.BASE_CODE_HASH) * 4);
    i32[rec + Acct.BASE_CODE_SIZE] = a.code.length;
    i32[rec + Acct.BASE_SLOT_COUNT] = Math.max(count, 0);
    if (a.code.length !== 0) {
      const k = idKey(a.codeHash);
      if (!this.codeCache.has(k)) this.codeCache.set(k, a.code);
    }
    return BaseFlags.Exists | (a.hasStorage ? BaseFlags.HasStorage : 0) | (count >= 0 ? BaseFlags.SlotCountKnown : 0);
  }

  loadSlot(address: Uint8Array, key: Uint8Array, rec: number): number {
    const out = this.heap.u8.subarray((rec + SlotRec.BASE_VALUE) * 4, (rec + SlotRec.BASE_VALUE) * 4 + 32);
    out.fill(0);
    this.host!.storage(address, key, out);
    return 0;
  }

  code(address: Uint8Array, codeHash: Uint8Array): Uint8Array {
    const k = idKey(codeHash);
    let c = this.codeCache.get(k);
    if (c === undefined) {
      c = this.host!.account(address)?.code ?? EMPTY;
      this.codeCache.set(k, c);
    }
    return c;
  }

  blockHash(n: bigint): Uint8Array | undefined {
    return this.host!.blockHash(n);
  }
}
