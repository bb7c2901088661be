// The state tests through the parallel path: each post entry is a one-transaction batch run by
// Block-STM (minParallelBatch 1), which must match the fixture and the serial core exactly.
// The whole set (about 40 s on 2 cores); one file or folder with
//   npx bun test/parallel/state-tests.ts <path>
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { EvmCore } from "../../src/exec/core";
import { ParallelExecutor } from "../../src/parallel/index";
import { runFixtureParallel, stateTestFiles } from "./state-tests";

const root = new URL("../../../shared/fixtures/state-tests", import.meta.url).pathname;
const files = existsSync(root) ? stateTestFiles(root) : [];

let core: EvmCore;
let exec: ParallelExecutor;
beforeAll(async () => {
  core = await EvmCore.load("wasm");
  exec = await ParallelExecutor.create({ workers: 2, minParallelBatch: 1, minSenderParallelism: 0, adaptive: false, core });
});
afterAll(async () => {
  await exec?.close();
});

test("the GeneralStateTests pass through the parallel path", async () => {
  expect(files.length).toBeGreaterThan(1000);
  const failures: string[] = [];
  let entries = 0;
  for (const f of files) {
    for (const r of await runFixtureParallel(exec, core, f, await Bun.file(f).json())) {
      entries++;
      if (!r.passed) failures.push(`${r.file} ${r.test}: ${r.problems.join("; ")}`);
    }
  }
  expect(failures).toEqual([]);
  expect(entries).toBe(8646);
}, 600_000);
