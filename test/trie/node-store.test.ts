import { describe, expect, test } from "bun:test";
import { keccak256 } from "../../src/crypto";
import { EMPTY_TRIE_ROOT, MemoryNodeStore, MerklePatriciaTrie } from "../../src/trie";
import { rebuild, referenceRoot } from "./helpers";

const key = (i: number) => keccak256(new Uint8Array([i, i >> 8]));
const val = (i: number) => new Uint8Array(1 + (i % 45)).fill(i & 255);

describe("trie: node store and lazy loading", () => {
  test("commit persists every hashed node; a reopened trie reads and updates lazily", async () => {
    const store = new MemoryNodeStore();
    const entries: [Uint8Array, Uint8Array][] = Array.from({ length: 500 }, (_, i) => [key(i), val(i)]);
    const original = new MerklePatriciaTrie({ store });
    for (const [k, v] of entries) original.put(k, v);
    const root = original.commit();
    expect(store.size).toBeGreaterThan(500);

    const reopened = new MerklePatriciaTrie({ store, root });
    expect(reopened.root()).toEqual(root); // no loading needed for the root hash
    for (const [k, v] of entries) expect(reopened.get(k)).toEqual(v);

    // Update through lazily loaded nodes, including deletes that collapse branches.
    const model = new Map(entries.map(([k, v]) => [Buffer.from(k).toString("hex"), [k, v] as [Uint8Array, Uint8Array]]));
    const fresh = new MerklePatriciaTrie({ store, root });
    for (let i = 0; i < 500; i += 3) {
      fresh.del(key(i));
      model.delete(Buffer.from(key(i)).toString("hex"));
    }
    for (let i = 500; i < 540; i++) {
      fresh.put(key(i), val(i));
      model.set(Buffer.from(key(i)).toString("hex"), [key(i), val(i)]);
    }
    const newRoot = fresh.commit();
    expect(newRoot).toEqual(rebuild(model.values()).root());
    expect(newRoot).toEqual(await referenceRoot(model.values()));

    // Both versions remain readable from the same store.
    expect(new MerklePatriciaTrie({ store, root }).get(key(0))).toEqual(val(0));
    expect(new MerklePatriciaTrie({ store, root: newRoot }).get(key(0))).toBeUndefined();
    expect(new MerklePatriciaTrie({ store, root: newRoot }).get(key(520))).toEqual(val(520));
  });

  test("second commit writes only new nodes", () => {
    const writes: number[] = [];
    const store = new MemoryNodeStore();
    const spy = { get: store.get.bind(store), putBatch: (b: ReadonlyArray<readonly [Uint8Array, Uint8Array]>) => { writes.push(b.length); store.putBatch(b); } };
    const trie = new MerklePatriciaTrie({ store: spy });
    for (let i = 0; i < 300; i++) trie.put(key(i), val(40));
    trie.commit();
    trie.put(key(5), val(41));
    trie.commit();
    trie.commit();
    expect(writes.length).toBe(2);
    expect(writes[0]).toBeGreaterThan(300);
    expect(writes[1]).toBeLessThanOrEqual(5);
  });

  test("a tiny trie whose root is under 32 bytes can be reopened", () => {
    const store = new MemoryNodeStore();
    const t = new MerklePatriciaTrie({ store });
    t.put(new Uint8Array([1]), new Uint8Array([2]));
    const root = t.commit();
    expect(new MerklePatriciaTrie({ store, root }).get(new Uint8Array([1]))).toEqual(new Uint8Array([2]));
  });

  test("opening at the empty root needs no store entry; a missing node is reported", () => {
    const store = new MemoryNodeStore();
    expect(new MerklePatriciaTrie({ store, root: EMPTY_TRIE_ROOT }).get(new Uint8Array([1]))).toBeUndefined();
    const dangling = new MerklePatriciaTrie({ store, root: new Uint8Array(32).fill(9) });
    expect(() => dangling.get(new Uint8Array([1]))).toThrow(/0x0909.*missing from the node store/);
  });
});
