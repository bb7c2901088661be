// The state tests through the parallel path: each post entry is a one-transaction batch run by
// Block-STM (minParallelBatch 1), which must match the fixture and the serial core exactly.
// A sample here (every 12th file); the whole set with
//   npx bun test/parallel/state-tests.ts ../shared/fixtures/state-tests
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { EvmCore } from "../../src/exec/core";
import { ParallelExecutor } from "../../src/parallel/index";
import { runFixtureParallel, stateTestFiles } from "./state-tests";

const root = new URL("../../../shared/fixtures/state-tests", import.meta.url).pathname;
const files = existsSync(root) ? stateTestFiles(root).filter((_, i) => i % 12 === 0) : [];

let core: EvmCore;
let exec: ParallelExecutor;
beforeAll(async () => {
  core = await EvmCore.load("wasm");
  exec = await ParallelExecutor.create({ workers: 2, minParallelBatch: 1, minSenderParallelism: 0, adaptive: false, core });
});
afterAll(async () => {
  await exec?.close();
});

test("a sample of the GeneralStateTests passes through the parallel path", async () => {
  expect(files.length).toBeGreaterThan(50);
  const failures: string[] = [];
  let entries = 0;
  for (const f of files) {
    for (const r of await runFixtureParallel(exec, core, f, await Bun.file(f).json())) {
      entries++;
      if (!r.passed) failures.push(`${r.file} ${r.test}: ${r.problems.join("; ")}`);
    }
  }
  expect(failures).toEqual([]);
  expect(entries).toBeGreaterThan(300);
}, 300_000);
