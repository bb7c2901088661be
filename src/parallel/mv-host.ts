// The HostState a worker's core runs against for one execution of one transaction: every
// account and slot the core asks for is resolved in the multi-version store (falling back to
// the pre-batch state), and every answer is recorded in the transaction's read set together
// with the version that decided it. A read that meets an ESTIMATE still answers (with the stale
// value) and notes the dependency: the core cannot be stopped mid-call, so the executor
// discards the run afterwards and parks the transaction until the blocking one re-executes.
import { bytesEqualAt, isZeroAt } from "../crypto/hex";
import { ACCOUNT_HAS_STORAGE, ACCOUNT_RECORD_SIZE, type HostAccount, type HostState } from "../exec/abi";
import { EMPTY_CODE_HASH } from "../trie/index";
import type { BaseReader } from "./base-reader";
import { RecMap } from "./rec-map";
import { Control, FallbackReason } from "./control-layout";
import type { SharedHeap } from "./heap";
import { Acct, BaseFlags, Field, Rec, SlotRec, Ver } from "./mv-layout";
import { StorageAnswer, type VersionedReads } from "./mv-reads";
import type { MvStore } from "./mv-store";
import { READ_WORDS, ReadEntry, Snapshot, SNAPSHOT_WORDS } from "./txn-layout";
import { BASE_TXN, ReadKind, ReadOutcome, type Incarnation, type TxnIndex } from "./types";

/**
 * An account as this execution first saw it: the "before" its writes are compared with. The
 * values stay where they were read in the shared heap (a version's or the base's words, or a
 * coinbase snapshot), which nothing overwrites during the batch; offsets are in bytes.
 */
export interface Observed {
  rec: number;
  exists: boolean;
  /** u64 little-endian. */
  nonceAt: number;
  /** 32 bytes big-endian. */
  balanceAt: number;
  codeHashAt: number;
  /** Where a transaction of the batch stored the code it deployed; -1: the pre-batch code. */
  codePtr: number;
  codeLen: number;
  hasStorage: boolean;
}

const EMPTY = new Uint8Array(0);

export class MvHost implements HostState {
  txn: TxnIndex = 0;
  incarnation: Incarnation = 0;
  /** The core runs with EVM_FLAG_DEFER_COINBASE. */
  defer = true;
  /** An earlier transaction whose ESTIMATE this run read (BASE_TXN: none). */
  blocking: TxnIndex = BASE_TXN;
  /** A deferred run asked for the coinbase: the transaction reads it and must run undeferred. */
  metCoinbase = false;
  fallback: FallbackReason = FallbackReason.None;
  /** The read set being built, READ_WORDS words per entry: `readWords` of them so far. */
  reads = new Int32Array(64 * READ_WORDS);
  readWords = 0;
  /** By account record. */
  private readonly observed = new RecMap<Observed>();
  /** The same accounts in the order first read. */
  private readonly observedList: Observed[] = [];
  /**
   * Per read entry (entry k at reads[k * READ_WORDS]) of a slot: 1 if the value read was
   * non-zero. The first read of a slot gives its value before the writes (their slot-count changes).
   */
  readNonZero = new Uint8Array(64);
  private readonly out = new ReadOutcome();
  private readonly value = new Uint8Array(32);
  private readonly valueWords = new Int32Array(this.value.buffer);
  /** The out-parameter accountInto() was last given, as words (the core passes the same array every time). */
  private accountOut: Uint8Array | null = null;
  private accountOutWords: Int32Array = new Int32Array(0);
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly view: DataView;
  private coinbaseBytes: Uint8Array | null = null;
  private coinbaseRec = 0;
  /**
   * Called while waiting for another thread to load a base value: the main thread answers the
   * workers' mailboxes there (the loading thread may be waiting for exactly that).
   */
  whileWaiting: (() => void) | null = null;
  /** Called at each read the core makes (the main thread answers the workers' mailboxes there). */
  poll: (() => void) | null = null;
  /**
   * How long to wait for another thread's base load before taking it for dead and throwing
   * WorkerStalledError (the main thread, whose executor then finishes the batch serially).
   */
  stallMs = Infinity;

  constructor(
    private readonly heap: SharedHeap,
    private readonly mv: MvStore,
    private readonly versions: VersionedReads,
    /** Where pre-batch values come from; the main thread picks one per batch. */
    public base: BaseReader,
  ) {
    this.i32 = heap.i32;
    this.u8 = heap.u8;
    this.view = new DataView(heap.buffer);
  }

