import { afterEach, describe, expect, test } from "bun:test";
import { getKeccakImpl, keccak256, setKeccakImpl } from "../../src/crypto";
import { MerklePatriciaTrie } from "../../src/trie";
import { rebuild } from "./helpers";

function randomishKey(i: number): Uint8Array {
  return keccak256(new Uint8Array([i & 255, (i >> 8) & 255, 1]));
}

/** Runs `fn` while counting keccak calls. */
function countHashes(fn: () => void): number {
  const real = getKeccakImpl();
  let n = 0;
  setKeccakImpl((d) => {
    n++;
    return real(d);
  });
  try {
    fn();
  } finally {
    setKeccakImpl(real);
  }
  return n;
}

describe("trie: incremental re-rooting", () => {
  afterEach(() => setKeccakImpl(null));

  test("changing one of 2,000 keys rehashes only its path", () => {
    const keys = Array.from({ length: 2000 }, (_, i) => randomishKey(i));
    const trie = rebuild(keys.map((k, i) => [k, new Uint8Array(40).fill(i & 255)]));
    const full = countHashes(() => trie.root());
    expect(full).toBeGreaterThan(2000);

    trie.put(keys[7]!, new Uint8Array(40).fill(0xee));
    const partial = countHashes(() => trie.root());
    // 2,000 random keys give a depth of ~3-4 branches plus the leaf.
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThanOrEqual(6);

    expect(countHashes(() => trie.root())).toBe(0); // nothing dirty: fully cached
  });

  test("writing an identical value or deleting an absent key dirties nothing", () => {
    const keys = Array.from({ length: 300 }, (_, i) => randomishKey(i));
    const trie = rebuild(keys.map((k) => [k, new Uint8Array(40).fill(1)]));
    const before = trie.root();
    trie.put(keys[3]!, new Uint8Array(40).fill(1));
    trie.del(randomishKey(100_000));
    expect(countHashes(() => trie.root())).toBe(0);
    expect(trie.root()).toEqual(before);
  });

  test("root after many incremental batches equals a rebuild", () => {
    const model = new Map<number, Uint8Array>();
    const trie = new MerklePatriciaTrie();
    for (let batch = 0; batch < 20; batch++) {
      for (let j = 0; j < 100; j++) {
        const i = (batch * 37 + j * 13) % 700;
        if ((i + batch) % 5 === 0) {
          trie.del(randomishKey(i));
          model.delete(i);
        } else {
          const v = new Uint8Array(1 + ((i * batch) % 50)).fill(batch + 1);
          trie.put(randomishKey(i), v);
          model.set(i, v);
        }
      }
      const fresh = rebuild([...model].map(([i, v]) => [randomishKey(i), v]));
      expect(trie.root()).toEqual(fresh.root());
    }
  });
});
