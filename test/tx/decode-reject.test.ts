import { beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { privateKeyToAccount } from "viem/accounts";
import { hexToBytes } from "../../src/crypto";
import type { RlpInput } from "../../src/rlp";
import { decodeSignedTx, SECP256K1_HALF_N, SECP256K1_N, TxDecodeError, UnsupportedTxTypeError } from "../../src/tx";
import { concat, fieldsOf, rawTx, uint, withField } from "./raw-tx-builders";

const EMPTY = new Uint8Array(0);
const KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const TO = "0x3535353535353535353535353535353535353535";

// Field positions per envelope.
const LEGACY = { nonce: 0, gasLimit: 2, to: 3, value: 4, data: 5, v: 6, r: 7, s: 8, count: 9 };
const T1 = { chainId: 0, nonce: 1, gasPrice: 2, to: 4, accessList: 7, yParity: 8, r: 9, s: 10, count: 11 };
const T2 = { chainId: 0, nonce: 1, tip: 2, fee: 3, gasLimit: 4, to: 5, value: 6, accessList: 8, yParity: 9, r: 10, s: 11, count: 12 };

let legacy155: Uint8Array;
let legacyPre155: Uint8Array;
let eip2930: Uint8Array;
let eip1559: Uint8Array;

beforeAll(async () => {
  const account = privateKeyToAccount(KEY);
  const accessList = [{ address: TO, storageKeys: [`0x${"11".repeat(32)}`] }] as const;
  legacy155 = hexToBytes(await account.signTransaction({ type: "legacy", chainId: 1, nonce: 7, gasPrice: 10n ** 9n, gas: 21000n, to: TO, value: 1n }));
  legacyPre155 = hexToBytes(await account.signTransaction({ type: "legacy", nonce: 7, gasPrice: 10n ** 9n, gas: 21000n, to: TO, value: 1n }));
  eip2930 = hexToBytes(
    await account.signTransaction({ type: "eip2930", chainId: 31337, nonce: 7, gasPrice: 10n ** 9n, gas: 50000n, to: TO, accessList: [...accessList] }),
  );
  eip1559 = hexToBytes(
    await account.signTransaction({
      type: "eip1559", chainId: 31337, nonce: 7, maxFeePerGas: 2n * 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n,
      gas: 50000n, to: TO, data: "0xabcdef", accessList: [...accessList],
    }),
  );
});

function all(): [string, number, Uint8Array][] {
  return [["legacy EIP-155", 0, legacy155], ["legacy pre-155", 0, legacyPre155], ["EIP-2930", 1, eip2930], ["EIP-1559", 2, eip1559]];
}

/** Asserts decoding throws a TxDecodeError whose message matches `pattern`. */
function rejects(raw: Uint8Array, pattern: RegExp): TxDecodeError {
  let caught: unknown;
  try {
    decodeSignedTx(raw);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(TxDecodeError);
  expect((caught as Error).message).toMatch(pattern);
  return caught as TxDecodeError;
}

describe("decodeSignedTx rejects", () => {
  test("the untouched fixtures decode (so each rejection below is caused by its one change)", () => {
    for (const [, type, raw] of all()) {
      expect(decodeSignedTx(raw).type).toBe(type as 0 | 1 | 2);
      expect(decodeSignedTx(rawTx(type, fieldsOf(raw))).hash).toEqual(decodeSignedTx(raw).hash);
    }
  });

  test("empty input", () => {
    rejects(EMPTY, /empty input/);
  });

  test("truncated input, at every length", () => {
    for (const [name, , raw] of all()) {
      for (let len = 1; len < raw.length; len++) {
        expect(() => decodeSignedTx(raw.subarray(0, len)), `${name} cut to ${len} bytes`).toThrow(TxDecodeError);
      }
    }
    rejects(eip1559.subarray(0, eip1559.length - 1), /malformed RLP: list of length \d+ runs past the end of input at byte 1/);
  });

  test("trailing bytes", () => {
    for (const [, , raw] of all()) rejects(concat(raw, Uint8Array.of(0)), /malformed RLP: 1 trailing byte\(s\) after the item at byte \d+/);
  });

  test("non-canonical integers: leading zeros in nonce, value, chainId, gasLimit and r", () => {
    const padded = Uint8Array.of(0, 7);
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.nonce, padded)), /nonce 0x0007 is not canonical: integer has a leading zero byte/);
    rejects(rawTx(0, withField(fieldsOf(legacy155), LEGACY.value, Uint8Array.of(0, 1))), /value 0x0001 is not canonical/);
    rejects(rawTx(1, withField(fieldsOf(eip2930), T1.chainId, Uint8Array.of(0, 0x7a, 0x69))), /chainId 0x007a69 is not canonical/);
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.gasLimit, Uint8Array.of(0, 0xc3, 0x50))), /gasLimit 0x00c350 is not canonical/);
    const r = fieldsOf(eip1559)[T2.r] as Uint8Array;
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.r, concat(Uint8Array.of(0), r))), /^r 0x00[0-9a-f]{64} is not canonical/);
    // Zero written as 0x00 instead of the empty string.
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.value, Uint8Array.of(0))), /value 0x00 is not canonical/);
  });

  test("non-canonical RLP framing: a small byte wrapped in a string header", () => {
    // nonce 7 as 0x81 0x07 instead of 0x07
    const fields = fieldsOf(eip1559);
    const good = rawTx(2, fields);
    const idx = good.indexOf(0x07, 4); // first 0x07 after the chain id is the nonce
    const bad = concat(concat(good.subarray(0, idx), Uint8Array.of(0x81, 0x07)), good.subarray(idx + 1));
    bad[2] += 1; // list length grew by one (short-form list header at byte 1)
    expect([good[1], idx]).toEqual([0xf8, 6]); // long-form list header, nonce right after the 3-byte chain id
    rejects(bad, /malformed RLP: single byte below 0x80 must be encoded as itself at byte 6/);
  });

  test("wrong field counts for every envelope", () => {
    for (const [name, type, raw] of all()) {
      const fields = fieldsOf(raw);
      const envelope = type === 0 ? "legacy transaction" : type === 1 ? "EIP-2930" : "EIP-1559";
      const re = new RegExp(`${envelope}.* must have ${fields.length} fields, got ${fields.length - 1}`);
      expect(() => decodeSignedTx(rawTx(type, fields.slice(0, -1))), name).toThrow(re);
      const more = new RegExp(`must have ${fields.length} fields, got ${fields.length + 1}`);
      expect(() => decodeSignedTx(rawTx(type, [...fields, EMPTY])), name).toThrow(more);
    }
  });

  test("a byte string where the field list should be", () => {
    rejects(Uint8Array.of(0x02, 0x83, 1, 2, 3), /EIP-1559 \(type 0x02\) transaction: expected an RLP list of fields, got a byte string/);
  });

  test("high-s signatures (EIP-2), even though the flipped signature is mathematically valid", () => {
    for (const [name, type, raw] of all()) {
      const fields = fieldsOf(raw);
      const sIndex = fields.length - 1;
      const s = BigInt(`0x${Buffer.from(fields[sIndex] as Uint8Array).toString("hex")}`);
      const flipped = withField(fields, sIndex, uint(SECP256K1_N - s));
      const err = rejects(rawTx(type, flipped), /signature s 0x[0-9a-f]+ is above n\/2: high-s signatures are malleable and refused \(EIP-2\)/);
      expect(err.field, name).toBe("s");
    }
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.s, uint(SECP256K1_HALF_N + 1n))), /above n\/2/);
    expect(decodeSignedTx(rawTx(2, withField(fieldsOf(eip1559), T2.s, uint(SECP256K1_HALF_N)))).s).toBe(SECP256K1_HALF_N);
  });

  test("r = 0, r = n, s = 0", () => {
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.r, EMPTY)), /signature r 0x0 must be in \[1, n-1\]/);
    rejects(rawTx(0, withField(fieldsOf(legacy155), LEGACY.r, EMPTY)), /signature r 0x0 must be in \[1, n-1\]/);
    rejects(rawTx(1, withField(fieldsOf(eip2930), T1.r, uint(SECP256K1_N))), /signature r 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141 must be in/);
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.s, EMPTY)), /signature s 0x0 must be in \[1, n\/2\]/);
  });

  test("bad y-parity and bad legacy v", () => {
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.yParity, uint(2))), /yParity 2 must be 0 or 1/);
    rejects(rawTx(1, withField(fieldsOf(eip2930), T1.yParity, uint(27))), /yParity 27 must be 0 or 1/);
    for (const v of [0, 1, 26, 29, 34]) {
      rejects(rawTx(0, withField(fieldsOf(legacy155), LEGACY.v, uint(v))), new RegExp(`legacy v ${v} is invalid`));
    }
  });

  test("a 21-byte and a 19-byte `to`", () => {
    const to21 = new Uint8Array(21).fill(0x35);
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.to, to21)), /^to 0x(35){21} must be 20 bytes \(or empty for contract creation\), got 21/);
    rejects(rawTx(0, withField(fieldsOf(legacy155), LEGACY.to, to21)), /got 21/);
    rejects(rawTx(1, withField(fieldsOf(eip2930), T1.to, to21.subarray(0, 19))), /got 19/);
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.to, [to21])), /to must be a byte string, got a list of 1 item/);
  });

  test("malformed access lists", () => {
    const key = new Uint8Array(32).fill(0x11);
    const addr = new Uint8Array(20).fill(0x35);
    const bad = (list: RlpInput) => rawTx(2, withField(fieldsOf(eip1559), T2.accessList, list));
    rejects(bad([[addr, [key.subarray(0, 31)]]]), /accessList\[0\]\.storageKeys\[0\] 0x(11){31} must be 32 bytes, got 31/);
    rejects(bad([[addr.subarray(0, 19), []]]), /accessList\[0\]\.address 0x(35){19} must be 20 bytes, got 19/);
    rejects(bad([[addr, [], []]]), /accessList\[0\] must have 2 fields, got 3/);
    rejects(bad([[addr, key]]), /accessList\[0\]\.storageKeys must be a list/);
    rejects(bad(addr), /accessList must be a list/);
  });

  test("out-of-range integers: nonce 2^64-1, gas limit 2^64, value 2^256", () => {
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.nonce, uint((1n << 64n) - 1n))), /nonce 18446744073709551615 must be below 2\^64-1 \(EIP-2681\)/);
    expect(decodeSignedTx(rawTx(2, withField(fieldsOf(eip1559), T2.nonce, uint((1n << 64n) - 2n)))).nonce).toBe((1n << 64n) - 2n);
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.gasLimit, uint(1n << 64n))), /gasLimit 0x010000000000000000 does not fit in 64 bits/);
    expect(decodeSignedTx(rawTx(2, withField(fieldsOf(eip1559), T2.gasLimit, uint((1n << 64n) - 1n)))).gasLimit).toBe((1n << 64n) - 1n);
    rejects(rawTx(2, withField(fieldsOf(eip1559), T2.value, uint(1n << 256n))), /value 0x01(00){32} does not fit in 256 bits/);
    expect(decodeSignedTx(rawTx(2, withField(fieldsOf(eip1559), T2.value, uint((1n << 256n) - 1n)))).value).toBe((1n << 256n) - 1n);
  });

  test("a tip above the fee cap decodes (the pool refuses it with geth's message)", () => {
    expect(decodeSignedTx(rawTx(2, withField(fieldsOf(eip1559), T2.tip, uint(3n * 10n ** 9n)))).maxPriorityFeePerGas).toBe(3n * 10n ** 9n);
  });

  test("type 3 (blob), type 4, type 0, type 0x7f: not supported by this L2 sequencer", () => {
    for (const type of [0x03, 0x04, 0x00, 0x7f]) {
      // rawTx treats 0 as legacy, so put the type byte on by hand.
      const raw = concat(Uint8Array.of(type), rawTx(0, fieldsOf(eip1559)));
      const err = rejects(raw, new RegExp(`transaction type 0x${type.toString(16).padStart(2, "0")}.* is not supported by this L2 sequencer`));
      expect(err).toBeInstanceOf(UnsupportedTxTypeError);
      expect((err as UnsupportedTxTypeError).txType).toBe(type);
    }
    rejects(Uint8Array.of(3), /blob transaction\) is not supported by this L2 sequencer/);
  });

  test("a first byte that is an RLP string prefix, neither a type nor a list", () => {
    rejects(Uint8Array.of(0x80), /first byte 0x80 is an RLP string prefix/);
    rejects(Uint8Array.of(0xb8, 0x38, ...new Uint8Array(56)), /first byte 0xb8 is an RLP string prefix/);
  });

  test("random corruption never escapes as anything but TxDecodeError", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), (which, edits) => {
        const raw = all()[which]![2].slice();
        for (const [pos, byte] of edits) raw[pos % raw.length] = byte;
        try {
          decodeSignedTx(raw);
        } catch (err) {
          if (!(err instanceof TxDecodeError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
