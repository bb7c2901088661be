/** Where an item records its own slot, so removal and re-keying need no search. */
export interface HeapSlot<T> {
  get(item: T): number;
  set(item: T, index: number): void;
}

/**
 * Binary min-heap whose items remember their index (-1 when absent), giving
 * O(log n) push, pop, remove and re-key. An item may sit in several heaps at
 * once as long as each uses its own slot.
 */
export class IndexedHeap<T> {
  private items: T[] = [];

  constructor(
    private readonly less: (a: T, b: T) => boolean,
    private readonly slot: HeapSlot<T>,
  ) {}

  /** Number of items. */
  get size(): number {
    return this.items.length;
  }

  /** The minimum, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /**
   * The item at array index `i` (children of i sit at 2i+1 and 2i+2), for
   * read-only best-first walks that must not disturb the heap.
   */
  at(i: number): T | undefined {
    return this.items[i];
  }

  /** Whether `item` is currently in this heap. */
  has(item: T): boolean {
    return this.slot.get(item) >= 0;
  }

  /** Adds `item`; it must not already be in this heap. */
  push(item: T): void {
    const i = this.items.length;
    this.items.push(item);
    this.slot.set(item, i);
    this.up(i);
  }

  /** Removes and returns the minimum. */
  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Removes `item` if present; returns whether it was. */
  remove(item: T): boolean {
    const i = this.slot.get(item);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  /** Restores order after `item`'s key changed, inserting it if absent. */
  update(item: T): void {
    const i = this.slot.get(item);
    if (i < 0) return this.push(item);
    if (!this.up(i)) this.down(i);
  }

  /** Re-sorts in O(n) after keys changed en masse (e.g. a new base fee). */
  heapify(): void {
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  /** Replaces the contents with `items` in O(n); the caller resets slots of items left out. */
  rebuild(items: T[]): void {
    this.items = items;
    for (let i = 0; i < items.length; i++) this.slot.set(items[i]!, i);
    this.heapify();
  }

  /** A snapshot of the items in heap (not sorted) order. */
  toArray(): T[] {
    return this.items.slice();
  }

  /** Throws if slots or the heap property are broken; for invariant checks in tests. */
  check(label: string): void {
    for (let i = 0; i < this.items.length; i++) {
      if (this.slot.get(this.items[i]!) !== i) throw new Error(`${label}: item ${i} records slot ${this.slot.get(this.items[i]!)}`);
      if (i > 0 && this.less(this.items[i]!, this.items[(i - 1) >> 1]!)) throw new Error(`${label}: heap order broken at ${i}`);
    }
  }

  private removeAt(i: number): void {
    const items = this.items;
    const gone = items[i]!;
    const last = items.pop()!;
    this.slot.set(gone, -1);
    if (i === items.length) return;
    items[i] = last;
    this.slot.set(last, i);
    if (!this.up(i)) this.sink(i);
  }

  /**
   * Sift-down for an item taken from the bottom (Floyd): walk the hole to a
   * leaf along smaller children, one comparison per level, then let the item
   * climb back, usually only a level or two. Halves comparisons on removal,
   * which dominates the pool's commit path.
   */
  private sink(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    const start = i;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(items[r]!, items[l]!) ? r : l;
      items[i] = items[c]!;
      this.slot.set(items[i]!, i);
      i = c;
    }
    items[i] = item;
    this.up(i, start);
  }

  /** Moves the item at `i` up while it is less than its parent, no higher than `floor`; whether it moved. */
  private up(i: number, floor = 0): boolean {
    const items = this.items;
    const item = items[i]!;
    const start = i;
    while (i > floor) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!this.less(item, p)) break;
      items[i] = p;
      this.slot.set(p, i);
      i = parent;
    }
    items[i] = item;
    this.slot.set(item, i);
    return i !== start;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(items[r]!, items[l]!) ? r : l;
      if (!this.less(items[c]!, item)) break;
      items[i] = items[c]!;
      this.slot.set(items[i]!, i);
      i = c;
    }
    items[i] = item;
    this.slot.set(item, i);
  }
}
