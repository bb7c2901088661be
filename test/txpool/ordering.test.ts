import { describe, expect, test } from "bun:test";
import { FifoPolicy, PriorityFeePolicy, type OrderingPolicy, type PoolTx } from "../../src/txpool";
import { labels, makePool, tx } from "./helpers";

// Interleaved senders: FIFO follows arrival; priority follows tips but never a sender's later nonce first.
function interleaved(): PoolTx[] {
  return [
    tx({ from: 1, nonce: 0n, tip: 1n, arrival: 1 }),
    tx({ from: 2, nonce: 0n, tip: 5n, arrival: 2 }),
    tx({ from: 1, nonce: 1n, tip: 10n, arrival: 3 }),
    tx({ from: 3, nonce: 0n, tip: 3n, arrival: 4 }),
    tx({ from: 2, nonce: 1n, tip: 2n, arrival: 5 }),
  ];
}

describe("ordering policies", () => {
  test("FIFO (the default) takes transactions by arrival", () => {
    const pool = makePool();
    for (const t of interleaved()) pool.add(t);
    expect(labels(pool.next())).toEqual(["1:0", "2:0", "1:1", "3:0", "2:1"]);
  });

  test("priority fee takes the best effective tip among each sender's next nonce", () => {
    const pool = makePool(undefined, { policy: new PriorityFeePolicy() });
    for (const t of interleaved()) pool.add(t);
    // 1:1 tips most but must wait for 1:0, which tips least.
    expect(labels(pool.next())).toEqual(["2:0", "3:0", "2:1", "1:0", "1:1"]);
  });

  test("priority fee keeps nonce order when later nonces arrive first and pay more", () => {
    const pool = makePool(undefined, { policy: new PriorityFeePolicy() });
    pool.add(tx({ from: 1, nonce: 2n, tip: 300n }));
    pool.add(tx({ from: 1, nonce: 1n, tip: 200n }));
    pool.add(tx({ from: 2, nonce: 0n, tip: 50n }));
    pool.add(tx({ from: 1, nonce: 0n, tip: 1n }));
    expect(labels(pool.next())).toEqual(["2:0", "1:0", "1:1", "1:2"]);
  });

  test("FIFO keeps nonce order when a later nonce arrived first", () => {
    const pool = makePool();
    pool.add(tx({ from: 1, nonce: 1n }));
    pool.add(tx({ from: 2, nonce: 0n }));
    pool.add(tx({ from: 1, nonce: 0n }));
    expect(labels(pool.next())).toEqual(["2:0", "1:0", "1:1"]);
  });

  test("priority ties go by arrival", () => {
    const pool = makePool(undefined, { policy: new PriorityFeePolicy() });
    pool.add(tx({ from: 3, tip: 7n, arrival: 30 }));
    pool.add(tx({ from: 1, tip: 7n, arrival: 10 }));
    pool.add(tx({ from: 2, tip: 7n, arrival: 20 }));
    expect(labels(pool.next())).toEqual(["1:0", "2:0", "3:0"]);
  });

  test("a custom policy plugs in, and the policy can be switched at run time", () => {
    const newestFirst: OrderingPolicy = { name: "lifo", compare: (a, b) => b.arrival - a.arrival };
    const pool = makePool(undefined, { policy: newestFirst });
    for (const t of interleaved()) pool.add(t);
    expect(labels(pool.next())).toEqual(["3:0", "2:0", "2:1", "1:0", "1:1"]);
    pool.setPolicy(new FifoPolicy());
    expect(labels(pool.next())).toEqual(["1:0", "2:0", "1:1", "3:0", "2:1"]);
  });

  test("next() does not consume: the same call gives the same block", () => {
    const pool = makePool();
    for (const t of interleaved()) pool.add(t);
    expect(pool.next()).toEqual(pool.next());
    expect(pool.pending()).toBe(5);
    pool.checkInvariants();
  });

  test("limit caps the count", () => {
    const pool = makePool();
    for (const t of interleaved()) pool.add(t);
    expect(labels(pool.next(undefined, undefined, 2))).toEqual(["1:0", "2:0"]);
    expect(pool.next(undefined, undefined, 0)).toEqual([]);
  });

  test("maxGas: a sender whose next tx does not fit sits out; others still fill the block", () => {
    const pool = makePool();
    pool.add(tx({ from: 1, nonce: 0n, gasLimit: 50_000n }));
    pool.add(tx({ from: 1, nonce: 1n }));
    pool.add(tx({ from: 2, nonce: 0n }));
    pool.add(tx({ from: 3, nonce: 0n }));
    expect(labels(pool.next(42_000n))).toEqual(["2:0", "3:0"]);
    expect(labels(pool.next(71_000n))).toEqual(["1:0", "1:1"]);
    expect(labels(pool.next(92_000n))).toEqual(["1:0", "1:1", "2:0"]);
    expect(labels(pool.next(20_999n))).toEqual([]);
  });
});
