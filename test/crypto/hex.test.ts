import { describe, expect, test } from "bun:test";
import { bigintToBytes32, bytes32ToBigInt, bytesEqual, bytesToBigInt, bytesToHex, hexToBytes } from "../../src/crypto";

describe("hex helpers", () => {
  test("bytes <-> hex round trip, with and without 0x, any case", () => {
    const bytes = new Uint8Array([0x00, 0x01, 0x7f, 0x80, 0xab, 0xff]);
    expect(bytesToHex(bytes)).toBe("0x00017f80abff");
    expect(hexToBytes("0x00017f80abff")).toEqual(bytes);
    expect(hexToBytes("00017F80ABFF")).toEqual(bytes);
    expect(bytesToHex(new Uint8Array(0))).toBe("0x");
    expect(hexToBytes("0x")).toEqual(new Uint8Array(0));
  });

  test("hexToBytes rejects odd length and bad characters", () => {
    expect(() => hexToBytes("0xabc")).toThrow(/odd/);
    expect(() => hexToBytes("0xzz")).toThrow(/invalid hex/);
  });

  test("bigint <-> 32-byte big-endian", () => {
    const max = (1n << 256n) - 1n;
    expect(bigintToBytes32(0n)).toEqual(new Uint8Array(32));
    expect(bigintToBytes32(1n)[31]).toBe(1);
    expect(bigintToBytes32(max)).toEqual(new Uint8Array(32).fill(0xff));
    for (const n of [0n, 1n, 255n, 256n, 0x0102030405060708090an, max, 1n << 200n]) {
      expect(bytes32ToBigInt(bigintToBytes32(n))).toBe(n);
    }
    expect(() => bigintToBytes32(-1n)).toThrow(RangeError);
    expect(() => bigintToBytes32(1n << 256n)).toThrow(RangeError);
    expect(() => bytes32ToBigInt(new Uint8Array(31))).toThrow(RangeError);
  });

  test("bytesToBigInt handles lengths that are not multiples of 8", () => {
    expect(bytesToBigInt(new Uint8Array(0))).toBe(0n);
    expect(bytesToBigInt(hexToBytes("0x0102030405060708090a"))).toBe(0x0102030405060708090an);
    expect(bytesToBigInt(hexToBytes("0xffffffffffffffff"))).toBe(0xffffffffffffffffn);
  });

  test("bytesEqual", () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1]), new Uint8Array([1, 2]))).toBe(false);
  });
});
