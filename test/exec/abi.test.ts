// The host side of the core's boundary: reading the words the core writes.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { readWord } from "../../src/exec/abi";

test("readWord reads any 256-bit big-endian word, whichever of its short paths applies", () => {
  // Values below 2^64, below 2^128 and beyond, as balances and values land in each.
  const word = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 2n ** 64n, max: 2n ** 128n - 1n }), fc.bigInt({ min: 2n ** 128n, max: 2n ** 256n - 1n }));
  fc.assert(
    fc.property(word, fc.integer({ min: 0, max: 8 }), (v, at) => {
      const bytes = new Uint8Array(at + 32);
      for (let i = 0; i < 32; i++) bytes[at + 31 - i] = Number((v >> BigInt(8 * i)) & 0xffn);
      expect(readWord(new DataView(bytes.buffer), at)).toBe(v);
    }),
  );
});