  begin(txn: TxnIndex, incarnation: Incarnation, defer: boolean, coinbase: Uint8Array): void {
    this.txn = txn;
    this.incarnation = incarnation;
    this.defer = defer;
    this.blocking = BASE_TXN;
    this.metCoinbase = false;
    this.fallback = FallbackReason.None;
    this.readWords = 0;
    this.observed.clear();
    this.observedList.length = 0;
    this.versions.unknownStorage = false;
    if (coinbase !== this.coinbaseBytes) {
      this.coinbaseBytes = coinbase; // a new array every batch
      this.coinbaseRec = this.mv.account(coinbase);
    }
  }

  /** Loads `address`'s pre-batch account into the store now (the main thread does so for the coinbase before crediting it). */
  preload(address: Uint8Array): void {
    this.ensureAccountBase(this.mv.account(address), address);
  }

  // ---- HostState ----

  accountInto(address: Uint8Array, out: Uint8Array): boolean {
    const o = this.observeAccount(address);
    if (!o.exists) return false;
    if (out !== this.accountOut) {
      this.accountOut = out;
      this.accountOutWords = new Int32Array(out.buffer, out.byteOffset, ACCOUNT_RECORD_SIZE >> 2);
    }
    // Every value sits at a word of the heap; the record's fields are word-aligned too.
    const w = this.accountOutWords;
    const i32 = this.i32;
    for (let k = 0; k < 2; k++) w[k] = i32[(o.nonceAt >> 2) + k]!;
    for (let k = 0; k < 8; k++) w[2 + k] = i32[(o.balanceAt >> 2) + k]!;
    for (let k = 0; k < 8; k++) w[10 + k] = i32[(o.codeHashAt >> 2) + k]!;
    putU32(out, 72, o.codeLen);
    putU32(out, 76, o.hasStorage ? ACCOUNT_HAS_STORAGE : 0);
    return true;
  }

  accountCode(address: Uint8Array): Uint8Array {
    const o = this.observeAccount(address);
    if (o.codeLen === 0) return EMPTY;
    if (o.codePtr >= 0) return this.u8.slice(o.codePtr, o.codePtr + o.codeLen);
    return this.base.code(address, this.u8.slice(o.codeHashAt, o.codeHashAt + 32));
  }

  /** The core uses accountInto; this answers anyone else the same way. */
  account(address: Uint8Array): HostAccount | undefined {
    const o = this.observeAccount(address);
    if (!o.exists) return undefined;
    const nonce = this.view.getBigUint64(o.nonceAt, true);
    const codeHash = this.u8.slice(o.codeHashAt, o.codeHashAt + 32);
    return { nonce, balance: this.versions.word(o.balanceAt), codeHash, code: this.accountCode(address), hasStorage: o.hasStorage };
  }

  /**
   * What this execution read of the account whose address is at `at` of `bytes`, if it read it.
   * An execution reads few accounts, again and again (a token's, for each of its slots; every
   * account it changes): comparing addresses beats hashing into the store's table.
   */
  observedFor(bytes: Uint8Array, at: number): Observed | undefined {
    const list = this.observedList;
    if (list.length > 8) return this.observed.get(this.mv.account(bytes, at));
    for (let i = 0; i < list.length; i++) if (bytesEqualAt(this.u8, (list[i]!.rec + Rec.ADDRESS) * 4, bytes, at, 20)) return list[i];
    return undefined;
  }

  private observeAccount(address: Uint8Array): Observed {
    this.poll?.();
    let o = this.observedFor(address, 0);
    if (o !== undefined) return o;
    const rec = this.mv.account(address);
    if (rec === this.coinbaseRec) {
      if (this.defer) this.metCoinbase = true; // this run is void; answer anything consistent
      else o = this.readCoinbase(address, rec);
    }
    o ??= this.readAccount(address, rec);
    this.observed.set(rec, o);
    this.observedList.push(o);
    return o;
  }

  storage(address: Uint8Array, key: Uint8Array, out: Uint8Array): void {
    const acct = this.observeAccount(address);
    const rec = this.mv.slot(address, key);
    this.ensureSlotBase(rec, address, key);
    const r = this.out;
    const value = this.value;
    this.versions.slot(rec, acct.rec, this.txn, r, value);
    if (r.kind === ReadKind.Base) {
      const i32 = this.i32;
      const words = this.valueWords;
      for (let w = 0; w < 8; w++) words[w] = i32[rec + SlotRec.BASE_VALUE + w]!;
    }
    this.note(rec, ReadEntry.Slot, r, acct.rec);
    out.set(value);
    this.readNonZero[this.readWords / READ_WORDS - 1] = isZeroAt(value, 0, 32) ? 0 : 1;
  }

  blockHash(n: bigint): Uint8Array | undefined {
    return this.base.blockHash(n);
  }

  // ---- Resolution ----

