// The shared heap: one SharedArrayBuffer mapped by the main thread and every worker. It starts
// with the control block (control-layout.ts); everything else (transaction table, hash table,
// records, versions, read and write sets, inputs, outputs, code) is bump-allocated per batch
// and forgotten as a whole when the next batch starts.
//
// Which accesses are atomic. In Bun every Atomics operation costs about 5 ns, a plain load
// 0.4 (loads and stores alike: a call rather than an instruction), and a transfer made 25 or so
// of them. So Atomics are kept for what needs them: compare-and-swap and add, stores that
// publish data (a version linked into its list, a status word), spin loops, and loads that
// later reads depend on only by control, not by address (a status before the read set or
// output it guards, a base value's Loaded flag, Control.LAID_OUT): those must be acquire loads
// on weakly ordered CPUs. Everything else is read plainly: a pointer followed to the data it
// points at (a list head, a hash bucket: ordered by the address dependency on every CPU), a
// counter or flag whose stale value only costs a retry, or validation tasks' reads, which only
// advise (the main thread's check at commit decides, after an acquire of the status).
// Alternating processes on 2 cores, 1,000 plain transfers a batch: median 1.46x -> 1.53x over
// five pairs (1.48x -> 1.49x over four more; the noise is about as large as the gain).
import { Control, CONTROL_WORDS, FailReason } from "./control-layout";
import type { WordBytes } from "../exec/core";

/** Words a thread takes from the shared bump pointer at a time (16 KiB). */
const CHUNK_WORDS = 4096;

export class HeapFullError extends Error {
  override name = "HeapFullError";
}

export class SharedHeap {
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  readonly view: DataView;
  /** The same bytes and words, as the core copies inputs and outputs. */
  readonly whole: WordBytes;
  /** This thread's current chunk: next free word and end. */
  private chunkAt = 0;
  private chunkEnd = 0;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.view = new DataView(buffer);
    this.whole = { bytes: this.u8, words: this.i32 };
  }

  static create(bytes: number): SharedHeap {
    const heap = new SharedHeap(new SharedArrayBuffer(Math.ceil(bytes / 64) * 64));
    heap.i32[Control.HEAP_WORDS] = heap.i32.length;
    return heap;
  }

  get words(): number {
    return this.i32.length;
  }

  /** Forgets every allocation of the previous batch. Main thread, between batches only. */
  reset(): void {
    this.beginBatch();
    this.i32.fill(0, 0, CONTROL_WORDS);
    this.i32[Control.HEAP_WORDS] = this.i32.length;
    this.i32[Control.ALLOC] = CONTROL_WORDS;
  }

  /** `words` zeroed words (16-byte aligned); see allocRaw. */
  alloc(words: number): number {
    const at = this.allocRaw(words);
    const i32 = this.i32;
    // A version's 16 words: a loop (8 ns here) beats a call into fill() (12 ns), which wins from
    // a slot record's 28 on (14 ns against 19).
    if (words > 16) i32.fill(0, at, at + words);
    else for (let w = at, end = at + words; w < end; w++) i32[w] = 0;
    return at;
  }

  /**
   * `words` words (16-byte aligned) holding whatever the previous batch left, for callers that
   * write all of them (outputs, inputs, read and write sets), which were zeroed a chunk at a time
   * before (paired runs on 2 cores, four each: plain transfers 1.34x -> 1.41x, ERC-20 transfers
   * unchanged at 1.67x; a few percent at most, given the noise). Throws HeapFullError, after
   * marking the batch failed, when the heap is exhausted. Each thread carves its allocations out
   * of chunks of its own (taken from the shared bump pointer), so threads neither contend on the
   * pointer nor write to the same cache lines.
   */
  allocRaw(words: number): number {
    const n = (words + 3) & ~3;
    if (n > CHUNK_WORDS >> 2) return this.allocShared(n);
    let at = this.chunkAt;
    if (at + n > this.chunkEnd) {
      at = this.allocShared(CHUNK_WORDS);
      this.chunkEnd = at + CHUNK_WORDS;
    }
    this.chunkAt = at + n;
    return at;
  }

  /** Drops this thread's chunk: call when a batch starts (reset() forgets every allocation). */
  beginBatch(): void {
    this.chunkAt = this.chunkEnd = 0;
  }

  /** `words` (a multiple of 4) words straight from the shared bump pointer. */
  private allocShared(n: number): number {
    const at = Atomics.add(this.i32, Control.ALLOC, n);
    if (at + n > this.i32.length) this.fail(`shared heap of ${this.i32.length * 4} bytes is full`);
    return at;
  }

  /** Marks the batch failed for lack of room (in the heap, or `reason`'s) and unwinds the caller. */
  fail(why: string, reason = FailReason.HeapFull): never {
    Atomics.compareExchange(this.i32, Control.FAIL, FailReason.None, reason);
    throw new HeapFullError(why);
  }

  /** Copies `bytes` into freshly allocated heap space; returns its byte offset. */
  storeBytes(bytes: Uint8Array): number {
    const at = this.allocRaw((bytes.length + 3) >> 2) * 4;
    this.u8.set(bytes, at);
    return at;
  }

  /** Spin lock on word `at` (0 free, 1 held); held only for a few list operations. */
  lock(at: number): void {
    if (Atomics.compareExchange(this.i32, at, 0, 1) === 0) return;
    for (let spins = 1; Atomics.compareExchange(this.i32, at, 0, 1) !== 0; spins++) {
      // On an oversubscribed machine the holder may be descheduled: stop burning its core.
      if ((spins & 255) === 0) Atomics.wait(this.i32, at, 1, 0.05);
    }
  }

  unlock(at: number): void {
    Atomics.store(this.i32, at, 0);
  }
}
