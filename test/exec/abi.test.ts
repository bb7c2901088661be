// The host side of the core's boundary: the words the core reads and writes.
import { expect, test } from "bun:test";
import fc from "fast-check";
import { readWord, writeWord } from "../../src/exec/abi";

// Values below 2^64, below 2^128 and beyond, as balances and values land in each.
const word = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 2n ** 64n, max: 2n ** 128n - 1n }), fc.bigInt({ min: 2n ** 128n, max: 2n ** 256n - 1n }));

test("readWord reads any 256-bit big-endian word, whichever of its short paths applies", () => {
  fc.assert(
    fc.property(word, fc.integer({ min: 0, max: 8 }), (v, at) => {
      const bytes = new Uint8Array(at + 32);
      for (let i = 0; i < 32; i++) bytes[at + 31 - i] = Number((v >> BigInt(8 * i)) & 0xffn);
      expect(readWord(new DataView(bytes.buffer), at)).toBe(v);
    }),
  );
});

test("writeWord writes any 256-bit word big-endian over whatever the bytes held, whichever of its short paths applies", () => {
  fc.assert(
    fc.property(word, fc.integer({ min: 0, max: 8 }), fc.uint8Array({ minLength: 40, maxLength: 40 }), (v, at, before) => {
      const bytes = before.slice();
      expect(writeWord(new DataView(bytes.buffer), at, v)).toBe(at + 32);
      for (let i = 0; i < 32; i++) expect(bytes[at + 31 - i]).toBe(Number((v >> BigInt(8 * i)) & 0xffn));
      expect([...bytes.subarray(0, at), ...bytes.subarray(at + 32)]).toEqual([...before.subarray(0, at), ...before.subarray(at + 32)]);
    }),
  );
});
