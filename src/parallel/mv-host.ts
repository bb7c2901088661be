// The HostState a worker's core runs against for one execution of one transaction: every
// account and slot the core asks for is resolved in the multi-version store (falling back to
// the pre-batch state), and every answer is recorded in the transaction's read set together
// with the version that decided it. A read that meets an ESTIMATE still answers (with the stale
// value) and notes the dependency: the core cannot be stopped mid-call, so the executor
// discards the run afterwards and parks the transaction until the blocking one re-executes.
import type { HostAccount, HostState } from "../exec/abi";
import { bytesKey } from "../state/byte-keys";
import { EMPTY_CODE_HASH } from "../trie/index";
import type { BaseReader } from "./base-reader";
import { FallbackReason } from "./control-layout";
import type { SharedHeap } from "./heap";
import { Acct, BaseFlags, Field, SlotRec, Ver } from "./mv-layout";
import { StorageAnswer, type VersionedReads } from "./mv-reads";
import type { MvStore } from "./mv-store";
import { ReadEntry, Snapshot, SNAPSHOT_WORDS } from "./txn-layout";
import { BASE_TXN, ReadKind, ReadOutcome, type Incarnation, type TxnIndex } from "./types";

/** An account as this execution first saw it: the "before" its writes are compared with. */
export interface Observed {
  rec: number;
  exists: boolean;
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  hasStorage: boolean;
  account: HostAccount | undefined;
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
  /** The read set being built, READ_WORDS numbers per entry. */
  readonly reads: number[] = [];
  /** By account record. */
  readonly observed = new Map<number, Observed>();
  /** Slot values as first read, by slot record, for the slot-count changes of the writes. */
  readonly originals = new Map<number, Uint8Array>();
  private readonly out = new ReadOutcome();
  private readonly value = new Uint8Array(32);
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

