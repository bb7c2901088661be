// Determinism is the contract: for random batches across contention levels, ParallelExecutor
// with 1, 2, 4 and 8 workers returns exactly the serial executor's results (every field of
// every ExecResult, read sets included) and leaves exactly the same state behind.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Abi } from "viem";
import type { BlockEnv, TxInput } from "../../src/exec/abi";
import { EvmCore } from "../../src/exec/core";
import { ParallelExecutor, SerialExecutor } from "../../src/parallel/index";
import { MemoryState } from "../../src/statetest/memory-state";
import {
  addr,
  blockEnv,
  cloneMemoryState,
  COUNTER_RUNTIME,
  deployContracts,
  distribute,
  E18,
  erc20Transfer,
  initCodeFor,
  selfDestructInit,
  swap,
  WorldBuilder,
  type Contracts,
} from "./workloads";

const SENDERS = 16;
const WORKERS = [1, 2, 4, 8];

let core: EvmCore;
let base: MemoryState;
let builder: WorldBuilder;
let contracts: Contracts;
let serial: SerialExecutor;
const executors = new Map<number, ParallelExecutor>();
const senders = Array.from({ length: SENDERS }, (_, i) => addr(40, i));
/** A funded EOA that is also used as the coinbase in some batches. */
const richCoinbase = senders[0]!;

beforeAll(async () => {
  core = await EvmCore.load("wasm");
  base = new MemoryState();
  builder = new WorldBuilder(core, blockEnv(addr(41, 0)), base);
  contracts = deployContracts(builder, 3);
  distribute(builder, contracts, contracts.token0, senders, 1000n * E18, true);
  serial = new SerialExecutor(core);
  for (const w of WORKERS) executors.set(w, await ParallelExecutor.create({ workers: w, minParallelBatch: 1, minSenderParallelism: 0, adaptive: false, core }));
}, 120_000);

afterAll(async () => {
  for (const e of executors.values()) await e.close();
});

/** One operation of a random batch; `hot` ones all touch the counter's slot or pair 0. */
type Op =
  | { kind: "hot"; variant: number; from: number }
  | { kind: "eth"; from: number; to: number; value: bigint; toCoinbase: boolean }
  | { kind: "erc20"; from: number; to: number; amount: bigint }
  | { kind: "swap"; from: number; pair: number }
  | { kind: "create"; from: number; variant: number }
  | { kind: "revert"; from: number }
  | { kind: "oog"; from: number }
  | { kind: "invalid"; from: number };

const who = fc.nat({ max: SENDERS - 1 });
const coldOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("eth" as const), from: who, to: fc.nat({ max: 40 }), value: fc.bigInt({ min: 0n, max: 10n ** 18n }), toCoinbase: fc.boolean() }),
  fc.record({ kind: fc.constant("erc20" as const), from: who, to: fc.nat({ max: 40 }), amount: fc.bigInt({ min: 0n, max: 10n * E18 }) }),
  fc.record({ kind: fc.constant("swap" as const), from: who, pair: fc.nat({ max: 2 }) }),
  fc.record({ kind: fc.constant("create" as const), from: who, variant: fc.nat({ max: 2 }) }),
  fc.record({ kind: fc.constant("revert" as const), from: who }),
  fc.record({ kind: fc.constant("oog" as const), from: who }),
  fc.record({ kind: fc.constant("invalid" as const), from: who }),
);
const hotOp: fc.Arbitrary<Op> = fc.record({ kind: fc.constant("hot" as const), variant: fc.nat({ max: 2 }), from: who });

/** A batch: contention level (share of hot operations), the operations, fee and coinbase choices. */
const batchArb = fc
  .record({
    contention: fc.constantFrom(0, 0.25, 0.5, 0.75, 1),
    size: fc.integer({ min: 1, max: 40 }),
    coinbase: fc.constantFrom("fresh", "sender", "contract"),
    zeroTips: fc.boolean(),
    seed: fc.integer(),
  })
  .chain((b) =>
    fc.record({
      ...Object.fromEntries(Object.entries(b).map(([k, v]) => [k, fc.constant(v)])),
      ops: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), hotOp, coldOp), { minLength: b.size, maxLength: b.size }),
    }) as fc.Arbitrary<typeof b & { ops: [number, Op, Op][] }>,
  );

