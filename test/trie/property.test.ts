import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { bytesToHex } from "../../src/crypto";
import { EMPTY_TRIE_ROOT, MerklePatriciaTrie } from "../../src/trie";
import { keyString, rebuild, referenceRoot } from "./helpers";

// Keys from a tiny alphabet and short lengths share prefixes and are often
// prefixes of one another, which exercises every split and merge path.
const keyArb = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 4 }).map((k) => k.map((b) => b & 0x11)),
  fc.uint8Array({ minLength: 1, maxLength: 3 }),
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
);
// Short values make inlined (< 32 byte) nodes; long ones force hashed nodes.
const valueArb = fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.uint8Array({ minLength: 30, maxLength: 70 }));

type Op = { kind: "put"; key: Uint8Array; value: Uint8Array } | { kind: "del"; key: Uint8Array } | { kind: "root" };

const opsArb = (keys: Uint8Array[]): fc.Arbitrary<Op[]> => {
  const pick = fc.constantFrom(...keys);
  return fc.array(
    fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant("put" as const), key: pick, value: valueArb }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("del" as const), key: pick }) },
      { weight: 1, arbitrary: fc.constant({ kind: "root" as const }) },
    ),
    { maxLength: 60 },
  );
};

const scenarioArb = fc
  .uniqueArray(keyArb, { minLength: 1, maxLength: 24, selector: keyString })
  .chain((keys) => fc.tuple(fc.constant(keys), opsArb(keys)));

describe("trie: random put/del sequences", () => {
  test("incremental root == from-scratch rebuild == @ethereumjs/mpt, and get() agrees with a Map", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ([keys, ops]) => {
        const trie = new MerklePatriciaTrie();
        const model = new Map<string, [Uint8Array, Uint8Array]>();
        for (const op of ops) {
          if (op.kind === "put") {
            trie.put(op.key, op.value);
            model.set(keyString(op.key), [op.key, op.value]);
          } else if (op.kind === "del") {
            trie.del(op.key);
            model.delete(keyString(op.key));
          } else {
            trie.root(); // hash mid-sequence so later writes must invalidate caches
          }
        }
        const root = bytesToHex(trie.root());
        expect(root).toBe(bytesToHex(rebuild(model.values()).root()));
        expect(root).toBe(bytesToHex(await referenceRoot(model.values())));
        for (const k of keys) expect(trie.get(k)).toEqual(model.get(keyString(k))?.[1]);

        // Deleting everything, in another order, must return to the empty root.
        for (const [k] of [...model.values()].reverse()) {
          trie.del(k);
          if (k[0]! & 1) trie.root();
        }
        expect(trie.root()).toEqual(EMPTY_TRIE_ROOT);
      }),
      { numRuns: 300 },
    );
  });

  test("insertion order does not change the root", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(keyArb, valueArb), { maxLength: 40, selector: ([k]) => keyString(k) }),
        fc.nat(),
        (entries, seed) => {
          const shuffled = [...entries].sort((a, b) => ((keyString(a[0]).length * 31 + seed) % 7) - ((keyString(b[0]).length * 31 + seed) % 7));
          expect(rebuild(shuffled).root()).toEqual(rebuild([...entries].reverse()).root());
        },
      ),
      { numRuns: 200 },
    );
  });
});
