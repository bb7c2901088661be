import { describe, expect, test } from "bun:test";
import { bytesToHex } from "../../src/crypto/hex";
import { GWEI, addr, labels, makePool, MemoryState, tx } from "./helpers";

const COST = 21_000n * 100n * GWEI; // default tx() cost with zero value

function setup() {
  const state = new MemoryState();
  const pool = makePool(state);
  return { state, pool };
}

describe("after execution", () => {
  test("onCommitted drops included transactions and exposes the next ones", () => {
    const { state, pool } = setup();
    for (let n = 0n; n < 4n; n++) pool.add(tx({ from: 1, nonce: n }));
    pool.add(tx({ from: 2 }));
    const block = pool.next(undefined, undefined, 3);
    expect(labels(block)).toEqual(["1:0", "1:1", "1:2"]);
    state.setNonce(addr(1), 3n);
    pool.onCommitted(addr(1), 3n);
    expect(pool.pending()).toBe(2);
    expect(block.every((t) => pool.get(t.hash) === undefined)).toBe(true);
    expect(labels(pool.next())).toEqual(["1:3", "2:0"]);
    expect(pool.pendingNonce(addr(1))).toBe(4n);
    pool.checkInvariants();
  });

  test("a nonce jump past the pending run promotes the queue from the new nonce", () => {
    const { state, pool } = setup();
    pool.add(tx({ nonce: 0n }));
    pool.add(tx({ nonce: 3n }));
    pool.add(tx({ nonce: 4n }));
    state.setNonce(addr(1), 3n);
    pool.onCommitted(addr(1), 3n); // nonces 1 and 2 were mined from elsewhere
    expect(pool.pending()).toBe(2);
    expect(pool.queued()).toBe(0);
    expect(labels(pool.next())).toEqual(["1:3", "1:4"]);
    pool.checkInvariants();
  });

  test("stale queued transactions are dropped", () => {
    const { state, pool } = setup();
    pool.add(tx({ nonce: 2n }));
    pool.add(tx({ nonce: 9n }));
    state.setNonce(addr(1), 5n);
    pool.onCommitted(addr(1), 5n);
    expect(pool.queued()).toBe(1);
    expect(pool.pendingNonce(addr(1))).toBe(5n);
  });

  test("balance fell: the unaffordable tx goes, those behind it are demoted", () => {
    const { state, pool } = setup();
    const t0 = tx({ nonce: 0n });
    const t1 = tx({ nonce: 1n, value: 10n ** 20n });
    const t2 = tx({ nonce: 2n });
    const t3 = tx({ nonce: 3n, value: 10n ** 20n });
    for (const t of [t0, t1, t2, t3]) pool.add(t);
    state.setBalance(addr(1), COST * 2n);
    pool.onCommitted(addr(1), 0n);
    expect(pool.get(t1.hash)).toBeUndefined();
    expect(pool.get(t3.hash)).toBeUndefined();
    expect(pool.content().pending.get(bytesToHex(addr(1)))).toEqual([t0]);
    expect(pool.content().queued.get(bytesToHex(addr(1)))).toEqual([t2]);
    expect(labels(pool.next())).toEqual(["1:0"]);
    pool.checkInvariants();
    // Refilling the gap re-promotes the demoted tx.
    pool.add(tx({ nonce: 1n }));
    expect(labels(pool.next())).toEqual(["1:0", "1:1", "1:2"]);
  });

  test("remove(hash) drops a pending tx and demotes its successors", () => {
    const { pool } = setup();
    const txs = [0n, 1n, 2n, 3n].map((n) => tx({ nonce: n }));
    for (const t of txs) pool.add(t);
    expect(pool.remove(txs[1]!.hash)).toBe(true);
    expect(pool.pending()).toBe(1);
    expect(pool.queued()).toBe(2);
    expect(labels(pool.next())).toEqual(["1:0"]);
    expect(pool.remove(txs[3]!.hash)).toBe(true);
    expect(pool.queued()).toBe(1);
    expect(pool.remove(txs[3]!.hash)).toBe(false);
    pool.checkInvariants();
  });

  test("removing a sender's last tx forgets the sender", () => {
    const { pool } = setup();
    const t = tx({ nonce: 0n });
    pool.add(t);
    pool.remove(t.hash);
    expect(pool.pending()).toBe(0);
    expect(pool.content().pending.size).toBe(0);
    expect(pool.next()).toEqual([]);
    pool.checkInvariants();
  });

  test("demotion respects the global queue limit", () => {
    const state = new MemoryState();
    const pool = makePool(state, { maxQueued: 2 });
    for (let n = 0n; n < 5n; n++) pool.add(tx({ nonce: n, tip: 10n + n }));
    pool.remove(pool.next()[0]!.hash); // four demoted, two fit
    expect(pool.queued()).toBe(2);
    expect(pool.content().queued.get(bytesToHex(addr(1)))!.map((t) => t.nonce)).toEqual([3n, 4n]);
    pool.checkInvariants();
  });

  test("the nonce going back (reorg) queues everything until the gap refills", () => {
    const { state, pool } = setup();
    state.setNonce(addr(1), 5n);
    pool.add(tx({ nonce: 5n }));
    pool.add(tx({ nonce: 6n }));
    state.setNonce(addr(1), 4n);
    pool.onCommitted(addr(1), 4n);
    expect(pool.pending()).toBe(0);
    expect(pool.queued()).toBe(2);
    pool.add(tx({ nonce: 4n }));
    expect(labels(pool.next())).toEqual(["1:4", "1:5", "1:6"]);
    pool.checkInvariants();
  });

  test("admission catches up when the state nonce moved without onCommitted", () => {
    const { state, pool } = setup();
    pool.add(tx({ nonce: 0n }));
    pool.add(tx({ nonce: 1n }));
    state.setNonce(addr(1), 2n);
    expect(pool.add(tx({ nonce: 2n })).status).toBe("pending");
    expect(pool.pending()).toBe(1);
    expect(labels(pool.next())).toEqual(["1:2"]);
  });

  test("onCommitted for an unknown sender is a no-op", () => {
    const { pool } = setup();
    pool.onCommitted(addr(42), 10n);
    expect(pool.pending()).toBe(0);
  });
});
