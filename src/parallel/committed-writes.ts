// The newest committed write of every location the batch has written, kept by the main thread
// as it commits in order. When transaction j comes up for commit, every transaction below it is
// final, so the version j should have read of a location is exactly the newest committed write
// of it: one probe of this table per read instead of a walk of the location's version list in
// shared memory (whose entries the other threads wrote, so each is a cache miss here).
//
// Keys are a record's word index plus the field (mv-layout.ts Field, DELETED or ANY_FIELD):
// records are at least 28 words apart, so the sum is unique. Main thread only; plain arrays,
// not shared.
import { Field, Ver } from "./mv-layout";
import { WRITE_WORDS } from "./txn-layout";
import { BASE_TXN, type Incarnation, type TxnIndex } from "./types";

/** The key of an account's newest deletion (an Exists write of 0), which also decides its slots. */
export const DELETED = Field.Slot + 1;
/** The key of the newest write of any of an account's nonce, balance, code and existence. */
const ANY_FIELD = DELETED + 1;

export class CommittedWrites {
  private i32 = new Int32Array(0);
  private keys = new Int32Array(0);
  private txns = new Int32Array(0);
  private incs = new Int32Array(0);
  private mask = 0;
  private shift = 32;
  private used = 0;

  /** Forgets the previous batch (whose heap is `i32`); sized for `locations` writes before it grows. */
  begin(i32: Int32Array, locations: number): void {
    this.i32 = i32;
    let size = 1024;
    while (size < 2 * locations) size *= 2;
    if (size > this.keys.length) {
      this.keys = new Int32Array(size);
      this.txns = new Int32Array(size);
      this.incs = new Int32Array(size);
    } else {
      this.keys.fill(0, 0, this.mask + 1);
    }
    this.setSize(size);
    this.used = 0;
  }

  /**
   * Takes in the write set at word `ws` of `txn` (incarnation `inc`), just committed. Slot
   * counts are left out: they are read only as storage emptiness, validated by value.
   */
  add(txn: TxnIndex, inc: Incarnation, ws: number): void {
    const i32 = this.i32;
    for (let k = 0, n = ws === 0 ? 0 : i32[ws]!, w = ws + 1; k < n; k++, w += WRITE_WORDS) {
      const rec = i32[w]!;
      const field = i32[w + 1]!;
      if (field === Field.SlotCount) continue;
      this.set(rec, field, txn, inc);
      if (field !== Field.Slot) this.set(rec, ANY_FIELD, txn, inc);
      if (field === Field.Exists && i32[i32[w + 2]! + Ver.VALUE] === 0) this.set(rec, DELETED, txn, inc);
    }
  }

  private set(rec: number, field: number, txn: TxnIndex, inc: Incarnation): void {
    if (2 * (this.used + 1) > this.mask + 1) this.grow();
    const key = rec + field;
    let b = this.bucket(key);
    for (;;) {
      const k = this.keys[b]!;
      if (k === key) break;
      if (k === 0) {
        this.keys[b] = key;
        this.used++;
        break;
      }
      b = (b + 1) & this.mask;
    }
    this.txns[b] = txn;
    this.incs[b] = inc;
  }

  /** Whether the newest committed write of (`rec`, `field`) is (`txn`, `inc`); BASE_TXN: none. */
  is(rec: number, field: number, txn: TxnIndex, inc: Incarnation): boolean {
    const b = this.find(rec + field);
    if (b < 0) return txn === BASE_TXN;
    return this.txns[b] === txn && this.incs[b] === inc;
  }

  /** Whether no committed transaction wrote account record `rec`'s nonce, balance, code or existence. */
  untouched(rec: number): boolean {
    return this.find(rec + ANY_FIELD) < 0;
  }

  /**
   * Whether (`txn`, `inc`) is what decides slot record `slot` of account record `account`: its
   * newest committed write, unless a newer committed deletion of the account voids it.
   */
  decidesSlot(slot: number, account: number, txn: TxnIndex, inc: Incarnation): boolean {
    const s = this.find(slot + Field.Slot);
    const d = this.find(account + DELETED);
    const st = s < 0 ? BASE_TXN : this.txns[s]!;
    const dt = d < 0 ? BASE_TXN : this.txns[d]!;
    if (dt > st) return txn === dt && inc === this.incs[d];
    if (s < 0) return txn === BASE_TXN;
    return txn === st && inc === this.incs[s];
  }

  private find(key: number): number {
    for (let b = this.bucket(key); ; b = (b + 1) & this.mask) {
      const k = this.keys[b]!;
      if (k === key) return b;
      if (k === 0) return -1;
    }
  }

  /** Fibonacci hashing: the product's high bits (record indexes share their low bits). */
  private bucket(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  private setSize(size: number): void {
    this.mask = size - 1;
    this.shift = 32 - Math.log2(size);
  }

  private grow(): void {
    const { keys, txns, incs } = this;
    const size = 2 * keys.length;
    this.keys = new Int32Array(size);
    this.txns = new Int32Array(size);
    this.incs = new Int32Array(size);
    this.setSize(size);
    this.used = 0;
    for (let b = 0; b < keys.length; b++) {
      const key = keys[b]!;
      if (key === 0) continue;
      let n = this.bucket(key);
      while (this.keys[n] !== 0) n = (n + 1) & this.mask;
      this.keys[n] = key;
      this.txns[n] = txns[b]!;
      this.incs[n] = incs[b]!;
      this.used++;
    }
  }
}
