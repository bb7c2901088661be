import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { trimLeadingZeros } from "../../src/rlp/integers";
import { bytesKey, idKey } from "../../src/state/byte-keys";

describe("idKey", () => {
  test("equal bytes give the same key, different bytes different keys, across 20 and 32 bytes", () => {
    const id = fc.oneof(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ minLength: 32, maxLength: 32 }));
    fc.assert(
      fc.property(id, id, (a, b) => {
        expect(idKey(a) === idKey(b)).toBe(bytesKey(a) === bytesKey(b));
        expect(idKey(a.slice())).toBe(idKey(a));
      }),
      { numRuns: 2000 },
    );
  });

  test("a key survives its bytes being changed afterwards (the interned copy is its own)", () => {
    const a = new Uint8Array(20).fill(7);
    const before = idKey(a);
    a[0] = 8;
    expect(idKey(a)).not.toBe(before);
    expect(idKey(new Uint8Array(20).fill(7))).toBe(before);
  });

  test("more distinct keys than the interning table holds stay one-to-one", () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 70_000; i++) {
      const b = new Uint8Array(32);
      new DataView(b.buffer).setUint32(28, i);
      const k = idKey(b);
      expect(seen.has(k)).toBe(false);
      seen.set(k, i);
    }
    const again = new Uint8Array(32);
    new DataView(again.buffer).setUint32(28, 5);
    expect(seen.get(idKey(again))).toBe(5);
  });

  test("refuses other lengths", () => {
    expect(() => idKey(new Uint8Array(21))).toThrow(RangeError);
  });
});

describe("trimLeadingZeros", () => {
  test("drops leading zeros only, and copies when it does", () => {
    const word = new Uint8Array(32);
    word[30] = 1;
    word[31] = 2;
    const t = trimLeadingZeros(word);
    expect([...t]).toEqual([1, 2]);
    word[31] = 9;
    expect(t[1]).toBe(2);
    expect(trimLeadingZeros(new Uint8Array(32)).length).toBe(0);
    const full = new Uint8Array(32).fill(1);
    expect(trimLeadingZeros(full)).toBe(full);
  });
});
