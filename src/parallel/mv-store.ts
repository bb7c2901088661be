// The multi-version store (Block-STM's MVMemory) over the shared heap: for every location a
// transaction of the batch wrote, the value each writer left, so that transaction j reads the
// write of the highest transaction below j, or the pre-batch value when there is none. Layout
// in mv-layout.ts.
//
// Reads take no lock. A version entry is immutable once linked into its list (only its
// ESTIMATE flag is ever set later): a writer fills a fresh entry, then links it with an
// atomic store, replacing its previous incarnation's entry rather than rewriting it, and
// unlinks with an atomic store. A reader walking the list with atomic loads therefore sees
// each entry whole, as it was when it was current. Writers of one record still serialise on
// the record's spin lock.
import { Control, FailReason } from "./control-layout";
import type { SharedHeap } from "./heap";
import { Acct, ACCOUNT_RECORD_WORDS, Field, Rec, RecordKind, SLOT_RECORD_WORDS, SlotRec, Ver, VERSION_WORDS, VersionFlags } from "./mv-layout";
import { BASE_TXN, ReadKind, type ReadOutcome, type TxnIndex } from "./types";

/** Word holding the head of `field`'s version list in record `rec`. */
export function headWord(rec: number, field: Field): number {
  return field === Field.Slot ? rec + SlotRec.HEAD : rec + Acct.HEADS + field;
}

/**
 * Records a thread counts in Control.RECORDS at a time: a counter every thread bumped for each
 * record it created moved its cache line between cores twice a plain transfer.
 */
const RECORD_BLOCK = 32;

export class MvStore {
  private readonly i32: Int32Array;
  private table = 0;
  private mask = 0;
  /** The key being looked up, as words: address (5) then slot key (8). */
  private readonly key = new Int32Array(13);
  private readonly keyBytes = new Uint8Array(this.key.buffer);
  /** Records this thread has counted in Control.RECORDS but not created yet (see RECORD_BLOCK). */
  private spare = 0;

  constructor(readonly heap: SharedHeap) {
    this.i32 = heap.i32;
  }

  /** Picks up the batch's hash table (after the main thread laid it out). */
  beginBatch(): void {
    this.table = this.i32[Control.HASH_TABLE]!;
    this.mask = this.i32[Control.HASH_MASK]!;
    this.spare = 0;
  }

  /** Gives back the records counted but not created: Control.RECORDS is exact once every thread has. */
  endBatch(): void {
    if (this.spare !== 0) Atomics.sub(this.i32, Control.RECORDS, this.spare);
    this.spare = 0;
  }

  /** The record of the account whose address is at `at` of `bytes`, inserted (without its base value) on first use. */
  account(bytes: Uint8Array, at = 0): number {
    // Byte loops rather than subarray + set: these run several times per transaction.
    const kb = this.keyBytes;
    for (let i = 0; i < 20; i++) kb[i] = bytes[at + i]!;
    return this.find(RecordKind.Account, 5);
  }

  /** The slot's record (address at `addressAt` of `address`, key at `keyAt` of `slotKey`), inserted on first use. */
  slot(address: Uint8Array, slotKey: Uint8Array, addressAt = 0, keyAt = 0): number {
    const kb = this.keyBytes;
    for (let i = 0; i < 20; i++) kb[i] = address[addressAt + i]!;
    for (let i = 0; i < 32; i++) kb[20 + i] = slotKey[keyAt + i]!;
    return this.find(RecordKind.Slot, 13);
  }

  private find(kind: RecordKind, n: number): number {
    const i32 = this.i32;
    const key = this.key;
    let h = kind * 0x9e3779b1;
    for (let w = 0; w < n; w++) h = Math.imul(h ^ key[w]!, 0x85ebca6b) ^ (h >>> 15);
    h ^= h >>> 13;
    let created = 0;
    for (let b = h & this.mask; ; b = (b + 1) & this.mask) {
      let rec = i32[this.table + b]!;
      if (rec === 0) {
        if (created === 0) {
          if (this.spare === 0) this.reserveRecords();
          this.spare--;
          created = this.heap.alloc(kind === RecordKind.Account ? ACCOUNT_RECORD_WORDS : SLOT_RECORD_WORDS);
          i32[created + Rec.HASH] = h;
          i32[created + Rec.KIND] = kind;
          for (let w = 0; w < 5; w++) i32[created + Rec.ADDRESS + w] = key[w]!;
          for (let w = 5; w < n; w++) i32[created + SlotRec.KEY + w - 5] = key[w]!;
        }
        rec = Atomics.compareExchange(i32, this.table + b, 0, created);
        if (rec === 0) return created;
      }
      if (i32[rec + Rec.HASH] !== h || i32[rec + Rec.KIND] !== kind) continue;
      let same = true;
      for (let w = 0; w < 5 && same; w++) same = i32[rec + Rec.ADDRESS + w] === key[w];
      for (let w = 5; w < n && same; w++) same = i32[rec + SlotRec.KEY + w - 5] === key[w];
      if (same) return rec;
    }
  }

