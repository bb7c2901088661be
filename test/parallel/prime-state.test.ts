import { describe, expect, test } from "bun:test";
import { SharedHeap } from "../../src/parallel/heap";
import { Acct, ACCOUNT_RECORD_WORDS, BaseFlags, Field, Rec } from "../../src/parallel/mv-layout";
import { primeWrites } from "../../src/parallel/prime-state";
import type { BatchState } from "../../src/parallel/types";

/** An account record at word `rec` read from disk with `flags` and `slotCount`, its row `row`. */
function account(heap: SharedHeap, rec: number, id: number, flags: number, slotCount: number, row: Uint8Array): Uint8Array {
  const address = new Uint8Array(20).fill(id);
  heap.u8.set(address, (rec + Rec.ADDRESS) * 4);
  heap.i32[rec + Acct.BASE_FLAGS] = flags | BaseFlags.FromDisk;
  heap.i32[rec + Acct.BASE_SLOT_COUNT] = slotCount;
  const at = (rec + 2 * ACCOUNT_RECORD_WORDS) * 4;
  heap.u8.set(row, at);
  heap.i32[rec + Acct.DISK_ROW] = at;
  heap.i32[rec + Acct.DISK_ROW_LEN] = row.length;
  return address;
}

describe("primeWrites", () => {
  const cases = [
    [true, "hands the state the disk rows of written accounts with storage, once, and none of storage-less ones"],
    [false, "hands the state the disk rows of every written account, once, when apply() reads every record"],
  ] as const;
  for (const [storagelessApplied, title] of cases) {
    test(title, () => {
      const heap = SharedHeap.create(1 << 16);
      const known = BaseFlags.Exists | BaseFlags.SlotCountKnown;
      const recs = [1024, 1024 + 4 * ACCOUNT_RECORD_WORDS, 1024 + 8 * ACCOUNT_RECORD_WORDS, 1024 + 12 * ACCOUNT_RECORD_WORDS];
      const withStorage = account(heap, recs[0]!, 1, known | BaseFlags.HasStorage, 3, new Uint8Array([1, 2, 3]));
      const storageFree = account(heap, recs[1]!, 2, known, 0, new Uint8Array([4]));
      const missing = account(heap, recs[2]!, 3, 0, 0, new Uint8Array(0)); // DISK_ROW_LEN 0: no row
      const unknownCount = account(heap, recs[3]!, 4, BaseFlags.Exists | BaseFlags.HasStorage, 0, new Uint8Array([5, 6]));
      const ws = 4096;
      const writes = [recs[0]!, Field.Balance, recs[1]!, Field.Nonce, recs[2]!, Field.Balance, recs[3]!, Field.Code, recs[0]!, Field.Nonce];
      heap.i32[ws] = writes.length / 2;
      writes.forEach((v, k) => (heap.i32[ws + 1 + Math.floor(k / 2) * 3 + (k % 2)] = v));
      const primed: [string, number[] | null][] = [];
      const state = {
        primeAccount: (address: Uint8Array, row: Uint8Array | null) => primed.push([Buffer.from(address).toString("hex"), row && [...row]]),
        primeSlot: () => {},
      } as unknown as BatchState;
      primeWrites(heap, ws, state, storagelessApplied);
      primeWrites(heap, ws, state, storagelessApplied);
      const hex = (a: Uint8Array) => Buffer.from(a).toString("hex");
      expect(primed).toEqual(
        storagelessApplied
          ? [[hex(withStorage), [1, 2, 3]], [hex(unknownCount), [5, 6]]]
          : [[hex(withStorage), [1, 2, 3]], [hex(storageFree), [4]], [hex(missing), null], [hex(unknownCount), [5, 6]]],
      );
    });
  }
});
