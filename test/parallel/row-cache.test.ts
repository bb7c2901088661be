import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { RowCache } from "../../src/parallel/row-cache";

describe("RowCache", () => {
  test("behaves like a Map from key words to value words across clears, growth and colliding hashes", () => {
    // Keys from a small alphabet so that rounds repeat keys; 2,000 adds a round outgrow the
    // initial table; hashes of 3 bits make most lookups walk past entries of other keys.
    const key = fc.tuple(fc.integer({ min: 0, max: 2999 }), fc.integer({ min: 0, max: 3 })).map(([i, j]) => Int32Array.of(i, 7, 7, 7, j));
    const hash = (k: Int32Array) => (k[0]! * 31 + k[4]!) & 7;
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(key, fc.integer()), { maxLength: 2000 }), { maxLength: 4 }), (rounds) => {
        const cache = new RowCache(5, 2, 1 << 16);
        for (const ops of rounds) {
          cache.clear();
          const ref = new Map<string, number>();
          for (const [k, v] of ops) {
            let e = cache.find(k, 0, hash(k));
            expect(e >= 0 ? cache.values[e * 2 + 1] : undefined).toBe(ref.get(k.join()));
            if (e < 0) e = cache.add(k, 0, hash(k));
            cache.values[e * 2] = -1;
            cache.values[e * 2 + 1] = v;
            ref.set(k.join(), v);
          }
          expect(cache.size).toBe(ref.size);
          for (const [k, v] of ops) expect(cache.values[cache.find(k, 0, hash(k)) * 2 + 1]).toBe(ref.get(k.join()) ?? v);
        }
      }),
      { numRuns: 50 },
    );
  });

  test("finds a key at an offset, and starts over once it holds `limit` entries", () => {
    const cache = new RowCache(13, 1, 4);
    const words = new Int32Array(40);
    const at = (i: number) => {
      words.fill(i, 10, 23);
      return 10;
    };
    for (let i = 0; i < 4; i++) cache.values[cache.add(words, at(i), i)] = i;
    expect(cache.values[cache.find(words, at(2), 2)]).toBe(2);
    expect(cache.find(words, at(2), 3)).toBe(-1); // callers hash a key the same way every time
    cache.values[cache.add(words, at(4), 4)] = 4;
    expect(cache.size).toBe(1);
    expect(cache.find(words, at(2), 2)).toBe(-1);
    expect(cache.values[cache.find(words, at(4), 4)]).toBe(4);
  });
});
