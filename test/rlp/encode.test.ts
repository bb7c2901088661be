import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { bytesToHex, hexToBytes } from "../../src/crypto";
import { bigintToMinimalBytes, encode, numberToMinimalBytes } from "../../src/rlp";
import { toInput, type Spec } from "./helpers";

const LOREM_55 = "Lorem ipsum dolor sit amet, consectetur adipisicing eli";
const LOREM_56 = LOREM_55 + "t";

// Canonical vectors from the RLP spec examples and ethereum/tests RLPTests.
const vectors: [string, Spec, string][] = [
  ["dog", "dog", "0x83646f67"],
  ["[cat, dog]", ["cat", "dog"], "0xc88363617483646f67"],
  ["empty string", "", "0x80"],
  ["empty list", [], "0xc0"],
  ["byte 0x00", new Uint8Array([0]), "0x00"],
  ["byte 0x0f", new Uint8Array([0x0f]), "0x0f"],
  ["byte 0x7f", new Uint8Array([0x7f]), "0x7f"],
  ["byte 0x80", new Uint8Array([0x80]), "0x8180"],
  ["bytes 0x0400", new Uint8Array([0x04, 0x00]), "0x820400"],
  ["set-theoretic three", [[], [[]], [[], [[]]]], "0xc7c0c1c0c3c0c1c0"],
  ["lists of lists", [[[], []], []], "0xc4c2c0c0c0"],
  ["55-byte string (last short form)", LOREM_55, "0xb7" + Buffer.from(LOREM_55).toString("hex")],
  ["56-byte string (first long form)", LOREM_56, "0xb838" + Buffer.from(LOREM_56).toString("hex")],
  ["string list", ["dog", "god", "cat"], "0xcc83646f6783676f6483636174"],
  ["multilist", ["zw", [new Uint8Array([4])], new Uint8Array([1])], "0xc6827a77c10401"],
  [
    "55-byte list payload (last short list)",
    ["asdf", "qwer", "zxcv", "asdf", "qwer", "zxcv", "asdf", "qwer", "zxcv", "asdf", "qwer"],
    "0xf784617364668471776572847a78637684617364668471776572847a78637684617364668471776572847a78637684617364668471776572",
  ],
  [
    "64-byte list payload (long list)",
    Array.from({ length: 4 }, () => ["asdf", "qwer", "zxcv"]),
    "0xf840" + "cf84617364668471776572847a786376".repeat(4),
  ],
  [
    "512-byte list payload (two length bytes)",
    Array.from({ length: 32 }, () => ["asdf", "qwer", "zxcv"]),
    "0xf90200" + "cf84617364668471776572847a786376".repeat(32),
  ],
];

describe("rlp encode: canonical vectors", () => {
  for (const [name, spec, hex] of vectors) {
    test(name, () => expect(bytesToHex(encode(toInput(spec)))).toBe(hex));
  }

  test("1024-byte string uses a two-byte length", () => {
    const enc = encode(new Uint8Array(1024).fill(0x61));
    expect(bytesToHex(enc.subarray(0, 3))).toBe("0xb90400");
    expect(enc.length).toBe(1027);
  });
});

describe("rlp encode: integers", () => {
  const ints: [bigint, string][] = [
    [0n, "0x80"],
    [1n, "0x01"],
    [15n, "0x0f"],
    [127n, "0x7f"],
    [128n, "0x8180"],
    [1000n, "0x8203e8"],
    [1024n, "0x820400"],
    [100000n, "0x830186a0"],
    [83729609699884896815286331701780722n, "0x8f102030405060708090a0b0c0d0e0f2"],
    [
      105315505618206987246253880190783558935785933862974822347068935681n,
      "0x9c0100020003000400050006000700080009000a000b000c000d000e01",
    ],
    [1n << 256n, "0xa1010000000000000000000000000000000000000000000000000000000000000000"],
  ];
  for (const [n, hex] of ints) {
    test(`bigint ${n}`, () => expect(bytesToHex(encode(bigintToMinimalBytes(n)))).toBe(hex));
    if (n <= BigInt(Number.MAX_SAFE_INTEGER)) {
      test(`number ${n}`, () => expect(bytesToHex(encode(numberToMinimalBytes(Number(n))))).toBe(hex));
    }
  }

  test("negative and unsafe integers are refused", () => {
    expect(() => bigintToMinimalBytes(-1n)).toThrow(RangeError);
    expect(() => numberToMinimalBytes(-1)).toThrow(RangeError);
    expect(() => numberToMinimalBytes(1.5)).toThrow(RangeError);
    expect(() => numberToMinimalBytes(2 ** 60)).toThrow(RangeError);
  });

  test("non-byte, non-array input is refused", () => {
    expect(() => encode(["ok" as unknown as Uint8Array])).toThrow(TypeError);
  });

  test("encoder state does not leak between calls (including after a failure)", () => {
    expect(() => encode([[new Uint8Array(1)], 5 as unknown as Uint8Array])).toThrow();
    expect(bytesToHex(encode(toInput([["a"], [["b"]]])))).toBe("0xc5c161c2c162");
    expect(hexToBytes(bytesToHex(encode(toInput(["cat", "dog"]))))).toEqual(encode(toInput(["cat", "dog"])));
  });
});

describe("rlp integers: property", () => {
  test("bigintToMinimalBytes equals the minimal hex digits, and numbers agree with bigints", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 300n) - 1n }), (n) => {
        let hex = n === 0n ? "" : n.toString(16);
        if (hex.length % 2) hex = "0" + hex;
        expect(bytesToHex(bigintToMinimalBytes(n))).toBe("0x" + hex);
        if (n <= BigInt(Number.MAX_SAFE_INTEGER)) expect(numberToMinimalBytes(Number(n))).toEqual(bigintToMinimalBytes(n));
      }),
      { numRuns: 2000 },
    );
  });
});
