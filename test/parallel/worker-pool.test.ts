// A worker rung for a batch may not wake before the main thread has run the whole batch itself
// (a futex wake-up took milliseconds in the VM's slow spells): the main thread then withdraws the
// batch instead of waiting for the worker to take it and report.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { EvmCore } from "../../src/exec/core";
import { Doorbell, Mailbox } from "../../src/parallel/mailbox-layout";
import { ParallelExecutor, SerialExecutor } from "../../src/parallel/index";
import { MemoryState } from "../../src/statetest/memory-state";
import { addr, blockEnv, cloneMemoryState, deployContracts, workload, WorldBuilder } from "./workloads";

const env = blockEnv(addr(95, 0));
const state = new MemoryState();
let serial: SerialExecutor;
let exec: ParallelExecutor;
let txs: ReturnType<typeof workload>;

beforeAll(async () => {
  const core = await EvmCore.load("wasm");
  serial = new SerialExecutor(core);
  const world = new WorldBuilder(core, env, state);
  txs = workload("independent-transfers", world, deployContracts(world, 0), 64);
  // A stall timeout far below the test's: waiting for the worker's report would show as a lost worker.
  exec = await ParallelExecutor.create({ workers: 2, core, minParallelBatch: 1, adaptive: false, stallTimeoutMs: 200 });
});
afterAll(async () => {
  await exec?.close();
});

function mailbox(): Int32Array {
  return (exec as unknown as { pool: { workers: { mb: Int32Array }[] } }).pool.workers[0]!.mb;
}

async function sameAsSerial(): Promise<void> {
  const a = cloneMemoryState(state);
  const b = cloneMemoryState(state);
  const expected = await serial.execute(env, txs, a);
  expect(exec.executeSync(env, txs, b)).toEqual(expected);
  expect(b.root()).toEqual(a.root());
}

test("a batch the rung worker never takes is withdrawn, not waited for", async () => {
  await sameAsSerial();
  // Send the worker back to its event loop, then make its doorbell read parked: a ring now finds
  // it "parked" while nothing on that thread will ever take the batch, as with a worker whose
  // futex wake-up comes after the batch is over.
  const mb = mailbox();
  Atomics.store(mb, Mailbox.DOORBELL, Doorbell.Away);
  Atomics.notify(mb, Mailbox.DOORBELL);
  await Bun.sleep(50);
  Atomics.store(mb, Mailbox.DOORBELL, Doorbell.Parked);

  const t0 = performance.now();
  await sameAsSerial();
  expect(performance.now() - t0).toBeLessThan(200);
  const stats = exec.lastStats!;
  expect(stats.mode).toBe("parallel");
  expect(stats.executions).toBe(txs.length); // all on the main thread
  expect(Atomics.load(mb, Mailbox.DOORBELL)).toBe(Doorbell.Parked);
  expect(exec.workers).toBe(2);

  // Away again: the next batch reaches the worker by message, and it takes part as before.
  Atomics.store(mb, Mailbox.DOORBELL, Doorbell.Away);
  await sameAsSerial();
  await Bun.sleep(10);
  await sameAsSerial();
  expect(exec.lastStats!.mode).toBe("parallel");
  expect(exec.workers).toBe(2);
});