  private note(rec: number, kind: ReadEntry, r: ReadOutcome, aux: number): void {
    this.pushRead(rec, kind, r.txn, r.incarnation, aux);
    if (r.kind === ReadKind.Dependency && this.blocking === BASE_TXN) this.blocking = r.txn;
  }

  private pushRead(rec: number, kind: ReadEntry, a: number, b: number, aux: number): void {
    let reads = this.reads;
    const at = this.readWords;
    if (at + READ_WORDS > reads.length) {
      reads = new Int32Array(reads.length * 2);
      reads.set(this.reads);
      this.reads = reads;
      const nonZero = new Uint8Array(reads.length / READ_WORDS);
      nonZero.set(this.readNonZero);
      this.readNonZero = nonZero;
    }
    reads[at] = rec;
    reads[at + 1] = kind;
    reads[at + 2] = a;
    reads[at + 3] = b;
    reads[at + 4] = aux;
    this.readWords = at + READ_WORDS;
  }

  private readAccount(address: Uint8Array, rec: number): Observed {
    const { i32, mv, out } = this;
    const j = this.txn;
    this.ensureAccountBase(rec, address);
    if (this.unwrittenBelow(rec, j)) return this.readBaseAccount(rec, j);
    let e = mv.latestBelow(rec, Field.Nonce, j, out);
    this.note(rec, ReadEntry.Nonce, out, 0);
    const nonceAt = e ? (e + Ver.VALUE) * 4 : (rec + Acct.BASE_NONCE) * 4;
    e = mv.latestBelow(rec, Field.Balance, j, out);
    this.note(rec, ReadEntry.Balance, out, 0);
    const balanceAt = e ? (e + Ver.VALUE) * 4 : (rec + Acct.BASE_BALANCE) * 4;
    e = mv.latestBelow(rec, Field.Code, j, out);
    this.note(rec, ReadEntry.Code, out, 0);
    const codeHashAt = e ? (e + Ver.VALUE) * 4 : (rec + Acct.BASE_CODE_HASH) * 4;
    const codePtr = e ? i32[e + Ver.CODE_PTR]! : -1;
    const codeLen = e ? i32[e + Ver.CODE_LEN]! : i32[rec + Acct.BASE_CODE_SIZE]!;
    e = mv.latestBelow(rec, Field.Exists, j, out);
    this.note(rec, ReadEntry.Exists, out, 0);
    const exists = e ? i32[e + Ver.VALUE] !== 0 : (i32[rec + Acct.BASE_FLAGS]! & BaseFlags.Exists) !== 0;
    return this.withStorage({ rec, exists, nonceAt, balanceAt, codeHashAt, codePtr, codeLen, hasStorage: true }, j);
  }

  /**
   * Whether no transaction below `j` has written any of the account's fields (the common case):
   * one AccountBase read entry then stands for all four, with none of the per-field resolution.
   */
  private unwrittenBelow(rec: number, j: TxnIndex): boolean {
    const i32 = this.i32;
    for (let f = Field.Nonce; f <= Field.Exists; f++) {
      for (let e = i32[rec + Acct.HEADS + f]!; e !== 0; e = i32[e + Ver.NEXT]!) if (i32[e + Ver.TXN]! < j) return false;
    }
    return true;
  }

  private readBaseAccount(rec: number, j: TxnIndex): Observed {
    const i32 = this.i32;
    this.pushRead(rec, ReadEntry.AccountBase, BASE_TXN, 0, 0);
    const observed: Observed = {
      rec,
      exists: (i32[rec + Acct.BASE_FLAGS]! & BaseFlags.Exists) !== 0,
      nonceAt: (rec + Acct.BASE_NONCE) * 4,
      balanceAt: (rec + Acct.BASE_BALANCE) * 4,
      codeHashAt: (rec + Acct.BASE_CODE_HASH) * 4,
      codePtr: -1,
      codeLen: i32[rec + Acct.BASE_CODE_SIZE]!,
      hasStorage: true,
    };
    return this.withStorage(observed, j);
  }

  /** `observed` with its storage emptiness read where it matters. */
  private withStorage(observed: Observed, j: TxnIndex): Observed {
    const out = this.out;
    const { codeLen, nonceAt, rec } = observed;
    // Whether storage is empty matters only where a creation could collide (EIP-7610: nonce 0,
    // no code); elsewhere "maybe" costs nothing (slots resolve to zero here anyway) and spares
    // summing the slot-count changes of every transaction touching a busy contract. The nonce
    // and code reads already recorded keep that choice valid.
    if (codeLen !== 0 || !isZeroAt(this.u8, nonceAt, 8)) return observed;
    const storage = this.versions.hasStorage(rec, j, out);
    this.pushRead(rec, ReadEntry.HasStorage, BASE_TXN, storage, 0);
    if (out.kind === ReadKind.Dependency && this.blocking === BASE_TXN) this.blocking = out.txn;
    if (storage === StorageAnswer.Unknown) this.fallback = FallbackReason.SlotCountUnknown;
    observed.hasStorage = storage !== StorageAnswer.Empty;
    return observed;
  }

