import { describe, expect, test } from "bun:test";
import { hexToBytes } from "../../src/crypto";
import { decode, encode, minimalBytesToBigInt, RlpError, type RlpInput } from "../../src/rlp";
import { toInput, type Spec } from "./helpers";

function rejects(hex: string, message: RegExp, offset: number): void {
  let caught: unknown;
  try {
    decode(hexToBytes(hex));
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RlpError);
  const err = caught as RlpError;
  expect(err.message).toMatch(message);
  expect(err.message).toContain(`at offset ${offset}`);
  expect(err.offset).toBe(offset);
}

describe("rlp decode: valid input", () => {
  const cases: [string, Spec][] = [
    ["0x83646f67", "dog"],
    ["0xc88363617483646f67", ["cat", "dog"]],
    ["0x80", ""],
    ["0xc0", []],
    ["0x00", new Uint8Array([0])],
    ["0x0f", new Uint8Array([15])],
    ["0x820400", new Uint8Array([4, 0])],
    ["0xc7c0c1c0c3c0c1c0", [[], [[]], [[], [[]]]]],
    ["0xb8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c6974",
      "Lorem ipsum dolor sit amet, consectetur adipisicing elit"],
  ];
  for (const [hex, spec] of cases) {
    test(hex.slice(0, 20), () => expect(decode(hexToBytes(hex))).toEqual(toInput(spec) as RlpInput));
  }
});

// Each rejection names what is wrong and where (offset of the offending byte).
describe("rlp decode: rejects malformed and non-canonical input", () => {
  test("empty input", () => rejects("0x", /unexpected end of input/, 0));
  test("trailing bytes after the item", () => rejects("0x83646f6700", /1 trailing byte/, 4));
  test("two top-level items", () => rejects("0xc0c0", /trailing/, 1));
  test("single byte 0x00 wrapped as a string", () => rejects("0x8100", /single byte below 0x80/, 0));
  test("single byte 0x01 wrapped as a string", () => rejects("0x8101", /single byte below 0x80/, 0));
  test("single byte 0x7f wrapped as a string", () => rejects("0x817f", /single byte below 0x80/, 0));
  test("nested non-canonical single byte", () => rejects("0xc3c28100", /single byte below 0x80/, 2));
  test("short string past the end", () => rejects("0x83646f", /string of length 3 runs past the end/, 0));
  test("short list past the end", () => rejects("0xc5836f67", /list of length 5 runs past the end/, 0));
  test("long string past the end", () => rejects("0xb90400" + "61".repeat(100), /string of length 1024 runs past/, 0));
  test("long list past the end", () => rejects("0xf90400" + "61".repeat(100), /list of length 1024 runs past/, 0));
  test("length-of-length past the end", () => rejects("0xbb0102", /length-of-length 4 runs past/, 1));
  test("item overruns its enclosing list", () => rejects("0xc283646f67", /string of length 3 runs past the end/, 1));
  test("string long form with leading zero in length", () =>
    rejects("0xb90040" + "00".repeat(64), /leading zero/, 1));
  test("string long form with zero length byte", () => rejects("0xb800", /leading zero/, 1));
  test("list long form with leading zeros in length", () =>
    rejects("0xfb00000040" + "00".repeat(64), /leading zero/, 1));
  test("list long form with zero length byte", () => rejects("0xf800", /leading zero/, 1));
  test("string long form for a length < 56", () =>
    rejects("0xb81000112233445566778899aabbccddeeff", /long-form length 16 should use the short form/, 0));
  test("string long form for a single byte", () => rejects("0xb801ff", /should use the short form/, 0));
  test("list long form for a length < 56", () =>
    rejects("0xf810000102030405060708090a0b0c0d0e0f", /long-form length 16 should use the short form/, 0));
  test("list long form for 1 byte payload", () => rejects("0xf80180", /should use the short form/, 0));
  test("huge declared string length (int overflow)", () => rejects("0xbf0f000000000000021111", /runs past the end/, 1));
  test("huge declared list length (int overflow)", () => rejects("0xff0f000000000000021111", /runs past the end/, 1));
  test("inner long string with leading zero length inside list", () =>
    rejects(
      "0xf861f83eb9002100dc2b275d0f74e8a53e6f4ec61b27f24278820be3f82ea2110e582081b0565df027b90015002d5ef8325ae4d034df55d4b58d0dfba64d61ddd17be00000b9001a00dae30907045a2f66fa36f2bb8aa9029cbb0b8a7b3b5c435ab331",
      /leading zero/,
      5,
    ));
});

describe("rlp scalar decoding", () => {
  test("minimal bytes round-trip to bigint", () => {
    expect(minimalBytesToBigInt(new Uint8Array(0))).toBe(0n);
    expect(minimalBytesToBigInt(hexToBytes("0x0400"))).toBe(1024n);
  });
  test("leading zero byte in a scalar is rejected", () => {
    expect(() => minimalBytesToBigInt(hexToBytes("0x0001"))).toThrow(RlpError);
  });
});

describe("rlp decode: nesting limit", () => {
  function nested(levels: number): Uint8Array {
    let item: RlpInput = [];
    for (let i = 1; i < levels; i++) item = [item];
    return encode(item);
  }

  test("1,024 nested lists decode", () => {
    let item = decode(nested(1024));
    let depth = 0;
    while (Array.isArray(item) && item.length === 1) {
      item = item[0]!;
      depth++;
    }
    expect(item).toEqual([]);
    expect(depth).toBe(1023);
  });

  test("1,025 nested lists are rejected with an RlpError, not a stack overflow", () => {
    expect(() => decode(nested(1025))).toThrow(RlpError);
    expect(() => decode(nested(1025))).toThrow(/nested deeper than 1024/);
  });
});
