// Rows a thread read from LMDB, kept across batches in flat typed arrays: fixed-size keys of
// whole words (an address, or an address and a slot) to fixed-size values (decoded words). A JS
// Map keyed by idKey strings cost, per lookup, a key intern, a Map probe and a row object, each
// a cache miss in a busy heap (about 180 ns a key measured in a batch); here a lookup reads a
// few lines of memory. Keys come as words of the shared heap with the hash the multi-version
// store already computed for them, so a lookup neither copies nor hashes the key again. Emptied
// in O(1) by a generation stamp, as the sequencer's commits make every batch start over.
const INITIAL_ENTRIES = 1024;

export class RowCache {
  /** Entry e's key is keys at e * keyWords, in the order added; its hash is hashes[e]. */
  private keys: Int32Array;
  private hashes: Int32Array;
  /** Entry e's value is values at e * valueWords; callers read and fill it in place. */
  values: Int32Array;
  /** Per bucket: entry + 1, valid only while its stamp is the current generation. */
  private buckets: Int32Array;
  private stamps: Uint32Array;
  private gen = 1;
  private count = 0;

  /** `limit` (a power of two): entries kept before the cache starts over. */
  constructor(
    private readonly keyWords: number,
    readonly valueWords: number,
    private readonly limit: number,
  ) {
    const entries = Math.min(INITIAL_ENTRIES, limit);
    this.keys = new Int32Array(entries * keyWords);
    this.hashes = new Int32Array(entries);
    this.values = new Int32Array(entries * valueWords);
    this.buckets = new Int32Array(entries * 2);
    this.stamps = new Uint32Array(entries * 2);
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
    if (++this.gen === 0xffffffff) {
      this.stamps.fill(0);
      this.gen = 1;
    }
  }

  /** The entry whose key is the keyWords words of `w` at `at` (hashed to `hash`), or -1. */
  find(w: Int32Array, at: number, hash: number): number {
    const { buckets, stamps, gen, keys, hashes, keyWords: n } = this;
    const mask = buckets.length - 1;
    for (let k = hash & mask; stamps[k] === gen; k = (k + 1) & mask) {
      const e = buckets[k]! - 1;
      if (hashes[e] !== hash) continue;
      let i = 0;
      while (i < n && keys[e * n + i] === w[at + i]) i++;
      if (i === n) return e;
    }
    return -1;
  }

  /** Adds a key find() did not find; returns its entry, whose value words the caller fills. */
  add(w: Int32Array, at: number, hash: number): number {
    if (this.count === this.limit) this.clear();
    if (this.count === this.hashes.length) this.grow();
    const e = this.count++;
    const n = this.keyWords;
    const keys = this.keys;
    for (let i = 0; i < n; i++) keys[e * n + i] = w[at + i]!;
    this.hashes[e] = hash;
    this.place(e);
    return e;
  }

  private place(e: number): void {
    const { buckets, stamps, gen } = this;
    const mask = buckets.length - 1;
    let k = this.hashes[e]! & mask;
    while (stamps[k] === gen) k = (k + 1) & mask;
    stamps[k] = gen;
    buckets[k] = e + 1;
  }

  private grow(): void {
    const entries = this.hashes.length * 2;
    const keys = new Int32Array(entries * this.keyWords);
    keys.set(this.keys);
    this.keys = keys;
    const hashes = new Int32Array(entries);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const values = new Int32Array(entries * this.valueWords);
    values.set(this.values);
    this.values = values;
    this.buckets = new Int32Array(entries * 2);
    this.stamps = new Uint32Array(entries * 2);
    for (let e = 0; e < this.count; e++) this.place(e);
  }
}
