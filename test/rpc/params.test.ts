// The strict decoders on their own, at their boundaries.
import { describe, expect, test } from "bun:test";
import { hexToBytes } from "../../src/crypto";
import { decodeBlockNumberOrHash, decodeBlockNumberOrTag } from "../../src/rpc/params/decode-block-tag";
import { decodeAddress, decodeData, decodeHash, decodeStorageSlot } from "../../src/rpc/params/decode-data";
import { decodeFilterTopics, decodeLogFilter } from "../../src/rpc/params/decode-log-filter";
import { decodeQuantity, decodeQuantityOrInteger } from "../../src/rpc/params/decode-quantity";
import { InvalidParamsError } from "../../src/rpc/rpc-errors";
import { decodeRevertReason } from "../../src/rpc/revert-reason";
import { logMatchesFilter } from "../../src/rpc/ws/log-filter-match";

const P = "argument 0 (x)";

function rejects(fn: () => unknown, message: RegExp | string) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidParamsError);
    expect((err as InvalidParamsError).code).toBe(-32602);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error("expected an InvalidParamsError");
}

describe("decodeQuantity", () => {
  test("accepts canonical quantities up to the bit bound", () => {
    expect(decodeQuantity("0x0", P)).toBe(0n);
    expect(decodeQuantity("0xAbC", P)).toBe(0xabcn);
    expect(decodeQuantity("0X10", P)).toBe(16n);
    expect(decodeQuantity(`0x${"f".repeat(64)}`, P)).toBe((1n << 256n) - 1n);
    expect(decodeQuantity(`0x${"f".repeat(16)}`, P, 64)).toBe((1n << 64n) - 1n);
  });

  test("refuses non-canonical or oversized ones, explaining the fix", () => {
    rejects(() => decodeQuantity("0x00", P), 'write "0x0"');
    rejects(() => decodeQuantity("0x0001", P), 'write "0x1"');
    rejects(() => decodeQuantity("0x", P), 'zero is "0x0"');
    rejects(() => decodeQuantity("10", P), "must start with 0x");
    rejects(() => decodeQuantity(`0x1${"0".repeat(64)}`, P), "does not fit in 256 bits");
    rejects(() => decodeQuantity(`0x1${"0".repeat(16)}`, P, 64), "does not fit in 64 bits");
    rejects(() => decodeQuantity("0x1g", P), "not a hex digit");
    rejects(() => decodeQuantity(16, P), 'send numbers as hex strings, e.g. "0x10"');
    rejects(() => decodeQuantity(-1, P), "got number -1");
    rejects(() => decodeQuantity(null, P), "got null");
  });

  test("decodeQuantityOrInteger takes JSON integers too", () => {
    expect(decodeQuantityOrInteger(5, P)).toBe(5n);
    expect(decodeQuantityOrInteger("0x5", P)).toBe(5n);
    rejects(() => decodeQuantityOrInteger(1.5, P), "non-negative integer");
    rejects(() => decodeQuantityOrInteger(2 ** 60, P), "non-negative integer");
  });
});

describe("decodeData and friends", () => {
  test("data", () => {
    expect(decodeData("0x", P)).toEqual(new Uint8Array(0));
    expect(decodeData("0xABcd", P)).toEqual(new Uint8Array([0xab, 0xcd]));
    rejects(() => decodeData("0xabc", P), "odd number of hex digits");
  });

  test("addresses in any case; exact length", () => {
    const mixed = "0x52908400098527886E0F7030069857D2E4169EE7";
    expect(decodeAddress(mixed, P)).toEqual(hexToBytes(mixed));
    expect(decodeAddress(mixed.toLowerCase(), P)).toEqual(hexToBytes(mixed));
    rejects(() => decodeAddress(`${mixed}00`, P), "it is 21 bytes");
  });

  test("hashes and storage slots", () => {
    rejects(() => decodeHash(`0x${"00".repeat(31)}`, P), "it is 31 bytes");
    expect(decodeStorageSlot("0x1", P)).toEqual(hexToBytes(`0x${"00".repeat(31)}01`));
    expect(decodeStorageSlot(`0x${"ff".repeat(32)}`, P)).toEqual(new Uint8Array(32).fill(0xff));
    rejects(() => decodeStorageSlot("0x", P), "storage slot");
  });
});

