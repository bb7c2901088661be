import { describe, expect, test } from "bun:test";
import { bytesToHex, keccak256 } from "../../src/crypto";
import { EMPTY_TRIE_ROOT, MerklePatriciaTrie } from "../../src/trie";
import { vectorBytes } from "./helpers";

type Step = [string, string | null];

// From ethereum/tests TrieTests (trieanyorder.json / trietest.json); null = delete.
const vectors: { name: string; steps: Step[]; root: string }[] = [
  { name: "empty", steps: [], root: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421" },
  {
    name: "dogs",
    steps: [["doe", "reindeer"], ["dog", "puppy"], ["dogglesworth", "cat"]],
    root: "0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3",
  },
  {
    name: "puppy",
    steps: [["do", "verb"], ["horse", "stallion"], ["doge", "coin"], ["dog", "puppy"]],
    root: "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84",
  },
  {
    name: "emptyValues (deletes restore the earlier shape)",
    steps: [
      ["do", "verb"], ["ether", "wookiedoo"], ["horse", "stallion"], ["shaman", "horse"],
      ["doge", "coin"], ["ether", null], ["dog", "puppy"], ["shaman", null],
    ],
    root: "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84",
  },
  {
    name: "jeff",
    steps: [
      ["0x0000000000000000000000000000000000000000000000000000000000000045", "0x22b224a1420a802ab51d326e29fa98e34c4f24ea"],
      ["0x0000000000000000000000000000000000000000000000000000000000000046", "0x67706c2076330000000000000000000000000000000000000000000000000000"],
      ["0x0000000000000000000000000000000000000000000000000000001234567890", "0x697c7b8c961b56f675d570498424ac8de1a918f6"],
      ["0x000000000000000000000000697c7b8c961b56f675d570498424ac8de1a918f6", "0x1234567890"],
      ["0x0000000000000000000000007ef9e639e2733cb34e4dfc576d4b23f72db776b2", "0x4655474156000000000000000000000000000000000000000000000000000000"],
      ["0x000000000000000000000000ec4f34c97e43fbb2816cfd95e388353c7181dab1", "0x4e616d6552656700000000000000000000000000000000000000000000000000"],
      ["0x4655474156000000000000000000000000000000000000000000000000000000", "0x7ef9e639e2733cb34e4dfc576d4b23f72db776b2"],
      ["0x4e616d6552656700000000000000000000000000000000000000000000000000", "0xec4f34c97e43fbb2816cfd95e388353c7181dab1"],
      ["0x0000000000000000000000000000000000000000000000000000001234567890", null],
      ["0x000000000000000000000000697c7b8c961b56f675d570498424ac8de1a918f6", "0x6f6f6f6820736f2067726561742c207265616c6c6c793f000000000000000000"],
      ["0x6f6f6f6820736f2067726561742c207265616c6c6c793f000000000000000000", "0x697c7b8c961b56f675d570498424ac8de1a918f6"],
    ],
    root: "0x9f6221ebb8efe7cff60a716ecb886e67dd042014be444669f0159d8e68b42100",
  },
  {
    name: "insert-middle-leaf (keys that are prefixes of other keys)",
    steps: [
      ["key1aa", "0123456789012345678901234567890123456789xxx"],
      ["key1", "0123456789012345678901234567890123456789Very_Long"],
      ["key2bb", "aval3"],
      ["key2", "short"],
      ["key3cc", "aval3"],
      ["key3", "1234567890123456789012345678901"],
    ],
    root: "0xcb65032e2f76c48b82b5c24b3db8f670ce73982869d38cd39a624f23d62a9e89",
  },
];

function apply(t: MerklePatriciaTrie, steps: Step[]): void {
  for (const [k, v] of steps) {
    if (v === null) t.del(vectorBytes(k));
    else t.put(vectorBytes(k), vectorBytes(v));
  }
}

describe("trie: ethereum/tests vectors", () => {
  for (const { name, steps, root } of vectors) {
    test(name, () => {
      const t = new MerklePatriciaTrie();
      apply(t, steps);
      expect(bytesToHex(t.root())).toBe(root);
    });
    test(`${name} (root() after every step, i.e. incremental)`, () => {
      const t = new MerklePatriciaTrie();
      for (const step of steps) {
        apply(t, [step]);
        t.root();
      }
      expect(bytesToHex(t.root())).toBe(root);
    });
  }

  test("empty root constant is keccak(rlp(''))", () => {
    expect(EMPTY_TRIE_ROOT).toEqual(keccak256(new Uint8Array([0x80])));
    expect(new MerklePatriciaTrie().root()).toEqual(EMPTY_TRIE_ROOT);
  });

  test("get, overwrite, delete, and empty value as delete", () => {
    const t = new MerklePatriciaTrie();
    const k = vectorBytes("dog");
    expect(t.get(k)).toBeUndefined();
    t.put(k, vectorBytes("puppy"));
    t.put(vectorBytes("doge"), vectorBytes("coin"));
    expect(t.get(k)).toEqual(vectorBytes("puppy"));
    expect(t.get(vectorBytes("do"))).toBeUndefined();
    expect(t.get(vectorBytes("doges"))).toBeUndefined();
    t.put(k, vectorBytes("hound"));
    expect(t.get(k)).toEqual(vectorBytes("hound"));
    t.put(k, new Uint8Array(0));
    expect(t.get(k)).toBeUndefined();
    expect(t.get(vectorBytes("doge"))).toEqual(vectorBytes("coin"));
    t.del(vectorBytes("doge"));
    t.del(vectorBytes("doge")); // absent: no-op
    expect(t.root()).toEqual(EMPTY_TRIE_ROOT);
  });

  test("a one-leaf trie whose root encoding is under 32 bytes is still hashed", () => {
    const t = new MerklePatriciaTrie();
    t.put(new Uint8Array([1]), new Uint8Array([2]));
    // rlp([hp([0,1], leaf) = 0x2001, 0x02]) = c4 82 20 01 02
    expect(t.root()).toEqual(keccak256(new Uint8Array([0xc4, 0x82, 0x20, 0x01, 0x02])));
  });
});
