import { describe, expect, test } from "bun:test";
import { FeeCapTooLowError, PriorityFeePolicy, TxPoolFullError } from "../../src/txpool";
import { labels, makePool, tx } from "./helpers";

describe("base fee changes", () => {
  test("admission follows the current base fee", () => {
    const pool = makePool();
    pool.onBaseFee(50n);
    expect(pool.currentBaseFee()).toBe(50n);
    expect(() => pool.add(tx({ from: 1, fee: 49n, tip: 1n }))).toThrow(FeeCapTooLowError);
    pool.onBaseFee(49n);
    expect(pool.add(tx({ from: 1, fee: 49n, tip: 1n })).status).toBe("pending");
  });

  test("senders whose next tx cannot pay sit out of blocks until the base fee falls", () => {
    const pool = makePool();
    pool.add(tx({ from: 1, fee: 40n, tip: 1n }));
    pool.add(tx({ from: 2, fee: 80n, tip: 1n }));
    pool.onBaseFee(50n);
    expect(labels(pool.next())).toEqual(["2:0"]);
    expect(pool.pending()).toBe(2); // kept, just not executable at this base fee
    pool.checkInvariants();
    pool.onBaseFee(40n);
    expect(labels(pool.next())).toEqual(["1:0", "2:0"]);
    pool.checkInvariants();
  });

  test("a later nonce that cannot pay stops its sender there", () => {
    const pool = makePool();
    pool.add(tx({ from: 1, nonce: 0n, fee: 100n, tip: 1n }));
    pool.add(tx({ from: 1, nonce: 1n, fee: 10n, tip: 1n }));
    pool.add(tx({ from: 1, nonce: 2n, fee: 100n, tip: 1n }));
    expect(labels(pool.next(undefined, 50n))).toEqual(["1:0"]);
    expect(labels(pool.next(undefined, 10n))).toEqual(["1:0", "1:1", "1:2"]);
  });

  test("next() adopts the block's base fee", () => {
    const pool = makePool();
    pool.add(tx({ from: 1, fee: 30n, tip: 1n }));
    expect(pool.next(undefined, 31n)).toEqual([]);
    expect(pool.currentBaseFee()).toBe(31n);
    expect(() => pool.add(tx({ from: 2, fee: 30n, tip: 1n }))).toThrow(FeeCapTooLowError);
  });

  test("priority order uses the effective tip at the current base fee", () => {
    const pool = makePool(undefined, { policy: new PriorityFeePolicy() });
    pool.add(tx({ from: 1, fee: 20n, tip: 10n })); // effective tip: min(10, 20 - baseFee)
    pool.add(tx({ from: 2, fee: 100n, tip: 5n }));
    expect(labels(pool.next(undefined, 0n))).toEqual(["1:0", "2:0"]);
    expect(labels(pool.next(undefined, 16n))).toEqual(["2:0", "1:0"]);
    expect(labels(pool.next(undefined, 5n))).toEqual(["1:0", "2:0"]);
    pool.checkInvariants();
  });

  test("eviction uses the effective tip at the current base fee", () => {
    const pool = makePool(undefined, { maxTxs: 2 });
    pool.add(tx({ from: 1, fee: 20n, tip: 10n }));
    pool.add(tx({ from: 2, fee: 100n, tip: 5n }));
    // At base fee 0 sender 2 (tip 5) is cheapest, so another tip of 5 cannot get in.
    pool.onBaseFee(0n);
    expect(() => pool.add(tx({ from: 3, fee: 100n, tip: 5n }))).toThrow(TxPoolFullError);
    // At base fee 18 sender 1 earns only 2 per gas and goes first.
    pool.onBaseFee(18n);
    expect(labels(pool.add(tx({ from: 3, fee: 100n, tip: 3n })).evicted)).toEqual(["1:0"]);
    pool.checkInvariants();
  });
});
