import { describe, expect, test } from "bun:test";
import { SharedHeap } from "../../src/parallel/heap";
import { PendingSet, writePendingChanges } from "../../src/parallel/pending-changes";
import { addr } from "./workloads";

const slot = (n: number) => {
  const s = new Uint8Array(32);
  s[31] = n;
  s[0] = n >> 8;
  return s;
};

describe("the pending set of commits in flight", () => {
  test("names the accounts and slots they change, and every slot of an account whose storage they drop", () => {
    const heap = SharedHeap.create(1 << 20);
    heap.reset();
    const token = addr(1, 1);
    const dropped = addr(1, 2);
    const payer = addr(1, 3);
    const slots = Array.from({ length: 300 }, (_, i) => [token, slot(i)] as const);
    writePendingChanges(heap, { accounts: [token, dropped, payer], slots, cleared: [dropped] });
    // Another thread's view of the same heap.
    const view = new PendingSet(new SharedHeap(heap.buffer));
    view.beginBatch();
    for (const a of [token, dropped, payer]) expect(view.hasAccount(a)).toBe(true);
    expect(view.hasAccount(addr(1, 4))).toBe(false);
    for (let i = 0; i < 300; i++) expect(view.hasSlot(token, slot(i))).toBe(true);
    // The token's other slots, the same keys under another account: LMDB's to answer.
    for (let i = 300; i < 600; i++) expect(view.hasSlot(token, slot(i))).toBe(false);
    expect(view.hasSlot(payer, slot(1))).toBe(false);
    expect(view.hasSlot(addr(1, 4), slot(1))).toBe(false);
    for (let i = 0; i < 600; i += 37) expect(view.hasSlot(dropped, slot(i))).toBe(true);
  });

  test("an empty set holds nothing", () => {
    const heap = SharedHeap.create(1 << 16);
    heap.reset();
    writePendingChanges(heap, { accounts: [], slots: [], cleared: [] });
    const view = new PendingSet(heap);
    view.beginBatch();
    expect(view.hasAccount(addr(1, 1))).toBe(false);
    expect(view.hasSlot(addr(1, 1), slot(1))).toBe(false);
  });
});
