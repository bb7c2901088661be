import { matchesRest, startsWithAt } from "./nibbles";
import { BranchNode, ExtensionNode, HashRef, type NodeLoader, type TrieNode } from "./nodes";

/** Value stored under the nibble path `key`, or undefined. */
export function lookup(root: TrieNode | null, key: Uint8Array, load: NodeLoader): Uint8Array | undefined {
  let node = root;
  let pos = 0;
  while (node !== null) {
    if (node instanceof HashRef) node = load(node);
    if (node instanceof BranchNode) {
      if (pos === key.length) return node.value ?? undefined;
      node = node.children[key[pos++]!]!;
    } else if (node instanceof ExtensionNode) {
      if (!startsWithAt(key, pos, node.path)) return undefined;
      pos += node.path.length;
      node = node.child;
    } else {
      return matchesRest(node.path, key, pos) ? node.value : undefined;
    }
  }
  return undefined;
}

