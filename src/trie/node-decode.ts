import { decode } from "../rlp/decode";
import { encode } from "../rlp/encode";
import type { RlpInput } from "../rlp/types";
import { decodeHexPrefix } from "./hex-prefix";
import { BranchNode, ExtensionNode, HashRef, LeafNode, type ResolvedNode, type TrieNode } from "./nodes";

function fail(why: string): never {
  throw new Error(`invalid trie node: ${why}`);
}

function expectBytes(item: RlpInput | undefined, what: string): Uint8Array {
  if (!(item instanceof Uint8Array)) fail(`${what} must be a byte string`);
  return item;
}

/** A child slot: empty, a 32-byte hash (loaded lazily), or an inlined node. */
function childFromItem(item: RlpInput): TrieNode | null {
  if (Array.isArray(item)) {
    // Inlined children have no separate bytes of their own; re-encoding gives
    // them back exactly since the parent was decoded strictly (canonically).
    const enc = encode(item);
    if (enc.length >= 32) fail("inlined child is 32 bytes or longer");
    return nodeFromItems(item, enc);
  }
  if (item.length === 0) return null;
  if (item.length === 32) return new HashRef(item);
  return fail(`child reference of ${item.length} bytes`);
}

function nodeFromItems(items: RlpInput[], enc: Uint8Array): ResolvedNode {
  let node: ResolvedNode;
  if (items.length === 2) {
    const { path, isLeaf } = decodeHexPrefix(expectBytes(items[0], "path"));
    if (isLeaf) {
      node = new LeafNode(path, expectBytes(items[1], "leaf value"));
    } else {
      if (path.length === 0) fail("extension with empty path");
      const child = childFromItem(items[1]!);
      if (child === null) fail("extension without child");
      node = new ExtensionNode(path, child);
    }
  } else if (items.length === 17) {
    const branch = new BranchNode();
    for (let i = 0; i < 16; i++) branch.children[i] = childFromItem(items[i]!);
    const value = expectBytes(items[16], "branch value");
    branch.value = value.length === 0 ? null : value;
    node = branch;
  } else {
    return fail(`list of ${items.length} items`);
  }
  // Freshly decoded bytes are, by definition, what this node encodes to and
  // already persisted: seed the cache so re-rooting never touches it.
  node.enc = enc;
  node.stored = true;
  return node;
}

/**
 * Decodes a stored node. `enc` must not be mutated afterwards: the node keeps
 * views into it as its cached encoding, path bytes and values.
 */
export function decodeNode(enc: Uint8Array, hash: Uint8Array): ResolvedNode {
  const items = decode(enc);
  if (!Array.isArray(items)) fail("not a list");
  const node = nodeFromItems(items, enc);
  node.hash = hash;
  return node;
}
