// The accounts whose pre-batch state LMDB may not hold yet, as a hash set in the shared heap:
// the sequencer commits each mini-block while the next one executes, so a batch often starts
// with a commit still being written. Workers read every other account, and its storage, from
// LMDB themselves, and ask the main thread only for these (LmdbUse.ExceptPending).
import { bytesEqualAt } from "../crypto/hex";
import { hashAddress } from "../crypto/byte-hash";
import { Control } from "./control-layout";
import type { SharedHeap } from "./heap";

/** Words per bucket: 1 when used, then the address (5 words), padded. */
const BUCKET_WORDS = 8;

/** Lays out `addresses` as the batch's pending set (main thread, before the workers start). */
export function writePendingAccounts(heap: SharedHeap, addresses: Iterable<Uint8Array>): void {
  const list = [...addresses];
  let buckets = 16;
  while (buckets < 2 * list.length) buckets *= 2;
  const table = heap.alloc(buckets * BUCKET_WORDS);
  const { i32, u8 } = heap;
  for (const a of list) {
    for (let b = hashAddress(a, 0) & (buckets - 1); ; b = (b + 1) & (buckets - 1)) {
      const at = table + b * BUCKET_WORDS;
      if (i32[at] === 0) {
        i32[at] = 1;
        u8.set(a, (at + 1) * 4);
        break;
      }
      if (bytesEqualAt(u8, (at + 1) * 4, a, 0, 20)) break;
    }
  }
  i32[Control.PENDING_TABLE] = table;
  i32[Control.PENDING_MASK] = buckets - 1;
}

/** A worker's view of the pending set of the current batch. */
export class PendingAccounts {
  private table = 0;
  private mask = 0;

  constructor(private readonly heap: SharedHeap) {}

  beginBatch(): void {
    this.table = this.heap.i32[Control.PENDING_TABLE]!;
    this.mask = this.heap.i32[Control.PENDING_MASK]!;
  }

  has(address: Uint8Array): boolean {
    const { i32, u8 } = this.heap;
    for (let b = hashAddress(address, 0) & this.mask; ; b = (b + 1) & this.mask) {
      const at = this.table + b * BUCKET_WORDS;
      if (i32[at] === 0) return false;
      if (bytesEqualAt(u8, (at + 1) * 4, address, 0, 20)) return true;
    }
  }
}