  constructor(
    private readonly heap: SharedHeap,
    private readonly mv: MvStore,
    private readonly versions: VersionedReads,
    private readonly base: BaseReader,
    /** Code by code hash (immutable), kept across batches. */
    private readonly codeCache: Map<string, Uint8Array>,
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
    this.reads.length = 0;
    this.observed.clear();
    this.originals.clear();
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

  account(address: Uint8Array): HostAccount | undefined {
    const rec = this.mv.account(address);
    let o = this.observed.get(rec);
    if (o !== undefined) return o.account;
    if (rec === this.coinbaseRec) {
      if (this.defer) this.metCoinbase = true; // this run is void; answer anything consistent
      else o = this.readCoinbase(address, rec);
    }
    o ??= this.readAccount(address, rec);
    this.observed.set(rec, o);
    return o.account;
  }

  storage(address: Uint8Array, key: Uint8Array, out: Uint8Array): void {
    const acctRec = this.mv.account(address);
    let acct = this.observed.get(acctRec);
    if (acct === undefined) {
      this.account(address);
      acct = this.observed.get(acctRec)!;
    }
    const rec = this.mv.slot(address, key);
    this.ensureSlotBase(rec, address, key);
    const r = this.out;
    const value = this.value;
    this.versions.slot(rec, acct.rec, this.txn, r, value);
    if (r.kind === ReadKind.Base) value.set(this.u8.subarray((rec + SlotRec.BASE_VALUE) * 4, (rec + SlotRec.BASE_VALUE) * 4 + 32));
    this.note(rec, ReadEntry.Slot, r, acct.rec);
    out.set(value);
    this.originals.set(rec, value.slice());
  }

  blockHash(n: bigint): Uint8Array | undefined {
    return this.base.blockHash(n);
  }

  // ---- Resolution ----

  private note(rec: number, kind: ReadEntry, r: ReadOutcome, aux: number): void {
    this.reads.push(rec, kind, r.txn, r.incarnation, aux);
    if (r.kind === ReadKind.Dependency && this.blocking === BASE_TXN) this.blocking = r.txn;
  }

  private readAccount(address: Uint8Array, rec: number): Observed {
    const { i32, u8, view, mv, out } = this;
    const j = this.txn;
    this.ensureAccountBase(rec, address);
    let e = mv.latestBelow(rec, Field.Nonce, j, out);
    this.note(rec, ReadEntry.Nonce, out, 0);
    const nonce = view.getBigUint64(e ? (e + Ver.VALUE) * 4 : (rec + Acct.BASE_NONCE) * 4, true);
    e = mv.latestBelow(rec, Field.Balance, j, out);
    this.note(rec, ReadEntry.Balance, out, 0);
    const balance = this.versions.word(e ? (e + Ver.VALUE) * 4 : (rec + Acct.BASE_BALANCE) * 4);
    e = mv.latestBelow(rec, Field.Code, j, out);
    this.note(rec, ReadEntry.Code, out, 0);
    const hashAt = e ? (e + Ver.VALUE) * 4 : (rec + Acct.BASE_CODE_HASH) * 4;
    const codeHash = u8.slice(hashAt, hashAt + 32);
    const codePtr = e ? i32[e + Ver.CODE_PTR]! : -1;
    const codeLen = e ? i32[e + Ver.CODE_LEN]! : i32[rec + Acct.BASE_CODE_SIZE]!;
    e = mv.latestBelow(rec, Field.Exists, j, out);
    this.note(rec, ReadEntry.Exists, out, 0);
    const exists = e ? i32[e + Ver.VALUE] !== 0 : (i32[rec + Acct.BASE_FLAGS]! & BaseFlags.Exists) !== 0;
    // Whether storage is empty matters only where a creation could collide (EIP-7610: nonce 0,
    // no code); elsewhere "maybe" costs nothing (slots resolve to zero here anyway) and spares
    // summing the slot-count changes of every transaction touching a busy contract. The nonce
    // and code reads already recorded keep that choice valid.
    if (nonce !== 0n || codeLen !== 0) return this.observe(rec, address, exists, nonce, balance, codeHash, codePtr, codeLen, true);
    const storage = this.versions.hasStorage(rec, j, out);
    this.reads.push(rec, ReadEntry.HasStorage, BASE_TXN, storage, 0);
    if (out.kind === ReadKind.Dependency && this.blocking === BASE_TXN) this.blocking = out.txn;
    if (storage === StorageAnswer.Unknown) this.fallback = FallbackReason.SlotCountUnknown;
    return this.observe(rec, address, exists, nonce, balance, codeHash, codePtr, codeLen, storage !== StorageAnswer.Empty);
  }

  /** The coinbase, seen by a transaction that runs undeferred: every earlier tip included. */
  private readCoinbase(address: Uint8Array, rec: number): Observed {
    const { i32, u8, view } = this;
    this.ensureAccountBase(rec, address);
    const snap = this.heap.alloc(SNAPSHOT_WORDS);
    const blocking = this.versions.coinbase(rec, this.txn, snap, this.out);
    if (blocking !== BASE_TXN && (this.blocking === BASE_TXN || blocking < this.blocking)) this.blocking = blocking;
    if (this.versions.unknownStorage) this.fallback = FallbackReason.SlotCountUnknown;
    this.reads.push(rec, ReadEntry.Coinbase, snap, 0, 0);
    const hashAt = (snap + Snapshot.CODE_HASH) * 4;
    return this.observe(
      rec,
      address,
      i32[snap + Snapshot.EXISTS] !== 0,
      view.getBigUint64((snap + Snapshot.NONCE) * 4, true),
      this.versions.word((snap + Snapshot.BALANCE) * 4),
      u8.slice(hashAt, hashAt + 32),
      i32[snap + Snapshot.CODE_PTR]!,
      i32[snap + Snapshot.CODE_LEN]!,
      i32[snap + Snapshot.HAS_STORAGE] !== 0,
    );
  }

  private observe(
    rec: number,
    address: Uint8Array,
    exists: boolean,
    nonce: bigint,
    balance: bigint,
    codeHash: Uint8Array,
    codePtr: number,
    codeLen: number,
    hasStorage: boolean,
  ): Observed {
    const account = exists ? { nonce, balance, codeHash, code: this.code(address, codeHash, codePtr, codeLen), hasStorage } : undefined;
    return { rec, exists, nonce, balance, codeHash, hasStorage, account };
  }

  /** Code for `codeHash`: from the heap when a transaction of the batch deployed it, else the base. */
  private code(address: Uint8Array, codeHash: Uint8Array, ptr: number, len: number): Uint8Array {
    if (len === 0 || codeHash.every((b, i) => b === EMPTY_CODE_HASH[i])) return EMPTY;
    const k = bytesKey(codeHash);
    let c = this.codeCache.get(k);
    if (c === undefined) {
      c = ptr >= 0 ? this.u8.slice(ptr, ptr + len) : this.base.code(address, codeHash);
      this.codeCache.set(k, c);
    }
    return c;
  }

  /** Fetches the record's pre-batch value once per batch; other threads wait for the first. */
  private ensureAccountBase(rec: number, address: Uint8Array): void {
    const at = rec + Acct.BASE_FLAGS;
    if (Atomics.load(this.i32, at) & BaseFlags.Loaded) return;
    if (Atomics.compareExchange(this.i32, at, 0, BaseFlags.Loading) === 0) {
      let flags = 0;
      try {
        flags = this.base.loadAccount(address, rec);
        // The core sees a missing account with the empty code hash; so must every comparison.
        if (!(flags & BaseFlags.Exists)) this.u8.set(EMPTY_CODE_HASH, (rec + Acct.BASE_CODE_HASH) * 4);
      } finally {
        Atomics.store(this.i32, at, flags | BaseFlags.Loaded);
        Atomics.notify(this.i32, at);
      }
      return;
    }
    this.waitLoaded(at);
  }

  private waitLoaded(at: number): void {
    const hook = this.whileWaiting;
    while (!(Atomics.load(this.i32, at) & BaseFlags.Loaded)) {
      if (hook !== null) hook();
      else Atomics.wait(this.i32, at, BaseFlags.Loading, 1);
    }
  }

  private ensureSlotBase(rec: number, address: Uint8Array, key: Uint8Array): void {
    const at = rec + SlotRec.BASE_FLAGS;
    if (Atomics.load(this.i32, at) & BaseFlags.Loaded) return;
    if (Atomics.compareExchange(this.i32, at, 0, BaseFlags.Loading) === 0) {
      try {
        this.base.loadSlot(address, key, rec);
      } finally {
        Atomics.store(this.i32, at, BaseFlags.Loaded);
        Atomics.notify(this.i32, at);
      }
      return;
    }
    this.waitLoaded(at);
  }
}