function buildBatch(b: fc.Arbitrary<any> extends never ? never : any): { env: BlockEnv; txs: TxInput[] } {
  const coinbase = b.coinbase === "fresh" ? addr(42, b.seed & 0xffff) : b.coinbase === "sender" ? richCoinbase : contracts.counter;
  const env = blockEnv(coinbase);
  const w = builder.fork(base);
  const tip = b.zeroTips ? { maxPriorityFeePerGas: 0n } : {};
  const t = contracts;
  const txs: TxInput[] = [];
  for (const [roll, hot, cold] of b.ops as [number, Op, Op][]) {
    const op = roll < b.contention ? hot : cold;
    const from = senders[op.from]!;
    switch (op.kind) {
      case "hot":
        if (op.variant === 0) txs.push(w.tx(from, t.counter, new Uint8Array(0), 100_000n, tip));
        else if (op.variant === 1) txs.push(erc20Transfer(w, from, t.token0, addr(43, 0), E18, 100_000n, tip));
        else txs.push(swap(w, t, from, 0, E18 / 10n));
        break;
      case "eth":
        txs.push(w.tx(from, op.toCoinbase ? coinbase : op.to < SENDERS ? senders[op.to]! : addr(44, op.to), new Uint8Array(0), 21_000n, { value: op.value, ...tip }));
        break;
      case "erc20":
        txs.push(erc20Transfer(w, from, t.token0, op.to < SENDERS ? senders[op.to]! : addr(45, op.to), op.amount, 100_000n, tip));
        break;
      case "swap":
        txs.push(swap(w, t, from, op.pair, E18 / 3n));
        break;
      case "create": {
        const init = op.variant === 0 ? initCodeFor(COUNTER_RUNTIME) : op.variant === 1 ? selfDestructInit(addr(46, op.from)) : Uint8Array.of(0x5f, 0x5f, 0xfd);
        txs.push(w.tx(from, null, init, 200_000n, { value: op.variant === 1 ? 12345n : 0n, ...tip }));
        break;
      }
      case "revert": // more tokens than anyone holds
        txs.push(erc20Transfer(w, from, t.token0, addr(47, 0), 10n ** 29n, 100_000n, tip));
        break;
      case "oog":
        txs.push(erc20Transfer(w, from, t.token0, addr(48, 0), 1n, 30_000n, tip));
        break;
      case "invalid": {
        const tx = w.tx(from, addr(49, 0), new Uint8Array(0), 21_000n, tip);
        txs.push({ ...tx, nonce: tx.nonce + 1000n });
        w.nonces.set(Buffer.from(from).toString("hex"), tx.nonce); // the gap does not consume a nonce
        break;
      }
    }
  }
  return { env, txs };
}

describe("ParallelExecutor is serial execution, exactly", () => {
  test("random batches across contention levels, with 1, 2, 4 and 8 workers", async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async (b) => {
        const { env, txs } = buildBatch(b);
        const want = cloneMemoryState(base);
        const expected = await serial.execute(env, txs, want);
        const root = want.root();
        for (const [workers, exec] of executors) {
          const got = cloneMemoryState(base);
          const results = await exec.execute(env, txs, got);
          expect(exec.lastStats!.mode).toBe("parallel");
          for (let i = 0; i < txs.length; i++) {
            if (!Bun.deepEquals(results[i], expected[i], true)) {
              if (process.env.PARALLEL_DEBUG) console.log(Bun.inspect(results[i], { depth: 4 }), Bun.inspect(expected[i], { depth: 4 }));
              throw new Error(`${workers} workers: transaction ${i} of ${txs.length} differs (contention ${b.contention}, coinbase ${b.coinbase})`);
            }
          }
          expect(results.length).toBe(expected.length);
          expect(got.root()).toEqual(root);
        }
      }),
      { numRuns: Number(process.env.PARALLEL_RUNS ?? 40) },
    );
  }, 600_000);

  test("a fully conflicting batch (one hot slot) and a conflict-free one", async () => {
    for (const contention of [0, 1]) {
      const ops = Array.from({ length: 60 }, (_, i) => [contention, { kind: "hot", variant: 0, from: i % SENDERS }, { kind: "eth", from: i % SENDERS, to: 20 + i, value: 1n, toCoinbase: false }]);
      const { env, txs } = buildBatch({ contention: contention === 1 ? 1 : 0, coinbase: "fresh", zeroTips: false, seed: 7, ops });
      const want = cloneMemoryState(base);
      const expected = await serial.execute(env, txs, want);
      for (const exec of executors.values()) {
        const got = cloneMemoryState(base);
        expect(await exec.execute(env, txs, got)).toEqual(expected);
        expect(got.root()).toEqual(want.root());
      }
    }
  }, 120_000);
});
