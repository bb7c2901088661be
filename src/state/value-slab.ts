// lmdb-js queues a value by the address of its ArrayBuffer. A small Uint8Array allocated on its own
// has no ArrayBuffer until one is asked for, and materialising it (then looking its address up)
// costs several times more than copying the bytes; so such values are copied into shared chunks,
// whose address lmdb-js looks up once, before they are queued. A view at a non-zero offset already
// has its buffer (and reading byteOffset materialises nothing), so it is queued as it is.

const CHUNK_BYTES = 64 * 1024;
/** Values at most this long are copied; longer ones are queued as they are. */
const SMALL_VALUE = 1024;

/** Chunks for one commit's small values. lmdb-js keeps each queued value referenced until written, so chunks are never reused. */
export class ValueSlab {
  private chunk = new Uint8Array(0);
  private used = 0;

  /** `value`, or for a small one that may own its bytes an equal copy inside a shared chunk. */
  place(value: Uint8Array): Uint8Array {
    const n = value.length;
    if (n > SMALL_VALUE || value.byteOffset !== 0) return value;
    if (this.used + n > this.chunk.length) {
      this.chunk = new Uint8Array(CHUNK_BYTES);
      this.used = 0;
    }
    const at = this.used;
    this.chunk.set(value, at);
    this.used = at + n;
    return this.chunk.subarray(at, at + n);
  }
}
