// In-memory trie nodes. Every resolved node caches its RLP encoding (and its
// keccak when the encoding is ≥ 32 bytes, i.e. when parents reference it by
// hash). A mutation clears the cache on the changed node and, because the
// mutating walk passes through them, on all of its ancestors: root() then
// re-encodes exactly the dirty paths.

/** Cache fields shared by leaf, extension and branch nodes. */
abstract class CachedNode {
  /** RLP encoding, or null when the node (or something below it) changed. */
  enc: Uint8Array | null = null;
  /** keccak(enc), computed when enc is ≥ 32 bytes or the node is the root. */
  hash: Uint8Array | null = null;
  /** True once this node's whole subtree has been written to the node store. */
  stored = false;

  /** Drops cached encoding/hash after a mutation of this node or below. */
  invalidate(): void {
    this.enc = null;
    this.hash = null;
    this.stored = false;
  }
}

/** Terminal node: the rest of the key (`path`, in nibbles) and the value. */
export class LeafNode extends CachedNode {
  constructor(
    public path: Uint8Array,
    public value: Uint8Array,
  ) {
    super();
  }
}

/** Shared non-empty key segment (`path`, in nibbles) leading to a branch. */
export class ExtensionNode extends CachedNode {
  constructor(
    public path: Uint8Array,
    public child: TrieNode,
  ) {
    super();
  }
}

/** 16-way fork on the next nibble, plus the value of a key ending here. */
export class BranchNode extends CachedNode {
  children: (TrieNode | null)[] = [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null];
  value: Uint8Array | null = null;
}

/** A node known only by its hash; its body is loaded from the node store on first use. */
export class HashRef {
  constructor(public readonly hash: Uint8Array) {}
}

/** A node whose body is in memory. */
export type ResolvedNode = LeafNode | ExtensionNode | BranchNode;
/** Anything that can sit in a child slot. */
export type TrieNode = ResolvedNode | HashRef;

/** Turns a HashRef into its in-memory node (from the node store). */
export type NodeLoader = (ref: HashRef) => ResolvedNode;
