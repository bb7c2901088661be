import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { RecMap } from "../../src/parallel/rec-map";

describe("RecMap", () => {
  test("behaves like a Map across clears and growth", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer()), { maxLength: 300 }), { maxLength: 8 }), (rounds) => {
        const m = new RecMap<number>();
        for (const ops of rounds) {
          m.clear();
          const ref = new Map<number, number>();
          for (const [k, v] of ops) {
            expect(m.get(k)).toBe(ref.get(k));
            m.set(k, v);
            ref.set(k, v);
          }
          for (const [k, v] of ref) expect(m.get(k)).toBe(v);
          expect(m.get(5001)).toBeUndefined();
        }
      }),
    );
  });
});
