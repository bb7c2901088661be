import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { bytesToHex } from "../../src/crypto/hex";
import { FifoPolicy, PriorityFeePolicy, TxPoolError, type OrderingPolicy, type PoolTx, type TxPool } from "../../src/txpool";
import { addr, makePool, MemoryState, RICH, tx } from "./helpers";
import { ReferencePool } from "./model";

const SENDERS = [1, 2, 3, 4];
const MAX_GAP = 6n;

type Op =
  | { t: "add"; s: number; fromPending: boolean; off: number; fee: bigint; tip: bigint; value: bigint; gas: bigint }
  | { t: "bump"; pick: number; pct: bigint }
  | { t: "dup"; pick: number }
  | { t: "commit"; s: number; step: number; balance: bigint | null }
  | { t: "remove"; pick: number }
  | { t: "baseFee"; v: bigint }
  | { t: "next"; maxGas: bigint | undefined; limit: number };

const sender = fc.constantFrom(...SENDERS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant("add" as const),
      s: sender,
      fromPending: fc.boolean(),
      off: fc.oneof(
        { weight: 3, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.integer({ min: -1, max: 3 }) },
        { weight: 1, arbitrary: fc.integer({ min: -1, max: 8 }) },
      ),
      fee: fc.constantFrom(30n, 60n, 100n, 200n, 1000n),
      tip: fc.bigInt({ min: 1n, max: 40n }),
      value: fc.constantFrom(0n, 1000n, 21_000n * 500n),
      gas: fc.constantFrom(21_000n, 30_000n, 60_000n),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("bump" as const), pick: fc.nat(), pct: fc.constantFrom(0n, 5n, 9n, 10n, 11n, 50n) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("dup" as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("commit" as const),
      s: sender,
      step: fc.integer({ min: -1, max: 4 }),
      balance: fc.constantFrom(null, null, RICH, 21_000n * 150n, 21_000n * 1000n + 5n, 21_000n * 2500n),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("remove" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("baseFee" as const), v: fc.constantFrom(0n, 20n, 50n, 120n) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("next" as const),
      maxGas: fc.constantFrom(undefined, 50_000n, 63_000n, 200_000n),
      limit: fc.constantFrom(1, 3, 20, Infinity),
    }),
  },
);

function outcome(fn: () => { status: string }): string {
  try {
    return fn().status;
  } catch (e) {
    if (!(e instanceof TxPoolError)) throw e;
    return e.name;
  }
}

const hex = (t: PoolTx) => bytesToHex(t.hash);

function expectSameAsModel(pool: TxPool, model: ReferencePool): void {
  pool.checkInvariants();
  const content = pool.content();
  let pending = 0;
  let queued = 0;
  for (const s of SENDERS) {
    const key = bytesToHex(addr(s));
    const p = model.pendingList(s);
    const q = model.queuedList(s);
    expect((content.pending.get(key) ?? []).map(hex)).toEqual(p.map(hex));
    expect((content.queued.get(key) ?? []).map(hex)).toEqual(q.map(hex));
    expect(pool.pendingNonce(addr(s))).toBe(model.pendingNonce(s));
    pending += p.length;
    queued += q.length;
  }
  expect(pool.pending()).toBe(pending);
  expect(pool.queued()).toBe(queued);
  for (const t of model.all()) expect(pool.get(t.hash)).toBe(t);
}