  /** The coinbase, seen by a transaction that runs undeferred: every earlier tip included. */
  private readCoinbase(address: Uint8Array, rec: number): Observed {
    const i32 = this.i32;
    this.ensureAccountBase(rec, address);
    const snap = this.heap.alloc(SNAPSHOT_WORDS);
    const blocking = this.versions.coinbase(rec, this.txn, snap, this.out);
    if (blocking !== BASE_TXN && (this.blocking === BASE_TXN || blocking < this.blocking)) this.blocking = blocking;
    if (this.versions.unknownStorage) this.fallback = FallbackReason.SlotCountUnknown;
    this.pushRead(rec, ReadEntry.Coinbase, snap, 0, 0);
    return {
      rec,
      exists: i32[snap + Snapshot.EXISTS] !== 0,
      nonceAt: (snap + Snapshot.NONCE) * 4,
      balanceAt: (snap + Snapshot.BALANCE) * 4,
      codeHashAt: (snap + Snapshot.CODE_HASH) * 4,
      codePtr: i32[snap + Snapshot.CODE_PTR]!,
      codeLen: i32[snap + Snapshot.CODE_LEN]!,
      hasStorage: i32[snap + Snapshot.HAS_STORAGE] !== 0,
    };
  }

  /** Fetches the record's pre-batch value once per batch; other threads wait for the first. */
  private ensureAccountBase(rec: number, address: Uint8Array): void {
    const at = rec + Acct.BASE_FLAGS;
    if (Atomics.load(this.i32, at) & BaseFlags.Loaded) return;
    if (Atomics.compareExchange(this.i32, at, 0, BaseFlags.Loading) === 0) {
      let flags = 0;
      try {
        flags = this.base.loadAccount(address, rec);
        if (flags & BaseFlags.FromDisk) this.noteFromDisk();
        // The core sees a missing account with the empty code hash; so must every comparison.
        if (!(flags & BaseFlags.Exists)) this.u8.set(EMPTY_CODE_HASH, (rec + Acct.BASE_CODE_HASH) * 4);
      } finally {
        this.markLoaded(at, flags);
      }
      return;
    }
    this.waitLoaded(at);
  }

  /** Sets Control.FROM_DISK, before the value is marked loaded (so whoever sees it loaded sees this). */
  private noteFromDisk(): void {
    if (this.i32[Control.FROM_DISK] === 0) Atomics.store(this.i32, Control.FROM_DISK, 1);
  }

  private markLoaded(at: number, flags: number): void {
    if (Atomics.exchange(this.i32, at, flags | BaseFlags.Loaded) & BaseFlags.Waiting) Atomics.notify(this.i32, at);
  }

  private waitLoaded(at: number): void {
    const i32 = this.i32;
    const hook = this.whileWaiting;
    const since = this.stallMs === Infinity ? 0 : performance.now();
    for (let v = Atomics.load(i32, at), n = 0; !(v & BaseFlags.Loaded); v = Atomics.load(i32, at)) {
      if (since !== 0 && ++n % 1024 === 0 && performance.now() - since > this.stallMs) throw new WorkerStalledError();
      if (hook !== null) hook();
      else if (v & BaseFlags.Waiting || Atomics.compareExchange(i32, at, v, v | BaseFlags.Waiting) === v) Atomics.wait(i32, at, v | BaseFlags.Waiting, 1);
    }
  }

  private ensureSlotBase(rec: number, address: Uint8Array, key: Uint8Array): void {
    const at = rec + SlotRec.BASE_FLAGS;
    if (Atomics.load(this.i32, at) & BaseFlags.Loaded) return;
    if (Atomics.compareExchange(this.i32, at, 0, BaseFlags.Loading) === 0) {
      let flags = 0;
      try {
        flags = this.base.loadSlot(address, key, rec);
        if (flags & BaseFlags.FromDisk) this.noteFromDisk();
      } finally {
        this.markLoaded(at, flags);
      }
      return;
    }
    this.waitLoaded(at);
  }
}

/** A base value another thread started loading never came (see MvHost.stallMs). */
export class WorkerStalledError extends Error {
  override name = "WorkerStalledError";
  constructor() {
    super("a worker stopped responding while loading pre-batch state");
  }
}

function putU32(to: Uint8Array, at: number, v: number): void {
  to[at] = v & 0xff;
  to[at + 1] = (v >>> 8) & 0xff;
  to[at + 2] = (v >>> 16) & 0xff;
  to[at + 3] = v >>> 24;
}
