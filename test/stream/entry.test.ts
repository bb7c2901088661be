// The lean entry reader on hand-made entries: it skips receipt fields of any msgpack type (the
// ones the codec writes are checked against it over a real chain in test/replica/follow.test.ts),
// and refuses truncated entries and trailing bytes with an EntryError.
import { describe, expect, test } from "bun:test";
import { Packr } from "msgpackr";
import { bytesToHex } from "../../src/crypto/index";
import { decodeEntryRows, EntryError, looksLikeSeal } from "../../src/stream/entry";
import { STREAM_PACKR_OPTIONS } from "../../src/stream/format";

const packr = new Packr(STREAM_PACKR_OPTIONS);
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

/** A receipt row whose skipped fields take unusual msgpack types (maps, floats, strings, long arrays and bins, ext). */
function oddReceipt(i: number): unknown[] {
  return [
    2, 1, Uint8Array.of(i + 1), { gas: [1.5, "x", -3, 2 ** 40, null, true, new Date(1_700_000_000_000 + i)] },
    Array.from({ length: 20 }, (_, k) => [bytes(20, k), [bytes(32, k)], bytes(k * 20, 1)]), bytes(300, 9), bytes(70_000, 8),
    "s".repeat(40), -200, bytes(32, i), 70_000, 2 ** 40, 1.5,
  ];
}

function entry(receipts: unknown[][]): Uint8Array {
  const txs = receipts.map((_, i) => [bytes(20, i), bytes(50 + i, 3)]);
  const changes = [[bytes(20, 5), 0, Uint8Array.of(1), Uint8Array.of(2, 0), bytes(32, 6), new Uint8Array(0), [[bytes(32, 1), bytes(32, 2)]]]];
  return packr.pack([0, Uint8Array.of(7), Uint8Array.of(1), 0, 123, Uint8Array.of(9), txs, receipts, changes]);
}

describe("lean entry reader", () => {
  test("skips receipt fields of any type, keeping each receipt's exact bytes", () => {
    const rows = [oddReceipt(0), oddReceipt(1)];
    const e = decodeEntryRows(entry(rows));
    if (e.kind !== "mini") throw new Error("expected a mini-block");
    expect(e.receipts.map(bytesToHex)).toEqual(rows.map((r) => bytesToHex(packr.pack(r))));
    expect(e.txHashes.map(bytesToHex)).toEqual([bytesToHex(bytes(32, 0)), bytesToHex(bytes(32, 1))]);
    expect(e.lastCumulativeGas).toBe(2n);
    expect(e.txs.map(([from, raw]) => [from.length, raw.length])).toEqual([[20, 50], [20, 51]]);
    expect(e.changes).toHaveLength(1);
    expect(e.changes[0]!.balance).toBe(512n);
    expect(e.changes[0]!.storage.map(([k, v]) => [k[0], v[0]])).toEqual([[1, 2]]);
  });

  test("a truncated entry or trailing bytes are an EntryError", () => {
    const small = entry([[2, 1, Uint8Array.of(5), { a: [1.5, "xy"] }, [[bytes(20, 1), [bytes(32, 2)], bytes(3, 3)]], bytes(0, 0), Uint8Array.of(1), bytes(20, 4), bytes(20, 5), bytes(32, 6), 0, Uint8Array.of(1), 0]]);
    expect(decodeEntryRows(small).kind).toBe("mini");
    for (let cut = 0; cut < small.length; cut++) expect(() => decodeEntryRows(small.subarray(0, cut))).toThrow(EntryError);
    const longer = new Uint8Array(small.length + 1);
    longer.set(small);
    expect(() => decodeEntryRows(longer)).toThrow(EntryError);
  });

  test("looksLikeSeal tells seals from mini-blocks by their first bytes", () => {
    expect(looksLikeSeal(packr.pack([1, Uint8Array.of(3), bytes(10, 1)]))).toBe(true);
    expect(looksLikeSeal(entry([]))).toBe(false);
  });
});