function run(ops: Op[], policy: OrderingPolicy): void {
  const state = new MemoryState();
  const pool = makePool(state, { policy, maxNonceGap: MAX_GAP, maxTxs: 10_000, maxQueued: 10_000, maxTxsPerSender: 10_000 });
  const model = new ReferencePool(state, MAX_GAP);
  let arrival = 0;
  for (const op of ops) {
    switch (op.t) {
      case "add": {
        // Offsets from the pending nonce keep runs growing; from the state nonce they exercise replacement and "too low".
        const nonce = (op.fromPending ? model.pendingNonce(op.s) : state.nonce(addr(op.s))) + BigInt(op.off);
        if (nonce < 0n) break;
        const t = tx({
          from: op.s,
          nonce,
          fee: op.fee,
          tip: op.tip > op.fee ? op.fee : op.tip,
          value: op.value,
          gasLimit: op.gas,
          arrival: ++arrival,
        });
        const want = model.add(op.s, t);
        expect(outcome(() => pool.add(t))).toBe(want);
        break;
      }
      case "bump": {
        const all = model.all();
        if (all.length === 0) break;
        const old = all[op.pick % all.length]!;
        const s = SENDERS.find((id) => bytesToHex(addr(id)) === bytesToHex(old.sender))!;
        const scale = (x: bigint) => (x * (100n + op.pct)) / 100n;
        const { hash: _hash, sender: _sender, ...fields } = old;
        const t = tx({
          ...fields,
          from: s,
          maxFeePerGas: scale(old.maxFeePerGas),
          maxPriorityFeePerGas: scale(old.maxPriorityFeePerGas),
          arrival: ++arrival,
        });
        const want = model.add(s, t);
        expect(outcome(() => pool.add(t))).toBe(want);
        break;
      }
      case "dup": {
        const all = model.all();
        if (all.length === 0) break;
        expect(outcome(() => pool.add(all[op.pick % all.length]!))).toBe("AlreadyKnownError");
        break;
      }
      case "commit": {
        const a = addr(op.s);
        const next = state.nonce(a) + BigInt(op.step);
        if (next < 0n) break;
        state.setNonce(a, next);
        if (op.balance !== null) state.setBalance(a, op.balance);
        pool.onCommitted(a, next);
        model.commit(op.s);
        break;
      }
      case "remove": {
        const all = model.all();
        if (all.length === 0) break;
        const victim = all[op.pick % all.length]!;
        expect(pool.remove(victim.hash)).toBe(true);
        model.remove(victim.hash);
        break;
      }
      case "baseFee":
        pool.onBaseFee(op.v);
        model.baseFee = op.v;
        break;
      case "next":
        expect(pool.next(op.maxGas, model.baseFee, op.limit).map(hex)).toEqual(
          model.next(SENDERS, policy, op.maxGas, op.limit).map(hex),
        );
        break;
    }
    expectSameAsModel(pool, model);
  }
}

describe("txpool properties", () => {
  for (const policy of [new FifoPolicy(), new PriorityFeePolicy()]) {
    test(`${policy.name}: matches a brute-force reference pool under random adds, replacements, commits and removals`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 10, maxLength: 80, size: "max" }), (ops) => run(ops, policy)),
        { numRuns: 300 },
      );
    });
  }

  test("under tight limits every operation keeps the invariants and only fails with TxPoolError", () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 10, maxLength: 120, size: "max" }),
        fc.constantFrom<OrderingPolicy>(new FifoPolicy(), new PriorityFeePolicy()),
        (ops, policy) => {
          const state = new MemoryState();
          const pool = makePool(state, { policy, maxNonceGap: MAX_GAP, maxTxs: 10, maxQueued: 3, maxTxsPerSender: 4 });
          const live: PoolTx[] = [];
          let baseFee = 0n;
          for (const op of ops) {
            if (op.t === "add") {
              const nonce = (op.fromPending ? pool.pendingNonce(addr(op.s)) : state.nonce(addr(op.s))) + BigInt(op.off);
              if (nonce >= 0n) {
                const t = tx({ from: op.s, nonce, fee: op.fee, tip: op.tip > op.fee ? op.fee : op.tip, value: op.value, gasLimit: op.gas });
                outcome(() => pool.add(t));
                live.push(t);
              }
            } else if (op.t === "commit") {
              const a = addr(op.s);
              const next = state.nonce(a) + BigInt(op.step);
              if (next >= 0n) {
                state.setNonce(a, next);
                if (op.balance !== null) state.setBalance(a, op.balance);
                pool.onCommitted(a, next);
              }
            } else if (op.t === "remove" && live.length > 0) {
              pool.remove(live[op.pick % live.length]!.hash);
            } else if (op.t === "baseFee") {
              baseFee = op.v;
              pool.onBaseFee(baseFee);
            }
            pool.checkInvariants();
            expect(pool.pending() + pool.queued()).toBeLessThanOrEqual(10);
            expect(pool.queued()).toBeLessThanOrEqual(3);
            // A block holds each sender's nonces consecutively from its state nonce, all payable.
            const block = pool.next(undefined, baseFee);
            const expected = new Map<string, bigint>();
            for (const t of block) {
              const key = bytesToHex(t.sender);
              const want = expected.get(key) ?? state.nonce(t.sender);
              expect(t.nonce).toBe(want);
              expected.set(key, want + 1n);
              expect(t.maxFeePerGas >= baseFee).toBe(true);
            }
            expect(new Set(block.map(hex)).size).toBe(block.length);
            expect(block.length).toBeLessThanOrEqual(pool.pending());
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
