// Resolving what transaction j sees in the multi-version store, shared by execution (which
// records the outcome in j's read set) and validation (which resolves again and compares).
// Each resolution reports the version that decided the value, or a Dependency when it met an
// ESTIMATE: a speculative read outcome is a value, never an exception.
import { EMPTY_CODE_HASH } from "../trie/index";
import type { SharedHeap } from "./heap";
import { Acct, BaseFlags, Field, Ver, VersionFlags } from "./mv-layout";
import { headWord, type MvStore } from "./mv-store";
import type { Scheduler } from "./scheduler";
import { owedTip } from "./coinbase-credit";
import { Snapshot, Txn, TxnStatus } from "./txn-layout";
import { BASE_TXN, ReadKind, type ReadOutcome, type TxnIndex } from "./types";

/** Storage-emptiness answers: the count is known to be zero / non-zero, or cannot be told. */
export const enum StorageAnswer {
  Empty = 0,
  NonEmpty = 1,
  Unknown = -1,
}

export class VersionedReads {
  /** Set when hasStorage could not tell (the caller then gives the transaction to the serial tail). */
  unknownStorage = false;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly view: DataView;

  constructor(
    readonly heap: SharedHeap,
    readonly mv: MvStore,
    readonly sched: Scheduler,
  ) {
    this.i32 = heap.i32;
    this.u8 = heap.u8;
    this.view = new DataView(heap.buffer);
  }

  /** The version of an account field txn `j` reads, into `out`. */
  field(rec: number, field: Field, j: TxnIndex, out: ReadOutcome): void {
    this.mv.latestBelow(rec, field, j, out);
  }

  /**
   * Whether account `rec` has non-empty storage for txn `j`: the newest full slot count below
   * j plus the changes after it, or the base count plus every change. `out` becomes a
   * Dependency when an ESTIMATE count was met.
   */
  hasStorage(rec: number, j: TxnIndex, out: ReadOutcome): StorageAnswer {
    const i32 = this.i32;
    out.kind = ReadKind.Base;
    let sum = 0;
    for (let e = i32[headWord(rec, Field.SlotCount)]!; e !== 0; e = i32[e + Ver.NEXT]!) {
      const t = i32[e + Ver.TXN]!;
      if (t >= j) continue;
      const flags = i32[e + Ver.FLAGS]!;
      if (flags & VersionFlags.Estimate && out.kind !== ReadKind.Dependency) {
        out.kind = ReadKind.Dependency;
        out.txn = t;
      }
      sum += i32[e + Ver.VALUE]!;
      if (!(flags & VersionFlags.Delta)) return sum > 0 ? StorageAnswer.NonEmpty : StorageAnswer.Empty;
    }
    const base = i32[rec + Acct.BASE_FLAGS]!;
    if (base & BaseFlags.SlotCountKnown) return i32[rec + Acct.BASE_SLOT_COUNT]! + sum > 0 ? StorageAnswer.NonEmpty : StorageAnswer.Empty;
    if (!(base & BaseFlags.HasStorage)) return sum > 0 ? StorageAnswer.NonEmpty : StorageAnswer.Empty;
    if (sum >= 0) return StorageAnswer.NonEmpty;
    this.unknownStorage = true;
    return StorageAnswer.Unknown;
  }

  /**
   * What decides slot `slotRec` of account `acctRec` for txn `j`: the newest slot write below
   * j, unless the account was deleted after it (then the value is zero). Fills `out` with the
   * deciding version (Base: the pre-batch value) and copies the value's 32 bytes to `value`.
   */
  slot(slotRec: number, acctRec: number, j: TxnIndex, out: ReadOutcome, value: Uint8Array | null): void {
    const i32 = this.i32;
    const mv = this.mv;
    // The newest deletion below j, and any ESTIMATE above it that might turn out a deletion.
    let delTxn = BASE_TXN;
    let delInc = 0;
    let estimate = BASE_TXN;
    for (let e = i32[headWord(acctRec, Field.Exists)]!; e !== 0; e = i32[e + Ver.NEXT]!) {
      const t = i32[e + Ver.TXN]!;
      if (t >= j) continue;
      if (i32[e + Ver.FLAGS]! & VersionFlags.Estimate) {
        if (estimate === BASE_TXN) estimate = t;
      } else if (i32[e + Ver.VALUE] === 0) {
        delTxn = t;
        delInc = i32[e + Ver.INC]!;
        break;
      }
    }
    const e = mv.latestBelow(slotRec, Field.Slot, j, out);
    if (value !== null && e !== 0) value.set(this.u8.subarray((e + Ver.VALUE) * 4, (e + Ver.VALUE) * 4 + 32));
    if (out.kind === ReadKind.Dependency) return;
    if (estimate > out.txn) {
      out.kind = ReadKind.Dependency;
      out.txn = estimate;
      return;
    }
    if (delTxn > out.txn) {
      out.kind = ReadKind.Version;
      out.txn = delTxn;
      out.incarnation = delInc;
      out.entry = 0;
      value?.fill(0);
    }
  }

