import { describe, expect, test } from "bun:test";
import { bytesToHex } from "../../src/crypto";
import { decodeHexPrefix, encodeHexPrefix } from "../../src/trie/hex-prefix";

// Yellow Paper Appendix C examples (also in the Ethereum wiki's Patricia tree page).
const cases: [number[], boolean, string][] = [
  [[1, 2, 3, 4, 5], false, "0x112345"],
  [[0, 1, 2, 3, 4, 5], false, "0x00012345"],
  [[0, 15, 1, 12, 11, 8], true, "0x200f1cb8"],
  [[15, 1, 12, 11, 8], true, "0x3f1cb8"],
  [[], true, "0x20"],
  [[], false, "0x00"],
];

describe("hex-prefix encoding", () => {
  for (const [nibbles, leaf, hex] of cases) {
    test(`${nibbles.join(",") || "empty"} leaf=${leaf}`, () => {
      const path = new Uint8Array(nibbles);
      expect(bytesToHex(encodeHexPrefix(path, leaf))).toBe(hex);
      expect(decodeHexPrefix(encodeHexPrefix(path, leaf))).toEqual({ path, isLeaf: leaf });
    });
  }
  test("rejects bad flags and padding", () => {
    expect(() => decodeHexPrefix(new Uint8Array([0x40]))).toThrow(/flag/);
    expect(() => decodeHexPrefix(new Uint8Array([0x01]))).toThrow(/padding/);
    expect(() => decodeHexPrefix(new Uint8Array(0))).toThrow(/empty/);
  });
});
