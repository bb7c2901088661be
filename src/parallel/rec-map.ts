// A map from record word indexes (positive ints) to values, emptied in O(1): one execution
// fills it with the handful of accounts and slots it touches, and the next starts empty. A JS
// Map allocated (or cleared) per execution cost more than everything else the host does to
// look an account up.

export class RecMap<T> {
  private keys = new Int32Array(64);
  /** The generation each bucket was written in; a bucket of an older one is empty. */
  private stamps = new Uint32Array(64);
  private values: (T | undefined)[] = new Array(64);
  private gen = 1;
  private count = 0;

  /** Empties the map. */
  clear(): void {
    this.count = 0;
    if (++this.gen === 0xffffffff) {
      this.stamps.fill(0);
      this.gen = 1;
    }
  }

  get(rec: number): T | undefined {
    const b = this.bucket(rec);
    return this.stamps[b] === this.gen ? this.values[b] : undefined;
  }

  set(rec: number, value: T): void {
    const b = this.bucket(rec);
    if (this.stamps[b] !== this.gen) {
      if (++this.count * 2 > this.keys.length) {
        this.count--;
        this.grow();
        return this.set(rec, value);
      }
      this.stamps[b] = this.gen;
      this.keys[b] = rec;
    }
    this.values[b] = value;
  }

  /** The bucket holding `rec`, or the empty one where it would go (linear probing). */
  private bucket(rec: number): number {
    const mask = this.keys.length - 1;
    const { keys, stamps, gen } = this;
    for (let b = (Math.imul(rec, 0x9e3779b1) >>> 12) & mask; ; b = (b + 1) & mask) {
      if (stamps[b] !== gen || keys[b] === rec) return b;
    }
  }

  private grow(): void {
    const { keys, stamps, values, gen } = this;
    const n = keys.length * 2;
    this.keys = new Int32Array(n);
    this.stamps = new Uint32Array(n);
    this.values = new Array(n);
    this.count = 0;
    for (let b = 0; b < keys.length; b++) if (stamps[b] === gen) this.set(keys[b]!, values[b]!);
  }
}
