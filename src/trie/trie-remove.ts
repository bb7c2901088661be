import { concatNibbles, matchesRest, prependNibble, startsWithAt } from "./nibbles";
import { BranchNode, ExtensionNode, HashRef, LeafNode, type NodeLoader, type ResolvedNode, type TrieNode } from "./nodes";

const EMPTY_PATH = new Uint8Array(0);

/**
 * Re-attaches `child` (which replaced an extension's old child) below `path`,
 * merging paths so no extension ever points at a leaf or another extension.
 */
function joinPath(path: Uint8Array, child: ResolvedNode): ResolvedNode {
  if (child instanceof LeafNode) return new LeafNode(concatNibbles(path, child.path), child.value);
  if (child instanceof ExtensionNode) return new ExtensionNode(concatNibbles(path, child.path), child.child);
  return new ExtensionNode(path, child);
}

/** Rewrites a branch left with fewer than two entries into the canonical smaller node. */
function normalizeBranch(branch: BranchNode, load: NodeLoader): ResolvedNode | null {
  let only = -1;
  const children = branch.children;
  for (let i = 0; i < 16; i++) {
    if (children[i] === null) continue;
    if (only !== -1 || branch.value !== null) return branch; // still ≥ 2 entries
    only = i;
  }
  if (only === -1) return branch.value === null ? null : new LeafNode(EMPTY_PATH, branch.value);
  let child = children[only]!;
  // The survivor's kind decides the merge, so a lazily stored one must be loaded.
  if (child instanceof HashRef) child = load(child);
  if (child instanceof LeafNode) return new LeafNode(prependNibble(only, child.path), child.value);
  if (child instanceof ExtensionNode) return new ExtensionNode(prependNibble(only, child.path), child.child);
  return new ExtensionNode(prependNibble(only, EMPTY_PATH), child);
}

/**
 * Removes nibble path `key[pos..]` below `node`, mutating in place. Returns the
 * node for the parent's slot (null if the subtree emptied), or undefined when
 * the key was absent so callers keep their caches.
 */
export function remove(
  node: TrieNode | null,
  key: Uint8Array,
  pos: number,
  load: NodeLoader,
): ResolvedNode | null | undefined {
  if (node === null) return undefined;
  if (node instanceof HashRef) node = load(node);

  if (node instanceof LeafNode) return matchesRest(node.path, key, pos) ? null : undefined;

  if (node instanceof ExtensionNode) {
    if (!startsWithAt(key, pos, node.path)) return undefined;
    const child = remove(node.child, key, pos + node.path.length, load);
    if (child === undefined) return undefined;
    if (child === null) return null; // unreachable for a valid trie: a branch never empties in one delete
    if (child instanceof BranchNode) {
      node.child = child;
      node.invalidate();
      return node;
    }
    return joinPath(node.path, child);
  }

  if (pos === key.length) {
    if (node.value === null) return undefined;
    node.value = null;
  } else {
    const i = key[pos]!;
    const child = remove(node.children[i]!, key, pos + 1, load);
    if (child === undefined) return undefined;
    node.children[i] = child;
  }
  node.invalidate();
  return normalizeBranch(node, load);
}
