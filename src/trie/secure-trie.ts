import { keccak256 } from "../crypto/keccak";
import { MerklePatriciaTrie, type TrieOptions } from "./trie";

/**
 * Trie keyed by keccak256(key), as Ethereum's state and storage tries are:
 * hashing spreads keys evenly so paths stay short and balanced.
 */
export class SecureTrie {
  readonly trie: MerklePatriciaTrie;

  constructor(options: TrieOptions = {}) {
    this.trie = new MerklePatriciaTrie(options);
  }

  /** Value stored under keccak256(`key`), or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    return this.trie.get(keccak256(key));
  }

  /** Stores `value` under keccak256(`key`); an empty value deletes. */
  put(key: Uint8Array, value: Uint8Array): void {
    this.trie.put(keccak256(key), value);
  }

  /** Removes keccak256(`key`). */
  del(key: Uint8Array): void {
    this.trie.del(keccak256(key));
  }

  /** The 32-byte root hash. */
  root(): Uint8Array {
    return this.trie.root();
  }

  /** Persists new nodes to the store and returns the root hash. */
  commit(): Uint8Array {
    return this.trie.commit();
  }
}
