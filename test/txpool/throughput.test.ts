import { describe, expect, test } from "bun:test";
import { FifoPolicy, PriorityFeePolicy, type OrderingPolicy, type PoolState, type PoolTx } from "../../src/txpool";
import { addr, makePool, RICH, tx } from "./helpers";

const TOTAL = 100_000;

const idOf = (a: Uint8Array): number => ((a[16]! << 24) | (a[17]! << 16) | (a[18]! << 8) | a[19]!) >>> 0;

/** Array-backed state for addr(id) accounts, so the figures measure the pool rather than a test double. */
class ArrayState implements PoolState {
  readonly nonces: bigint[];
  constructor(senders: number) {
    this.nonces = new Array<bigint>(senders).fill(0n);
  }
  nonce(a: Uint8Array): bigint {
    return this.nonces[idOf(a)]!;
  }
  balance(): bigint {
    return RICH;
  }
}

/**
 * `senders` accounts with TOTAL/senders txs each, interleaved across senders;
 * every 10th tx of a sender arrives ahead of its predecessor, so it is
 * queued first and promoted when the gap fills.
 */
function workload(senders: number): PoolTx[] {
  const perSender = TOTAL / senders;
  const out: PoolTx[] = [];
  for (let n = 0; n < perSender; n++) {
    for (let s = 0; s < senders; s++) {
      const nonce = n % 10 === 8 ? n + 1 : n % 10 === 9 ? n - 1 : n;
      out.push(tx({ from: s, nonce: BigInt(nonce), tip: BigInt(1 + ((s * 7 + n * 13) % 50)), fee: 1_000n }));
    }
  }
  return out;
}

function measure(senders: number, policy: OrderingPolicy, blockSize: number) {
  const txs = workload(senders);
  const state = new ArrayState(senders);
  const pool = makePool(state, { policy, maxTxs: TOTAL, maxQueued: TOTAL, maxTxsPerSender: TOTAL, maxNonceGap: 1n });
  const addrs = Array.from({ length: senders }, (_, s) => addr(s));

  const t0 = performance.now();
  for (const t of txs) pool.add(t);
  const t1 = performance.now();
  expect(pool.pending()).toBe(TOTAL);

  let drained = 0;
  let blocks = 0;
  const nonces = new Map<number, bigint>();
  while (pool.pending() > 0) {
    const block = pool.next(undefined, 0n, blockSize);
    blocks++;
    drained += block.length;
    nonces.clear();
    for (const t of block) nonces.set(idOf(t.sender), t.nonce + 1n);
    for (const [s, n] of nonces) {
      state.nonces[s] = n;
      pool.onCommitted(addrs[s]!, n);
    }
  }
  const t2 = performance.now();
  expect(drained).toBe(TOTAL);
  expect(pool.queued()).toBe(0);
  return { addMs: t1 - t0, drainMs: t2 - t1, blocks };
}

describe("100k adds drain completely in blocks, queued promoted (timings printed, not asserted)", () => {
  for (const [senders, blockSize] of [
    [1000, 1000],
    [100_000, 500],
    [10, 1000],
  ] as const) {
    for (const policy of [new FifoPolicy(), new PriorityFeePolicy()]) {
      test(`${senders} senders, ${blockSize}-tx blocks, ${policy.name}`, () => {
        measure(senders, policy, blockSize); // warm-up so the JIT does not dominate
        const r = measure(senders, policy, blockSize);
        const total = r.addMs + r.drainMs;
        console.log(
          `txpool ${policy.name} ${senders} senders: ${TOTAL} adds ${r.addMs.toFixed(0)} ms, ` +
            `drain ${r.drainMs.toFixed(0)} ms (${r.blocks} blocks), ${Math.round(TOTAL / (total / 1000))} tx/s`,
        );
      });
    }
  }
});
