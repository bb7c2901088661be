import { describe, expect, test } from "bun:test";
import { bytesToHex } from "../../src/crypto/hex";
import { AccountLimitError, TxPoolFullError } from "../../src/txpool";
import { addr, labels, makePool, tx } from "./helpers";

describe("limits and eviction", () => {
  test("queued goes first (cheapest first), then the cheapest pending tail; cheaper than all is refused", () => {
    const pool = makePool(undefined, { maxTxs: 4 });
    pool.add(tx({ from: 1, tip: 1n }));
    pool.add(tx({ from: 2, tip: 2n }));
    const q20 = tx({ from: 3, nonce: 5n, tip: 20n });
    const q10 = tx({ from: 4, nonce: 5n, tip: 10n });
    pool.add(q20);
    pool.add(q10);

    // An executable newcomer displaces queued work even when pending work is cheaper.
    expect(labels(pool.add(tx({ from: 5, tip: 3n })).evicted)).toEqual(["4:5"]);
    expect(labels(pool.add(tx({ from: 6, tip: 4n })).evicted)).toEqual(["3:5"]);
    expect(pool.queued()).toBe(0);
    // No queue left: the cheapest pending tail goes.
    expect(labels(pool.add(tx({ from: 7, tip: 5n })).evicted)).toEqual(["1:0"]);
    // Tails are now tipping 2, 3, 4, 5: a tip of 2 is not more than the cheapest.
    expect(() => pool.add(tx({ from: 8, tip: 2n }))).toThrow(TxPoolFullError);
    expect(pool.pending()).toBe(4);
    pool.checkInvariants();
  });

  test("pending eviction takes from the far end of a sender's run, never leaving a gap", () => {
    const pool = makePool(undefined, { maxTxs: 4 });
    pool.add(tx({ from: 1, nonce: 0n, tip: 5n }));
    pool.add(tx({ from: 1, nonce: 1n, tip: 1n }));
    pool.add(tx({ from: 1, nonce: 2n, tip: 9n }));
    pool.add(tx({ from: 2, tip: 3n }));

    // Sender 1's cheap nonce 1 is shielded by its pricier tail.
    expect(labels(pool.add(tx({ from: 3, tip: 4n })).evicted)).toEqual(["2:0"]);
    expect(labels(pool.add(tx({ from: 4, tip: 6n })).evicted)).toEqual(["3:0"]);
    expect(labels(pool.add(tx({ from: 5, tip: 10n })).evicted)).toEqual(["4:0"]);
    expect(labels(pool.add(tx({ from: 6, tip: 10n })).evicted)).toEqual(["1:2"]);
    expect(labels(pool.add(tx({ from: 7, tip: 2n })).evicted)).toEqual(["1:1"]);
    expect(pool.content().pending.get(bytesToHex(addr(1)))!.map((t) => t.nonce)).toEqual([0n]);
    expect(pool.pendingNonce(addr(1))).toBe(1n);
    pool.checkInvariants();
  });

  test("a queued newcomer never displaces pending work", () => {
    const pool = makePool(undefined, { maxTxs: 2 });
    pool.add(tx({ from: 1, tip: 1n }));
    pool.add(tx({ from: 2, tip: 1n }));
    expect(() => pool.add(tx({ from: 3, nonce: 1n, tip: 1_000n }))).toThrow(TxPoolFullError);
  });

  test("a queued newcomer must outbid the cheapest queued transaction", () => {
    const pool = makePool(undefined, { maxTxs: 3 });
    pool.add(tx({ from: 1, tip: 1n }));
    pool.add(tx({ from: 2, nonce: 4n, tip: 5n }));
    pool.add(tx({ from: 3, nonce: 4n, tip: 7n }));
    expect(() => pool.add(tx({ from: 4, nonce: 4n, tip: 5n }))).toThrow(TxPoolFullError);
    expect(labels(pool.add(tx({ from: 4, nonce: 4n, tip: 6n })).evicted)).toEqual(["2:4"]);
  });

  test("the global queue limit evicts the cheapest queued, or refuses", () => {
    const pool = makePool(undefined, { maxQueued: 2 });
    pool.add(tx({ from: 1, nonce: 3n, tip: 5n }));
    pool.add(tx({ from: 2, nonce: 3n, tip: 7n }));
    expect(labels(pool.add(tx({ from: 3, nonce: 3n, tip: 6n })).evicted)).toEqual(["1:3"]);
    expect(() => pool.add(tx({ from: 4, nonce: 3n, tip: 4n }))).toThrow(TxPoolFullError);
    // The queue limit does not bind executable transactions.
    expect(pool.add(tx({ from: 4, nonce: 0n, tip: 1n })).evicted).toEqual([]);
    expect(pool.queued()).toBe(2);
    pool.checkInvariants();
  });

  test("a sender's own tail is not evicted to make room for its next nonce", () => {
    const pool = makePool(undefined, { maxTxs: 1 });
    pool.add(tx({ from: 1, nonce: 0n, tip: 1n }));
    expect(() => pool.add(tx({ from: 1, nonce: 1n, tip: 100n }))).toThrow(TxPoolFullError);
  });

  test("equal effective tips keep the incumbent", () => {
    const pool = makePool(undefined, { maxTxs: 1 });
    pool.add(tx({ from: 1, tip: 3n }));
    expect(() => pool.add(tx({ from: 2, tip: 3n }))).toThrow(TxPoolFullError);
  });

  test("per-sender limit counts pending and queued", () => {
    const pool = makePool(undefined, { maxTxsPerSender: 3 });
    pool.add(tx({ nonce: 0n }));
    pool.add(tx({ nonce: 1n }));
    pool.add(tx({ nonce: 7n }));
    expect(() => pool.add(tx({ nonce: 2n }))).toThrow(AccountLimitError);
    expect(pool.add(tx({ from: 2 })).status).toBe("pending");
  });

  test("eviction forgets a sender whose only transaction went", () => {
    const pool = makePool(undefined, { maxTxs: 1 });
    pool.add(tx({ from: 1, nonce: 2n, tip: 1n }));
    pool.add(tx({ from: 2, tip: 1n }));
    expect(pool.pendingNonce(addr(1))).toBe(0n);
    expect(pool.content().queued.size).toBe(0);
    pool.checkInvariants();
  });
});
