import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { AccountChange } from "../../src/exec/abi";
import { bytesToHex, keccak256 } from "../../src/crypto";
import { EMPTY_CODE_HASH } from "../../src/trie";
import { ChainStore, recomputeStateRoot } from "../../src/state";
import { address, ModelState, removeDir, slot, tempDatadir, word } from "./helpers";

// Small pools so operations collide: the same accounts are updated, deleted,
// re-created and reloaded from disk many times within one run.
// Sizes are tuned so a typical run deletes and re-creates accounts whose storage
// is already on disk (the hardest path) a few times.
const ADDRESSES = Array.from({ length: 6 }, (_, i) => address(i));
const SLOTS = Array.from({ length: 8 }, (_, i) => slot(i));
const CODES = [new Uint8Array([0x60, 0x00]), new Uint8Array(100).fill(0x5b), new Uint8Array([0xfe])];

const valueArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0n) },
  { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: 300n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: (1n << 256n) - 1n }) },
);

const changeArb = fc.record({
  who: fc.nat({ max: ADDRESSES.length - 1 }),
  deleted: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 4, arbitrary: fc.constant(false) }),
  nonce: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  balance: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: (1n << 256n) - 1n })),
  code: fc.integer({ min: -3, max: CODES.length - 1 }),
  storage: fc.array(fc.tuple(fc.nat({ max: SLOTS.length - 1 }), valueArb), { maxLength: 5 }),
});

type GeneratedChange = typeof changeArb extends fc.Arbitrary<infer T> ? T : never;

type Op =
  | { kind: "apply"; changes: GeneratedChange[] }
  | { kind: "root" }
  | { kind: "commit"; wait: boolean }
  | { kind: "discard" }
  | { kind: "reopen" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("apply" as const), changes: fc.array(changeArb, { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: "root" as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("commit" as const), wait: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: "discard" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "reopen" as const }) },
);

/** Turns generated fields into a core-shaped change; code is only attached when "deployed". */
function toChange(g: GeneratedChange, model: ModelState): AccountChange {
  const addr = ADDRESSES[g.who]!;
  const prior = model.accounts.get(bytesToHex(addr));
  const code = g.code >= 0 ? CODES[g.code]! : null;
  return {
    address: addr,
    deleted: g.deleted,
    nonce: g.nonce,
    balance: g.balance,
    codeHash: code ? keccak256(code) : (prior?.codeHash ?? EMPTY_CODE_HASH),
    code,
    storage: g.storage.map(([s, v]) => [SLOTS[s]!, word(v)]),
  };
}

function expectReadsMatch(store: ChainStore, model: ModelState): void {
  const out = new Uint8Array(32);
  for (const addr of ADDRESSES) {
    const want = model.accounts.get(bytesToHex(addr));
    const got = store.state.account(addr);
    if (want === undefined) {
      expect(got).toBeUndefined();
      continue;
    }
    expect(got).toBeDefined();
    expect(got!.nonce).toBe(want.nonce);
    expect(got!.balance).toBe(want.balance);
    expect(got!.codeHash).toEqual(want.codeHash);
    expect(got!.code).toEqual(want.code);
    expect(got!.hasStorage).toBe(want.storage.size > 0);
    for (const s of SLOTS) {
      out.fill(0);
      store.state.storage(addr, s, out);
      expect<Uint8Array>(out).toEqual(model.slotValue(addr, s));
    }
  }
}

describe("state: incremental roots against a from-scratch stateRoot()", () => {
  test("random applies, deletes, commits, discards and reopens", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 80, size: "max" }), async (ops) => {
        runs++;
        const dir = tempDatadir();
        let store = ChainStore.open(dir);
        try {
          let model = new ModelState();
          let committed = model.clone();
          for (const op of ops) {
            switch (op.kind) {
              case "apply": {
                // One at a time: a change's code hash depends on the changes before it.
                const changes = op.changes.map((g) => {
                  const c = toChange(g, model);
                  model.apply([c]);
                  return c;
                });
                store.state.apply(changes);
                break;
              }
              case "root":
                expect(store.state.computeStateRoot()).toEqual(model.root());
                break;
              case "commit": {
                const pending = store.commit();
                committed = model.clone();
                if (op.wait) expect(await pending).toEqual(model.root());
                break;
              }
              case "discard":
                store.state.discard();
                model = committed.clone();
                break;
              case "reopen":
                await store.commit();
                committed = model.clone();
                await store.close();
                store = ChainStore.open(dir);
                expect(store.head().stateRoot).toEqual(model.root());
                break;
            }
            expectReadsMatch(store, model);
          }
          const root = await store.commit();
          expect(root).toEqual(model.root());
          await store.state.settled();
          expect(store.state.commitsInFlight).toBe(0);
          expect(recomputeStateRoot(store.env)).toEqual(root);
          await store.close();
          store = ChainStore.open(dir);
          expect(store.head().stateRoot).toEqual(root);
          expectReadsMatch(store, model);
        } finally {
          await store.close();
          removeDir(dir);
        }
      }),
      { numRuns: 100 },
    );
    expect(runs).toBeGreaterThanOrEqual(100);
  }, 120_000);
});
