import { describe, expect, test } from "bun:test";
import { ReplacementUnderpricedError } from "../../src/txpool";
import { labels, makePool, tx } from "./helpers";

const FEE = 100_000n;
const TIP = 10_000n;

describe("same-nonce replacement needs a 10% bump on both fee caps", () => {
  for (const where of ["pending", "queued"] as const) {
    const nonce = where === "pending" ? 0n : 3n;

    test(`${where}: exactly +10% on both is accepted`, () => {
      const pool = makePool();
      const old = tx({ nonce, fee: FEE, tip: TIP });
      pool.add(old);
      const res = pool.add(tx({ nonce, fee: 110_000n, tip: 11_000n }));
      expect(res.status).toBe(where);
      expect(res.replaced).toBe(old);
      expect(pool.get(old.hash)).toBeUndefined();
      expect(where === "pending" ? pool.pending() : pool.queued()).toBe(1);
      pool.checkInvariants();
    });

    test(`${where}: +9.99% on the fee cap is refused`, () => {
      const pool = makePool();
      const old = tx({ nonce, fee: FEE, tip: TIP });
      pool.add(old);
      expect(() => pool.add(tx({ nonce, fee: 109_990n, tip: 11_000n }))).toThrow(ReplacementUnderpricedError);
      expect(pool.get(old.hash)).toBe(old);
    });

    test(`${where}: +9.99% on the tip is refused`, () => {
      const pool = makePool();
      pool.add(tx({ nonce, fee: FEE, tip: TIP }));
      expect(() => pool.add(tx({ nonce, fee: 200_000n, tip: 10_999n }))).toThrow(ReplacementUnderpricedError);
    });
  }

  test("fee caps must strictly rise even where 10% rounds to nothing", () => {
    const pool = makePool();
    pool.add(tx({ fee: 5n, tip: 1n }));
    // floor(1 * 1.1) = 1, but an equal tip is no bump at all.
    expect(() => pool.add(tx({ fee: 6n, tip: 1n }))).toThrow(ReplacementUnderpricedError);
    expect(pool.add(tx({ fee: 6n, tip: 2n })).replaced).not.toBeNull();
  });

  test("the configured bump applies", () => {
    const pool = makePool(undefined, { priceBumpPercent: 25n });
    pool.add(tx({ fee: FEE, tip: TIP }));
    expect(() => pool.add(tx({ fee: 124_999n, tip: 12_500n }))).toThrow(ReplacementUnderpricedError);
    expect(pool.add(tx({ fee: 125_000n, tip: 12_500n })).status).toBe("pending");
  });

  test("a replacement keeps its nonce slot but arrives anew (FIFO sees it as new, like geth)", () => {
    const pool = makePool();
    pool.add(tx({ from: 1, nonce: 0n }));
    pool.add(tx({ from: 1, nonce: 1n }));
    pool.add(tx({ from: 2, nonce: 0n }));
    const r = tx({ from: 1, nonce: 1n, fee: 200n * 10n ** 9n, tip: 2n * 10n ** 9n });
    pool.add(r);
    const block = pool.next();
    expect(labels(block)).toEqual(["1:0", "2:0", "1:1"]);
    expect(block[2]).toBe(r);
    pool.checkInvariants();
  });

  test("a replacement is allowed at the sender limit and in a full pool", () => {
    const pool = makePool(undefined, { maxTxs: 1, maxTxsPerSender: 1 });
    pool.add(tx({ fee: FEE, tip: TIP }));
    expect(pool.add(tx({ fee: 110_000n, tip: 11_000n })).replaced).not.toBeNull();
    expect(pool.pending()).toBe(1);
  });
});
