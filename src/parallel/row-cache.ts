// Rows a thread read from LMDB, kept across batches in flat typed arrays: fixed-size byte keys
// (an address, or an address and a slot) to fixed-size values (decoded words). A JS Map keyed
// by idKey strings cost, per lookup, a key intern, a Map probe and a row object, each a cache
// miss in a busy heap (about 180 ns a key measured in a batch); here a lookup hashes the key and
// reads a few lines of memory. Emptied in O(1) by a generation stamp, as the sequencer's
// commits make every batch start over.
import { bytesEqualAt } from "../crypto/hex";
import { hashBytes } from "../crypto/byte-hash";

const INITIAL_ENTRIES = 1024;

export class RowCache {
  /** Entry e's key is keyBytes at e * keyBytes, in the order added. */
  private keys: Uint8Array;
  /** Entry e's value is valueWords at e * valueWords; callers read and fill it in place. */
  values: Int32Array;
  /** Per bucket: entry + 1, valid only while its stamp is the current generation. */
  private buckets: Int32Array;
  private stamps: Uint32Array;
  private gen = 1;
  private count = 0;

  /** `limit` (a power of two): entries kept before the cache starts over. */
  constructor(
    private readonly keyBytes: number,
    readonly valueWords: number,
    private readonly limit: number,
  ) {
    if (keyBytes % 4 !== 0) throw new RangeError(`RowCache keys must be whole words, got ${keyBytes} bytes`);
    const entries = Math.min(INITIAL_ENTRIES, limit);
    this.keys = new Uint8Array(entries * keyBytes);
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

  /** The entry whose key is the keyBytes of `b` at `at`, or -1. */
  find(b: Uint8Array, at: number): number {
    const { buckets, stamps, gen, keys, keyBytes: n } = this;
    const mask = buckets.length - 1;
    for (let k = hashBytes(b, at, n) & mask; stamps[k] === gen; k = (k + 1) & mask) {
      const e = buckets[k]! - 1;
      if (bytesEqualAt(keys, e * n, b, at, n)) return e;
    }
    return -1;
  }

  /** Adds a key find() did not find; returns its entry, whose value words the caller fills. */
  add(b: Uint8Array, at: number): number {
    if (this.count === this.limit) this.clear();
    if (this.count * this.keyBytes === this.keys.length) this.grow();
    const e = this.count++;
    const n = this.keyBytes;
    const keys = this.keys;
    for (let i = 0; i < n; i++) keys[e * n + i] = b[at + i]!;
    this.place(e);
    return e;
  }

  private place(e: number): void {
    const { buckets, stamps, gen } = this;
    const mask = buckets.length - 1;
    let k = hashBytes(this.keys, e * this.keyBytes, this.keyBytes) & mask;
    while (stamps[k] === gen) k = (k + 1) & mask;
    stamps[k] = gen;
    buckets[k] = e + 1;
  }

  private grow(): void {
    const entries = (this.keys.length / this.keyBytes) * 2;
    const keys = new Uint8Array(entries * this.keyBytes);
    keys.set(this.keys);
    this.keys = keys;
    const values = new Int32Array(entries * this.valueWords);
    values.set(this.values);
    this.values = values;
    this.buckets = new Int32Array(entries * 2);
    this.stamps = new Uint32Array(entries * 2);
    for (let e = 0; e < this.count; e++) this.place(e);
  }
}
