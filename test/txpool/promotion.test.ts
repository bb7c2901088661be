import { describe, expect, test } from "bun:test";
import { bytesToHex } from "../../src/crypto/hex";
import { addr, labels, makePool, MemoryState, tx } from "./helpers";

describe("pending and queued", () => {
  test("gapped nonces queue and are promoted, in order, when the gap fills", () => {
    const pool = makePool();
    expect(pool.add(tx({ nonce: 2n })).status).toBe("queued");
    expect(pool.add(tx({ nonce: 3n })).status).toBe("queued");
    expect(pool.add(tx({ nonce: 5n })).status).toBe("queued");
    expect(pool.pending()).toBe(0);
    expect(pool.queued()).toBe(3);
    expect(pool.next()).toEqual([]);
    expect(pool.pendingNonce(addr(1))).toBe(0n);

    expect(pool.add(tx({ nonce: 0n })).promoted).toEqual([]);
    expect(pool.pendingNonce(addr(1))).toBe(1n);
    const res = pool.add(tx({ nonce: 1n }));
    expect(res.status).toBe("pending");
    expect(res.promoted.map((t) => t.nonce)).toEqual([2n, 3n]);
    expect(pool.pending()).toBe(4);
    expect(pool.queued()).toBe(1);
    expect(pool.pendingNonce(addr(1))).toBe(4n);
    expect(labels(pool.next())).toEqual(["1:0", "1:1", "1:2", "1:3"]);

    pool.add(tx({ nonce: 4n }));
    expect(pool.queued()).toBe(0);
    expect(pool.pendingNonce(addr(1))).toBe(6n);
    pool.checkInvariants();
  });

  test("pending starts at the state nonce", () => {
    const state = new MemoryState();
    state.setNonce(addr(1), 7n);
    const pool = makePool(state);
    expect(pool.pendingNonce(addr(1))).toBe(7n);
    expect(pool.add(tx({ nonce: 8n })).status).toBe("queued");
    expect(pool.add(tx({ nonce: 7n })).status).toBe("pending");
    expect(pool.pendingNonce(addr(1))).toBe(9n);
  });

  test("content groups by sender in nonce order; get finds by hash", () => {
    const pool = makePool();
    const a1 = tx({ from: 1, nonce: 1n });
    const a0 = tx({ from: 1, nonce: 0n });
    const b5 = tx({ from: 2, nonce: 5n });
    const b3 = tx({ from: 2, nonce: 3n });
    for (const t of [a1, a0, b5, b3]) pool.add(t);
    const { pending, queued } = pool.content();
    expect(pending.get(bytesToHex(addr(1)))).toEqual([a0, a1]);
    expect(pending.has(bytesToHex(addr(2)))).toBe(false);
    expect(queued.get(bytesToHex(addr(2)))).toEqual([b3, b5]);
    expect(pool.get(b5.hash)).toBe(b5);
    expect(pool.has(a0.hash)).toBe(true);
    expect(pool.get(new Uint8Array(32))).toBeUndefined();
  });
});
