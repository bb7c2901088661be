// A worker thread that exits, between batches or unnoticed before one, must neither hang the
// executor nor change a result: the batch finishes (serially where it must) and the worker is
// replaced before the next one.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { EvmCore } from "../../src/exec/core";
import { ParallelExecutor, SerialExecutor } from "../../src/parallel/index";
import { MemoryState } from "../../src/statetest/memory-state";
import { addr, blockEnv, cloneMemoryState, deployContracts, workload, WorldBuilder } from "./workloads";

let core: EvmCore;
let serial: SerialExecutor;
let exec: ParallelExecutor;
const env = blockEnv(addr(96, 0));
const state = new MemoryState();
let batches: ReturnType<typeof workload>[];

beforeAll(async () => {
  core = await EvmCore.load("wasm");
  serial = new SerialExecutor(core);
  const world = new WorldBuilder(core, env, state);
  const contracts = deployContracts(world, 4);
  // Each batch runs on a fresh copy of `state`, so all are valid against it.
  batches = [workload("erc20-distinct", world, contracts, 200), workload("independent-transfers", world, contracts, 200)];
  exec = await ParallelExecutor.create({ workers: 2, core, minParallelBatch: 1, adaptive: false, stallTimeoutMs: 300 });
});
afterAll(async () => {
  await exec?.close();
});

/** Runs `txs` on copies of the state with `run` and serially; expects the same results and root. */
async function sameAsSerial(txs: (typeof batches)[number], run: (s: MemoryState) => unknown) {
  const a = cloneMemoryState(state);
  const b = cloneMemoryState(state);
  const expected = await serial.execute(env, txs, a);
  expect(await run(b)).toEqual(expected);
  expect(b.root()).toEqual(a.root());
}

function killWorker(): void {
  (exec as unknown as { pool: { workers: { worker: Worker }[] } }).pool.workers[0]!.worker.terminate();
}

describe("a lost worker", () => {
  test("exited between batches: replaced before the next, which runs on two threads", async () => {
    await sameAsSerial(batches[0]!, (s) => exec.execute(env, batches[0]!, s));
    expect(exec.lastStats!.mode).toBe("parallel");
    killWorker();
    await Bun.sleep(50); // the exit is reported through the event loop
    await sameAsSerial(batches[1]!, (s) => exec.execute(env, batches[1]!, s));
    expect(exec.lastStats!.mode).toBe("parallel");
    expect(exec.workers).toBe(2);
  });

  test("exited unnoticed (no event loop turn since): the batch finishes within the stall timeout, exact", async () => {
    killWorker();
    const t0 = performance.now();
    // executeSync gives the exit no chance to be reported: the main thread must find out by itself.
    await sameAsSerial(batches[0]!, (s) => exec.executeSync(env, batches[0]!, s));
    expect(performance.now() - t0).toBeLessThan(5_000);
    await sameAsSerial(batches[1]!, (s) => exec.execute(env, batches[1]!, s));
    expect(exec.lastStats!.mode).toBe("parallel");
    await sameAsSerial(batches[0]!, (s) => exec.execute(env, batches[0]!, s));
    expect(exec.lastStats!.mode).toBe("parallel");
    expect(exec.workers).toBe(2);
  });
});
