import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { CommittedWrites } from "../../src/parallel/committed-writes";
import { ACCOUNT_RECORD_WORDS, Field, SLOT_RECORD_WORDS, Ver, VERSION_WORDS } from "../../src/parallel/mv-layout";
import { WRITE_WORDS } from "../../src/parallel/txn-layout";
import { BASE_TXN } from "../../src/parallel/types";

// Records laid out as in the heap: accounts, then slots of the first account, words apart.
const ACCOUNTS = [64, 64 + ACCOUNT_RECORD_WORDS, 64 + 2 * ACCOUNT_RECORD_WORDS];
const SLOTS = [0, 1, 2, 3].map((i) => 1024 + i * SLOT_RECORD_WORDS);
const ACCOUNT_FIELDS = [Field.Nonce, Field.Balance, Field.Code, Field.Exists, Field.SlotCount];

/** One write: an account field (value 0 or 1 for Exists: a deletion or a creation) or a slot. */
const write = fc.oneof(
  fc.tuple(fc.constantFrom(...ACCOUNTS), fc.constantFrom(...ACCOUNT_FIELDS), fc.integer({ min: 0, max: 1 })),
  fc.tuple(fc.constantFrom(...SLOTS), fc.constant(Field.Slot), fc.constant(1)),
);

describe("CommittedWrites", () => {
  test("answers as the newest committed write of each location, deletions deciding slots, and which accounts were written", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.array(write, { maxLength: 6 })), { maxLength: 40 }), (txns) => {
        const i32 = new Int32Array(1 << 16);
        let free = 4096;
        const table = new CommittedWrites();
        table.begin(i32);
        const newest = new Map<number, [number, number]>();
        const deleted = new Map<number, [number, number]>();
        const touched = new Set<number>();
        txns.forEach(([inc, writes], txn) => {
          const ws = free;
          i32[ws] = writes.length;
          free += 1 + writes.length * WRITE_WORDS;
          writes.forEach(([rec, field, value], k) => {
            const entry = free;
            free += VERSION_WORDS;
            i32[entry + Ver.VALUE] = value;
            i32.set([rec, field, entry], ws + 1 + k * WRITE_WORDS);
            if (field === Field.SlotCount) return;
            newest.set(rec + field, [txn, inc]);
            if (field !== Field.Slot) touched.add(rec);
            if (field === Field.Exists && value === 0) deleted.set(rec, [txn, inc]);
          });
          table.add(txn, inc, writes.length === 0 ? 0 : ws);
        });
        for (const rec of ACCOUNTS) expect(table.untouched(rec)).toBe(!touched.has(rec));
        const candidates: [number, number][] = [[BASE_TXN, 0]];
        for (let t = 0; t < txns.length; t++) for (let inc = 0; inc < 4; inc++) candidates.push([t, inc]);
        for (const [txn, inc] of candidates) {
          for (const rec of ACCOUNTS) {
            for (const field of [Field.Nonce, Field.Balance, Field.Code, Field.Exists]) {
              const [t, i] = newest.get(rec + field) ?? [BASE_TXN, 0];
              expect(table.is(rec, field, txn, inc)).toBe(t === txn && (t === BASE_TXN || i === inc));
            }
          }
          for (const slot of SLOTS) {
            const s = newest.get(slot + Field.Slot) ?? [BASE_TXN, 0];
            const d = deleted.get(ACCOUNTS[0]!) ?? [BASE_TXN, 0];
            const [t, i] = d[0] > s[0] ? d : s;
            expect(table.decidesSlot(slot, ACCOUNTS[0]!, txn, inc)).toBe(t === txn && (t === BASE_TXN || i === inc));
          }
        }
      }),
    );
  });

  test("keeps every location through growth, and forgets them at the next batch", () => {
    const i32 = new Int32Array(1 << 17);
    const table = new CommittedWrites();
    table.begin(i32);
    const slots = Array.from({ length: 3000 }, (_, k) => 4096 + k * SLOT_RECORD_WORDS);
    const ws = 1024;
    slots.forEach((slot, txn) => {
      i32.set([1, slot, Field.Slot, 0], ws);
      table.add(txn, txn % 3, ws);
    });
    slots.forEach((slot, txn) => expect(table.decidesSlot(slot, ACCOUNTS[0]!, txn, txn % 3)).toBe(true));
    table.begin(i32);
    for (const slot of slots) expect(table.decidesSlot(slot, ACCOUNTS[0]!, BASE_TXN, 0)).toBe(true);
  });
});
