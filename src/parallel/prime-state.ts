// Hands the state the pre-batch rows the executing threads read from LMDB, for the locations a
// committed transaction wrote: applying a write needs the location's prior value (an account's
// storage root and slot count, a slot's old value for the count), and without this the main
// thread would read from LMDB again, on its own, a row a worker already read (about a
// microsecond each; serially the core's reads have just brought the same rows into the state).
import { Acct, BaseFlags, baseStorageless, Field, Rec, SlotRec } from "./mv-layout";
import type { SharedHeap } from "./heap";
import { WRITE_WORDS } from "./txn-layout";
import type { BatchState } from "./types";

/**
 * Primes `state` with the disk rows behind the write set at word `ws` (BaseFlags.FromDisk),
 * each once per batch. Main thread, at commit, before the transaction's changes are applied.
 * `storagelessApplied`: apply() gets the transaction's Txn.STORAGELESS bits, so accounts
 * without storage need no row (apply takes nothing from their records).
 */
export function primeWrites(heap: SharedHeap, ws: number, state: BatchState, storagelessApplied: boolean): void {
  if (ws === 0 || state.primeAccount === undefined || state.primeSlot === undefined) return;
  const { i32, u8 } = heap;
  for (let k = 0, n = i32[ws]!, w = ws + 1; k < n; k++, w += WRITE_WORDS) {
    const rec = i32[w]!;
    const slot = i32[w + 1] === Field.Slot;
    const flagsAt = rec + (slot ? SlotRec.BASE_FLAGS : Acct.BASE_FLAGS);
    const flags = i32[flagsAt]!;
    if ((flags & BaseFlags.FromDisk) === 0) continue;
    if (storagelessApplied && !slot && baseStorageless(flags, i32[rec + Acct.BASE_SLOT_COUNT]!)) continue;
    Atomics.and(i32, flagsAt, ~BaseFlags.FromDisk);
    const address = u8.subarray((rec + Rec.ADDRESS) * 4, (rec + Rec.ADDRESS) * 4 + 20);
    if (slot) {
      const value = (rec + SlotRec.BASE_VALUE) * 4;
      state.primeSlot(address, u8.subarray((rec + SlotRec.KEY) * 4, (rec + SlotRec.KEY) * 4 + 32), u8.subarray(value, value + 32));
    } else {
      const len = i32[rec + Acct.DISK_ROW_LEN]!;
      const at = i32[rec + Acct.DISK_ROW]!;
      state.primeAccount(address, len === 0 ? null : u8.subarray(at, at + len));
    }
  }
}
