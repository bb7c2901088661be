import { bytesEqual, bytesToHex } from "../crypto/hex";
import { EMPTY_TRIE_ROOT } from "./empty-root";
import { bytesToNibbles } from "./nibbles";
import { decodeNode } from "./node-decode";
import { ensureEncoded, rootHashOf } from "./node-encode";
import { MemoryNodeStore, type NodeStore } from "./node-store";
import { BranchNode, ExtensionNode, HashRef, type ResolvedNode, type TrieNode } from "./nodes";
import { insert } from "./trie-insert";
import { lookup } from "./trie-lookup";
import { remove } from "./trie-remove";

/** Options for opening a trie. */
export interface TrieOptions {
  /** Backing store for committed nodes and for lazily loading an existing trie. Defaults to a fresh in-memory store. */
  store?: NodeStore;
  /** Root hash of an existing trie in `store`; omitted (or the empty root) starts empty. */
  root?: Uint8Array;
}

/**
 * Hexary Merkle-Patricia trie (Yellow Paper, Appendix D) over raw byte keys.
 * Writes mutate an in-memory node tree and clear cached encodings along their
 * path; root() re-encodes and re-hashes only those dirty paths.
 * Values are kept by reference (no copy): don't mutate them after handing them in.
 */
export class MerklePatriciaTrie {
  readonly store: NodeStore;
  private top: TrieNode | null;
  private readonly load = (ref: HashRef): ResolvedNode => {
    const enc = this.store.get(ref.hash);
    if (enc === undefined) throw new Error(`trie node ${bytesToHex(ref.hash)} missing from the node store`);
    return decodeNode(enc, ref.hash);
  };

  constructor(options: TrieOptions = {}) {
    this.store = options.store ?? new MemoryNodeStore();
    const root = options.root;
    this.top = root === undefined || bytesEqual(root, EMPTY_TRIE_ROOT) ? null : new HashRef(root);
  }

  /** The value stored under `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    return lookup(this.top, bytesToNibbles(key), this.load);
  }

  /** Stores `value` under `key`. An empty value deletes, as in Ethereum's tries. */
  put(key: Uint8Array, value: Uint8Array): void {
    if (value.length === 0) return this.del(key);
    const next = insert(this.top, bytesToNibbles(key), 0, value, this.load);
    if (next !== undefined) this.top = next;
  }

  /** Removes `key`; a no-op when it is absent. */
  del(key: Uint8Array): void {
    const next = remove(this.top, bytesToNibbles(key), 0, this.load);
    if (next !== undefined) this.top = next;
  }

  /** The 32-byte root hash, recomputing only paths changed since the last call. */
  root(): Uint8Array {
    return this.top === null ? EMPTY_TRIE_ROOT : rootHashOf(this.top);
  }

  /**
   * Writes every node not yet in the store (those with encodings ≥ 32 bytes,
   * plus the root) in one batch, and returns the root hash.
   */
  commit(): Uint8Array {
    const root = this.root();
    const top = this.top;
    if (top === null || top instanceof HashRef || top.stored) return root;
    const batch: [Uint8Array, Uint8Array][] = [];
    collectUnstored(top, batch);
    if (top.enc!.length < 32) batch.push([root, top.enc!]); // a short root is otherwise only inlined nowhere
    this.store.putBatch(batch);
    return root;
  }
}

/** Gathers unstored hashed nodes below (and including) `node`, marking them stored. */
function collectUnstored(node: TrieNode, out: [Uint8Array, Uint8Array][]): void {
  if (node instanceof HashRef || node.stored) return;
  if (node instanceof BranchNode) {
    for (let i = 0; i < 16; i++) {
      const c = node.children[i]!;
      if (c !== null) collectUnstored(c, out);
    }
  } else if (node instanceof ExtensionNode) {
    collectUnstored(node.child, out);
  }
  ensureEncoded(node);
  if (node.enc!.length >= 32) out.push([node.hash!, node.enc!]);
  node.stored = true;
}

