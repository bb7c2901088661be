// WriteBatch keeps rows in the order written (a later write of a key wins when queued, as in a
// lookup); ValueSlab copies only small values that may own their bytes.
import { describe, expect, test } from "bun:test";
import type { BinaryDatabase, DatabaseName } from "../../src/state/chain-env";
import { ValueSlab } from "../../src/state/value-slab";
import { WriteBatch } from "../../src/state/write-batch";

const key = (b: number) => Uint8Array.of(b);
const val = (...b: number[]) => Uint8Array.from(b);

/** Databases that record the calls queue() makes, in order. */
function recorder() {
  const calls: string[] = [];
  const db = (name: string) =>
    ({
      put: (k: Uint8Array, v: Uint8Array) => void calls.push(`${name} put ${k} = ${v}`),
      remove: (k: Uint8Array) => void calls.push(`${name} remove ${k}`),
    }) as unknown as BinaryDatabase;
  const dbs = new Proxy({}, { get: (_, name) => db(String(name)) }) as Record<DatabaseName, BinaryDatabase>;
  return { calls, dbs };
}

describe("WriteBatch", () => {
  test("the latest write of a key wins, before and after the first lookup", () => {
    const b = new WriteBatch();
    b.put("meta", key(1), val(1));
    b.remove("meta", key(1));
    expect(b.lookup("meta", key(1))).toBeNull();
    b.put("meta", key(1), val(2));
    expect(b.lookup("meta", key(1))).toEqual(val(2));
    expect(b.lookup("headers", key(1))).toBeUndefined();
    b.put("headers", key(1), val(3));
    expect(b.lookup("headers", key(1))).toEqual(val(3));
    expect(b.size).toBe(2);
  });

  test("queue writes every row in order, so LMDB keeps the latest", () => {
    const b = new WriteBatch();
    b.put("meta", key(1), val(1));
    b.put("txIndex", key(2), val(2));
    b.remove("meta", key(1));
    b.put("meta", key(1), val(3));
    const { calls, dbs } = recorder();
    b.queue(dbs);
    expect(calls).toEqual(["meta put 1 = 1", "txIndex put 2 = 2", "meta remove 1", "meta put 1 = 3"]);
  });

  test("refuses empty values and bad keys up front", () => {
    const b = new WriteBatch();
    expect(() => b.put("meta", key(1), new Uint8Array(0))).toThrow(RangeError);
    expect(() => b.put("meta", new Uint8Array(0), val(1))).toThrow(RangeError);
    expect(() => b.remove("meta", new Uint8Array(5000))).toThrow(RangeError);
    expect(b.size).toBe(0);
  });
});

describe("ValueSlab", () => {
  test("copies small values that may own their bytes, passes views and large values through", () => {
    const slab = new ValueSlab();
    const small = val(1, 2, 3);
    const placed = slab.place(small);
    expect(placed).not.toBe(small);
    expect(placed).toEqual(small);
    const second = slab.place(val(4, 5));
    expect(second).toEqual(val(4, 5));
    expect(placed).toEqual(val(1, 2, 3)); // later values do not overwrite earlier ones
    const view = new Uint8Array(100).subarray(10, 20);
    expect(slab.place(view)).toBe(view);
    const large = new Uint8Array(2000);
    expect(slab.place(large)).toBe(large);
    const many = Array.from({ length: 200 }, (_, i) => slab.place(new Uint8Array(1000).fill(i & 255)));
    many.forEach((v, i) => expect(v[999]).toBe(i & 255)); // across chunks
  });
});