  /**
   * The coinbase account as txn `j` must see it: the pre-batch account, then, transaction by
   * transaction, either the full writes of those that read the coinbase themselves or the tip
   * (or EIP-161 touch) of those whose credit was deferred. Every earlier transaction must have
   * finished executing; returns the lowest one that has not (or whose write is an ESTIMATE),
   * else BASE_TXN. Writes Snapshot words at `snap`.
   */
  coinbase(rec: number, j: TxnIndex, snap: number, out: ReadOutcome): TxnIndex {
    const { i32, u8, mv } = this;
    let blocking = BASE_TXN;
    const block = (t: TxnIndex) => {
      if (blocking === BASE_TXN || t < blocking) blocking = t;
    };
    // Full writes below j, lowest first, per field.
    const lists: number[][] = [[], [], [], []];
    for (const field of [Field.Nonce, Field.Balance, Field.Code, Field.Exists]) {
      for (let e = Atomics.load(i32, headWord(rec, field)); e !== 0; e = Atomics.load(i32, e + Ver.NEXT)) {
        const t = i32[e + Ver.TXN]!;
        if (t >= j) continue;
        if (Atomics.load(i32, e + Ver.FLAGS) & VersionFlags.Estimate) block(t);
        lists[field]!.push(e);
      }
      lists[field]!.reverse();
    }
    const storage = this.hasStorage(rec, j, out);
    if (out.kind === ReadKind.Dependency) block(out.txn);

    const base = i32[rec + Acct.BASE_FLAGS]!;
    let exists = (base & BaseFlags.Exists) !== 0;
    let nonce = this.view.getBigUint64((rec + Acct.BASE_NONCE) * 4, true);
    let balance = this.word((rec + Acct.BASE_BALANCE) * 4);
    let codeHashAt = (rec + Acct.BASE_CODE_HASH) * 4;
    let codePtr = -1;
    let codeLen = i32[rec + Acct.BASE_CODE_SIZE]!;
    const at = [0, 0, 0, 0];
    for (let t = 0; t < j; t++) {
      const entry = this.sched.entry(t);
      if ((this.sched.status(t) & 3) !== TxnStatus.Executed) {
        block(t);
        continue;
      }
      if (i32[entry + Txn.OUTPUT_DEFERRED] === 0) {
        for (let f = 0; f < 4; f++) {
          const list = lists[f]!;
          while (at[f]! < list.length && i32[list[at[f]!]! + Ver.TXN]! < t) at[f]!++;
          if (at[f]! >= list.length || i32[list[at[f]!]! + Ver.TXN] !== t) continue;
          const e = list[at[f]!]!;
          const v = (e + Ver.VALUE) * 4;
          if (f === Field.Nonce) nonce = this.view.getBigUint64(v, true);
          else if (f === Field.Balance) balance = this.word(v);
          else if (f === Field.Code) {
            codeHashAt = v;
            codePtr = i32[e + Ver.CODE_PTR]!;
            codeLen = i32[e + Ver.CODE_LEN]!;
          } else exists = i32[e + Ver.VALUE] !== 0;
        }
        continue;
      }
      const tip = owedTip(this.heap, entry);
      if (tip === null) continue;
      if (tip !== 0n) {
        balance += tip;
        exists = true;
      } else if (nonce === 0n && balance === 0n && this.isEmptyCode(codeHashAt)) {
        exists = false; // EIP-161: the zero credit touched an empty coinbase
      }
    }
    i32.fill(0, snap, snap + Snapshot.CODE_PTR);
    i32[snap + Snapshot.EXISTS] = exists ? 1 : 0;
    // As readAccount reports it: an account with code may have storage (its slot count is not
    // kept, txn-executor.ts deriveWrites).
    i32[snap + Snapshot.HAS_STORAGE] = codeLen !== 0 || storage !== StorageAnswer.Empty ? 1 : 0;
    this.view.setBigUint64((snap + Snapshot.NONCE) * 4, nonce, true);
    for (let i = 31, b = balance; i >= 0; i--, b >>= 8n) u8[(snap + Snapshot.BALANCE) * 4 + i] = Number(b & 0xffn);
    u8.copyWithin((snap + Snapshot.CODE_HASH) * 4, codeHashAt, codeHashAt + 32);
    i32[snap + Snapshot.CODE_PTR] = codePtr;
    i32[snap + Snapshot.CODE_LEN] = codeLen;
    return blocking;
  }

  private isEmptyCode(at: number): boolean {
    for (let i = 0; i < 32; i++) if (this.u8[at + i] !== EMPTY_CODE_HASH[i]) return false;
    return true;
  }

  /** The 32-byte big-endian word at byte offset `at`. */
  word(at: number): bigint {
    const v = this.view;
    return (v.getBigUint64(at) << 192n) | (v.getBigUint64(at + 8) << 128n) | (v.getBigUint64(at + 16) << 64n) | v.getBigUint64(at + 24);
  }
}
