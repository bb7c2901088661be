import { bytesEqual } from "../crypto/hex";
import { commonPrefixLength } from "./nibbles";
import { BranchNode, ExtensionNode, HashRef, LeafNode, type NodeLoader, type ResolvedNode, type TrieNode } from "./nodes";

/** Branch holding `value` for a key that ends exactly at it, or a leaf under its next nibble. */
function placeInBranch(branch: BranchNode, rest: Uint8Array, value: Uint8Array): void {
  if (rest.length === 0) branch.value = value;
  else branch.children[rest[0]!] = new LeafNode(rest.subarray(1), value);
}

/** Wraps `node` in an extension for `path` unless the path is empty. */
function withPrefix(path: Uint8Array, node: BranchNode): ResolvedNode {
  return path.length === 0 ? node : new ExtensionNode(path, node);
}

/**
 * Inserts `value` at nibble path `key[pos..]` below `node`, mutating in place.
 * Returns the node that should now occupy the parent's slot, or undefined when
 * nothing changed (same value already there) so callers keep their caches.
 */
export function insert(
  node: TrieNode | null,
  key: Uint8Array,
  pos: number,
  value: Uint8Array,
  load: NodeLoader,
): ResolvedNode | undefined {
  if (node === null) return new LeafNode(key.subarray(pos), value);
  if (node instanceof HashRef) node = load(node);

  if (node instanceof BranchNode) {
    if (pos === key.length) {
      if (node.value !== null && bytesEqual(node.value, value)) return undefined;
      node.value = value;
    } else {
      const i = key[pos]!;
      const child = insert(node.children[i]!, key, pos + 1, value, load);
      if (child === undefined) return undefined;
      node.children[i] = child;
    }
    node.invalidate();
    return node;
  }

  const shared = commonPrefixLength(node.path, key, pos);

  if (node instanceof ExtensionNode) {
    if (shared === node.path.length) {
      const child = insert(node.child, key, pos + shared, value, load);
      if (child === undefined) return undefined;
      node.child = child;
      node.invalidate();
      return node;
    }
    // Key leaves the extension part-way: fork at the first differing nibble.
    const branch = new BranchNode();
    const extRest = node.path.subarray(shared + 1);
    branch.children[node.path[shared]!] = extRest.length === 0 ? node.child : new ExtensionNode(extRest, node.child);
    placeInBranch(branch, key.subarray(pos + shared), value);
    return withPrefix(node.path.subarray(0, shared), branch);
  }

  // Leaf.
  if (shared === node.path.length && pos + shared === key.length) {
    if (bytesEqual(node.value, value)) return undefined;
    node.value = value;
    node.invalidate();
    return node;
  }
  const branch = new BranchNode();
  placeInBranch(branch, node.path.subarray(shared), node.value);
  placeInBranch(branch, key.subarray(pos + shared), value);
  return withPrefix(node.path.subarray(0, shared), branch);
}
