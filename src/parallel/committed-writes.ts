// The newest committed write of every location the batch has written, kept by the main thread
// as it commits in order. When transaction j comes up for commit, every transaction below it is
// final, so the version j should have read of a location is exactly the newest committed write
// of it: one probe of this table per read instead of a walk of the location's version list in
// shared memory (whose entries the other threads wrote, so each is a cache miss here).
//
// Keys are a record's word index plus the field (mv-layout.ts Field, DELETED or ANY_FIELD):
// records are at least 28 words apart, so the sum is unique. Main thread only, not shared.
import { Field, Ver } from "./mv-layout";
import { RecMap } from "./rec-map";
import { WRITE_WORDS } from "./txn-layout";
import { BASE_TXN, type Incarnation, type TxnIndex } from "./types";

/** The key of an account's newest deletion (an Exists write of 0), which also decides its slots. */
export const DELETED = Field.Slot + 1;
/** The key of the newest write of any of an account's nonce, balance, code and existence. */
const ANY_FIELD = DELETED + 1;

export class CommittedWrites {
  private i32: Int32Array = new Int32Array(0);
  /** By location key: the newest committed transaction that wrote it. */
  private readonly newest = new RecMap<TxnIndex>();
  /** By transaction: the incarnation that was committed. */
  private incs = new Int32Array(0);

  /** Forgets the previous batch; `i32` is the heap holding this batch's write sets. */
  begin(i32: Int32Array): void {
    this.i32 = i32;
    this.newest.clear();
  }

  /**
   * Takes in the write set at word `ws` of `txn` (incarnation `inc`), just committed. Slot
   * counts are left out: they are read only as storage emptiness, validated by value.
   */
  add(txn: TxnIndex, inc: Incarnation, ws: number): void {
    if (txn >= this.incs.length) {
      const incs = new Int32Array(Math.max(1024, 2 * txn));
      incs.set(this.incs);
      this.incs = incs;
    }
    this.incs[txn] = inc;
    const i32 = this.i32;
    // An account's writes are consecutive in the write set (txn-executor.ts deriveWrites): its
    // ANY_FIELD key needs setting once, not for the nonce and again for the balance.
    let anyRec = 0;
    for (let k = 0, n = ws === 0 ? 0 : i32[ws]!, w = ws + 1; k < n; k++, w += WRITE_WORDS) {
      const rec = i32[w]!;
      const field = i32[w + 1]!;
      if (field === Field.SlotCount) continue;
      this.newest.set(rec + field, txn);
      if (field !== Field.Slot && rec !== anyRec) {
        this.newest.set(rec + ANY_FIELD, txn);
        anyRec = rec;
      }
      if (field === Field.Exists && i32[i32[w + 2]! + Ver.VALUE] === 0) this.newest.set(rec + DELETED, txn);
    }
  }

  /** Whether the newest committed write of (`rec`, `field`) is (`txn`, `inc`); BASE_TXN: none. */
  is(rec: number, field: number, txn: TxnIndex, inc: Incarnation): boolean {
    return this.was(this.newest.get(rec + field) ?? BASE_TXN, txn, inc);
  }

  /** Whether no committed transaction wrote account record `rec`'s nonce, balance, code or existence. */
  untouched(rec: number): boolean {
    return this.newest.get(rec + ANY_FIELD) === undefined;
  }

  /**
   * Whether (`txn`, `inc`) is what decides slot record `slot` of account record `account`: its
   * newest committed write, unless a newer committed deletion of the account voids it.
   */
  decidesSlot(slot: number, account: number, txn: TxnIndex, inc: Incarnation): boolean {
    const written = this.newest.get(slot + Field.Slot) ?? BASE_TXN;
    const deleted = this.newest.get(account + DELETED) ?? BASE_TXN;
    return this.was(deleted > written ? deleted : written, txn, inc);
  }

  /** Whether the committed `writer` (BASE_TXN: none) is the version (`txn`, `inc`). */
  private was(writer: TxnIndex, txn: TxnIndex, inc: Incarnation): boolean {
    return writer === txn && (writer === BASE_TXN || this.incs[writer] === inc);
  }
}
