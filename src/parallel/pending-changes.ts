// What commits still being written change, as a hash set in the shared heap: the sequencer
// commits each mini-block while the next one executes, so a batch often starts with a commit in
// flight. Workers read everything else from LMDB themselves, and ask the main thread only for
// these (LmdbUse.ExceptPending): the accounts those commits change, the slots they write, and
// every slot of an account whose storage they drop. Slots are pending one by one, not with their
// account: a token whose balances the last mini-block moved keeps every other holder's slot
// readable from LMDB (with the whole account pending, every ERC-20 transfer's reads went through
// the main thread one request at a time).
import { bytesEqualAt } from "../crypto/hex";
import { hashAddress, hashBytes } from "../crypto/byte-hash";
import { Control } from "./control-layout";
import type { SharedHeap } from "./heap";
import type { FrozenChanges } from "../state/index";

/** Words per bucket: its Entry kind, the address (5 words), the slot (8 words, slots only), padding. */
const BUCKET_WORDS = 16;
const enum Entry {
  Free = 0,
  Account = 1,
  /** An account whose storage is dropped. */
  Cleared = 2,
  Slot = 3,
}

function slotHash(address: Uint8Array, slot: Uint8Array): number {
  return Math.imul(hashAddress(address), 0x9e3779b1) ^ hashBytes(slot, 0, 32);
}

/**
 * Lays out what commits in flight change (StateDb.pendingChanges) as the batch's pending set
 * (main thread, before the workers start).
 */
export function writePendingChanges(heap: SharedHeap, changes: FrozenChanges): void {
  const { accounts, slots, cleared } = changes;
  let buckets = 16;
  while (buckets < 2 * (accounts.length + slots.length + cleared.length)) buckets *= 2;
  const table = heap.alloc(buckets * BUCKET_WORDS);
  const { i32, u8 } = heap;
  const mask = buckets - 1;
  /** The bucket of `address` (and `slot`), existing or claimed (still Entry.Free). */
  const place = (hash: number, address: Uint8Array, slot: Uint8Array | null) => {
    for (let b = hash & mask; ; b = (b + 1) & mask) {
      const at = table + b * BUCKET_WORDS;
      const k = i32[at]!;
      if (k === Entry.Free) {
        u8.set(address, (at + 1) * 4);
        if (slot !== null) u8.set(slot, (at + 6) * 4);
        return at;
      }
      if ((k === Entry.Slot) === (slot !== null) && bytesEqualAt(u8, (at + 1) * 4, address, 0, 20) && (slot === null || bytesEqualAt(u8, (at + 6) * 4, slot, 0, 32))) return at;
    }
  };
  for (const a of accounts) {
    const at = place(hashAddress(a), a, null);
    if (i32[at] === Entry.Free) i32[at] = Entry.Account;
  }
  for (const a of cleared) i32[place(hashAddress(a), a, null)] = Entry.Cleared;
  for (const [a, s] of slots) i32[place(slotHash(a, s), a, s)] = Entry.Slot;
  i32[Control.PENDING_TABLE] = table;
  i32[Control.PENDING_MASK] = mask;
}

/** A thread's view of the pending set of the current batch. */
export class PendingSet {
  private table = 0;
  private mask = 0;

  constructor(private readonly heap: SharedHeap) {}

  beginBatch(): void {
    this.table = this.heap.i32[Control.PENDING_TABLE]!;
    this.mask = this.heap.i32[Control.PENDING_MASK]!;
  }

  /** Whether the account's record is pending. */
  hasAccount(address: Uint8Array): boolean {
    return this.accountEntry(address) !== Entry.Free;
  }

  /** Whether the slot's value is pending. */
  hasSlot(address: Uint8Array, slot: Uint8Array): boolean {
    if (this.accountEntry(address) === Entry.Cleared) return true;
    const { i32, u8 } = this.heap;
    for (let b = slotHash(address, slot) & this.mask; ; b = (b + 1) & this.mask) {
      const at = this.table + b * BUCKET_WORDS;
      const k = i32[at]!;
      if (k === Entry.Free) return false;
      if (k === Entry.Slot && bytesEqualAt(u8, (at + 1) * 4, address, 0, 20) && bytesEqualAt(u8, (at + 6) * 4, slot, 0, 32)) return true;
    }
  }

  private accountEntry(address: Uint8Array): Entry {
    const { i32, u8 } = this.heap;
    for (let b = hashAddress(address) & this.mask; ; b = (b + 1) & this.mask) {
      const at = this.table + b * BUCKET_WORDS;
      const k = i32[at]! as Entry;
      if (k === Entry.Free) return Entry.Free;
      if (k !== Entry.Slot && bytesEqualAt(u8, (at + 1) * 4, address, 0, 20)) return k;
    }
  }
}
