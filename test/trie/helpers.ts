import { MerklePatriciaTrie as ReferenceTrie } from "@ethereumjs/mpt";
import { hexToBytes } from "../../src/crypto";
import { MerklePatriciaTrie } from "../../src/trie";

const utf8 = new TextEncoder();

/** Test-vector keys/values: `0x…` is hex, anything else is UTF-8. */
export function vectorBytes(s: string): Uint8Array {
  return s.startsWith("0x") ? hexToBytes(s) : utf8.encode(s);
}

/** Our trie rebuilt from scratch over `entries`. */
export function rebuild(entries: Iterable<[Uint8Array, Uint8Array]>): MerklePatriciaTrie {
  const t = new MerklePatriciaTrie();
  for (const [k, v] of entries) t.put(k, v);
  return t;
}

/** Root according to @ethereumjs/mpt, the independent oracle. */
export async function referenceRoot(entries: Iterable<[Uint8Array, Uint8Array]>, hashKeys = false): Promise<Uint8Array> {
  const t = new ReferenceTrie({ useKeyHashing: hashKeys });
  for (const [k, v] of entries) await t.put(k, v);
  return t.root();
}

/** Map key for byte arrays in tests. */
export const keyString = (k: Uint8Array): string => Buffer.from(k).toString("hex");
