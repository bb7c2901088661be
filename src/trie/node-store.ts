/**
 * Where committed trie nodes live, addressed by keccak of their encoding.
 * Synchronous on purpose: the trie walks nodes one by one, and embedded
 * stores such as LMDB read synchronously far faster than through promises.
 */
export interface NodeStore {
  /**
   * The encoding whose keccak is `hash`, or undefined. The trie keeps views
   * into the returned bytes, so implementations that reuse read buffers
   * must return a copy.
   */
  get(hash: Uint8Array): Uint8Array | undefined;
  /** Writes a batch of `[hash, encoding]` pairs; one call per commit so a store can use one transaction. */
  putBatch(entries: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): void;
}

// 32 bytes as a 32-char string: a cheap Map key, unlike hex which doubles length and costs a lookup per byte.
function keyOf(hash: Uint8Array): string {
  return String.fromCharCode.apply(null, hash as unknown as number[]);
}

/** NodeStore kept in a Map, for tests and for tries that never outlive the process. */
export class MemoryNodeStore implements NodeStore {
  private readonly nodes = new Map<string, Uint8Array>();

  /** Number of stored nodes. */
  get size(): number {
    return this.nodes.size;
  }

  /** The encoding stored under `hash`, or undefined. */
  get(hash: Uint8Array): Uint8Array | undefined {
    return this.nodes.get(keyOf(hash));
  }

  /** Stores each `[hash, encoding]` pair. */
  putBatch(entries: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): void {
    for (const [hash, enc] of entries) this.nodes.set(keyOf(hash), enc);
  }
}