describe("block selectors", () => {
  test("tags and numbers", () => {
    for (const tag of ["latest", "pending", "safe", "finalized", "earliest"]) expect(decodeBlockNumberOrTag(tag, P)).toBe(tag as never);
    expect(decodeBlockNumberOrTag("0x10", P)).toBe(16n);
    rejects(() => decodeBlockNumberOrTag("Latest", P), 'got "Latest"');
    rejects(() => decodeBlockNumberOrTag({ blockNumber: "0x1" }, P), "expected a block number");
  });

  test("EIP-1898 objects and bare hashes where state is read", () => {
    const hash = `0x${"ab".repeat(32)}`;
    expect(decodeBlockNumberOrHash(hash, P)).toEqual({ hash: hexToBytes(hash) });
    expect(decodeBlockNumberOrHash({ blockHash: hash, requireCanonical: false }, P)).toEqual({ hash: hexToBytes(hash) });
    expect(decodeBlockNumberOrHash({ blockNumber: "safe" }, P)).toBe("safe");
    rejects(() => decodeBlockNumberOrHash({ blockHash: hash, requireCanonical: "yes" }, P), 'field "requireCanonical": expected a boolean');
    rejects(() => decodeBlockNumberOrHash([], P), "got an array of 0 item(s)");
  });
});

describe("log filters", () => {
  const t1 = `0x${"11".repeat(32)}`;
  const t2 = `0x${"22".repeat(32)}`;

  test("topics: null, single, OR-lists; null or empty in a list means any", () => {
    expect(decodeFilterTopics([null, t1, [t1, t2], [t1, null]], P)).toEqual([null, [hexToBytes(t1)], [hexToBytes(t1), hexToBytes(t2)], null]);
    expect(decodeFilterTopics([[]], P)).toEqual([null]);
    expect(decodeFilterTopics(null, P)).toBeUndefined();
    expect(decodeFilterTopics([], P)).toEqual([]);
  });

  test("address: string, array, empty array", () => {
    const a = `0x${"aa".repeat(20)}`;
    expect(decodeLogFilter({ address: a }, P).address).toEqual([hexToBytes(a)]);
    expect(decodeLogFilter({ address: [a, a] }, P).address).toHaveLength(2);
    expect(decodeLogFilter({ address: [] }, P).address).toBeUndefined();
    rejects(() => decodeLogFilter({ address: 5 }, P), "an address or an array of addresses");
    rejects(() => decodeLogFilter("x", P), "expected a filter object");
  });

  test("subscription matching follows geth: positions beyond the log's topics never match", () => {
    const log = {
      address: hexToBytes(`0x${"aa".repeat(20)}`),
      topics: [hexToBytes(t1)],
      data: new Uint8Array(0),
      blockNumber: 1n,
      blockHash: new Uint8Array(32),
      transactionHash: new Uint8Array(32),
      transactionIndex: 0,
      logIndex: 0,
      removed: false as const,
    };
    expect(logMatchesFilter(log, {})).toBe(true);
    expect(logMatchesFilter(log, { topics: [[hexToBytes(t2), hexToBytes(t1)]] })).toBe(true);
    expect(logMatchesFilter(log, { topics: [null, null] })).toBe(false);
    expect(logMatchesFilter(log, { address: [hexToBytes(`0x${"bb".repeat(20)}`)] })).toBe(false);
  });
});

describe("decodeRevertReason", () => {
  test("Error(string), Panic(uint256), anything else", () => {
    const reason = hexToBytes(
      "0x08c379a0" + "20".padStart(64, "0") + "2".padStart(64, "0") + "6869".padEnd(64, "0"),
    );
    expect(decodeRevertReason(reason)).toBe("hi");
    expect(decodeRevertReason(hexToBytes(`0x4e487b71${"1".padStart(64, "0")}`))).toBe("assert(false)");
    expect(decodeRevertReason(hexToBytes(`0x4e487b71${"99".padStart(64, "0")}`))).toBe("unknown panic code: 0x99");
    expect(decodeRevertReason(hexToBytes("0x12345678"))).toBeNull();
    expect(decodeRevertReason(hexToBytes(`0x08c379a0${"f".repeat(64)}`))).toBeNull();
  });
});