  /** Counts RECORD_BLOCK more records in Control.RECORDS; fails the batch once the table would pass 3/4 full. */
  private reserveRecords(): void {
    const counted = Atomics.add(this.i32, Control.RECORDS, RECORD_BLOCK) + RECORD_BLOCK;
    if (counted * 4 > this.mask * 3) this.heap.fail("hash table full", FailReason.TableFull);
    this.spare = RECORD_BLOCK;
  }

  lock(rec: number): void {
    this.heap.lock(rec + Rec.LOCK);
  }

  unlock(rec: number): void {
    this.heap.unlock(rec + Rec.LOCK);
  }

  /**
   * The newest entry of `field` written by a transaction below `txn`, into `out` (Base when
   * none). Lock-free. Returns the entry's word index (0 for Base).
   */
  latestBelow(rec: number, field: Field, txn: TxnIndex, out: ReadOutcome): number {
    const i32 = this.i32;
    let e = i32[headWord(rec, field)]!;
    while (e !== 0 && i32[e + Ver.TXN]! >= txn) e = i32[e + Ver.NEXT]!;
    if (e === 0) {
      out.kind = ReadKind.Base;
      out.txn = BASE_TXN;
      out.incarnation = 0;
      out.entry = 0;
      return 0;
    }
    out.kind = i32[e + Ver.FLAGS]! & VersionFlags.Estimate ? ReadKind.Dependency : ReadKind.Version;
    out.txn = i32[e + Ver.TXN]!;
    out.incarnation = i32[e + Ver.INC]!;
    out.entry = e;
    return e;
  }

  /**
   * A fresh entry for `txn`'s write of a field, not zeroed: the caller writes every VALUE word
   * and CODE_PTR/CODE_LEN, then publish()es it (which sets NEXT).
   */
  newEntry(txn: TxnIndex, incarnation: number, flags: number): number {
    const e = this.heap.allocRaw(VERSION_WORDS);
    const i32 = this.i32;
    i32[e + Ver.TXN] = txn;
    i32[e + Ver.INC] = incarnation;
    i32[e + Ver.FLAGS] = flags;
    return e;
  }

  /**
   * Links `entry` (filled, not yet shared) into `field`'s list, in place of `txn`'s previous
   * entry if there is one. Caller holds the lock.
   */
  publish(rec: number, field: Field, entry: number): void {
    const i32 = this.i32;
    const txn = i32[entry + Ver.TXN]!;
    let link = headWord(rec, field);
    let e = i32[link]!;
    while (e !== 0 && i32[e + Ver.TXN]! > txn) {
      link = e + Ver.NEXT;
      e = i32[link]!;
    }
    i32[entry + Ver.NEXT] = e !== 0 && i32[e + Ver.TXN] === txn ? i32[e + Ver.NEXT]! : e;
    Atomics.store(i32, link, entry);
  }

  /** Unlinks `txn`'s entry of `field`, if any. Caller holds the lock. */
  remove(rec: number, field: Field, txn: TxnIndex): void {
    const i32 = this.i32;
    let link = headWord(rec, field);
    let e = i32[link]!;
    while (e !== 0 && i32[e + Ver.TXN]! > txn) {
      link = e + Ver.NEXT;
      e = i32[link]!;
    }
    if (e !== 0 && i32[e + Ver.TXN] === txn) Atomics.store(i32, link, i32[e + Ver.NEXT]!);
  }

  /** Marks an entry ESTIMATE: its writer was aborted (Block-STM convert_writes_to_estimates). */
  markEstimate(entry: number): void {
    Atomics.or(this.i32, entry + Ver.FLAGS, VersionFlags.Estimate);
  }
}
