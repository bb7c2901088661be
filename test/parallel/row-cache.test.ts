import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { bytesToHex } from "../../src/crypto/hex";
import { RowCache } from "../../src/parallel/row-cache";

describe("RowCache", () => {
  test("behaves like a Map from key bytes to value words across clears and growth", () => {
    // Keys from a small alphabet so that rounds repeat keys; 2,000 adds a round outgrow the initial table.
    const key = fc.tuple(fc.integer({ min: 0, max: 2999 }), fc.integer({ min: 0, max: 3 })).map(([i, j]) => {
      const b = new Uint8Array(20);
      new DataView(b.buffer).setUint32(0, i);
      b[19] = j;
      return b;
    });
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(key, fc.integer()), { maxLength: 2000 }), { maxLength: 4 }), (rounds) => {
        const cache = new RowCache(20, 2, 1 << 16);
        for (const ops of rounds) {
          cache.clear();
          const ref = new Map<string, number>();
          for (const [k, v] of ops) {
            let e = cache.find(k, 0);
            expect(e >= 0 ? cache.values[e * 2 + 1] : undefined).toBe(ref.get(bytesToHex(k)));
            if (e < 0) e = cache.add(k, 0);
            cache.values[e * 2] = -1;
            cache.values[e * 2 + 1] = v;
            ref.set(bytesToHex(k), v);
          }
          expect(cache.size).toBe(ref.size);
          for (const [k, v] of ops) expect(cache.values[cache.find(k, 0) * 2 + 1]).toBe(ref.get(bytesToHex(k)) ?? v);
        }
      }),
      { numRuns: 50 },
    );
  });

  test("finds a key at an offset, and starts over once it holds `limit` entries", () => {
    const cache = new RowCache(52, 1, 4);
    const buf = new Uint8Array(100);
    const at = (i: number) => {
      buf.fill(i, 10, 62);
      return 10;
    };
    for (let i = 0; i < 4; i++) cache.values[cache.add(buf, at(i))] = i;
    expect(cache.values[cache.find(buf, at(2))]).toBe(2);
    cache.values[cache.add(buf, at(4))] = 4;
    expect(cache.size).toBe(1);
    expect(cache.find(buf, at(2))).toBe(-1);
    expect(cache.values[cache.find(buf, at(4))]).toBe(4);
  });

  test("refuses keys that are not whole words", () => {
    expect(() => new RowCache(21, 1, 8)).toThrow(RangeError);
  });
});
