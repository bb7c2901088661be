// The yardstick: every Cancun post entry of the upstream GeneralStateTests in ../shared must pass,
// through the WASM core and through the native build.
import { describe, expect, test, beforeAll } from "bun:test";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Backend, EvmCore } from "../../src/exec/core";
import { runFixture } from "../../src/statetest/runner";

const root = new URL("../../../shared/fixtures/state-tests", import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : n.endsWith(".json") ? [p] : [];
    });
}

const all = existsSync(root) ? files(root) : [];
const libevm = new URL("../../native/libevm.so", import.meta.url).pathname;

test("the shared state tests are present", () => {
  expect(all.length).toBe(1200);
});

for (const backend of ["wasm", "native"] as Backend[]) {
  describe(`GeneralStateTests (Cancun) on the ${backend} core`, () => {
    let core: EvmCore;
    beforeAll(async () => {
      if (backend === "native" && !existsSync(libevm)) Bun.spawnSync(["bash", "native/build.sh"]);
      core = await EvmCore.load(backend);
    });
    const folders = [...new Set(all.map((f) => f.slice(root.length + 1).split("/").slice(0, -1).join("/")))];
    for (const folder of folders) {
      test(folder, async () => {
        const failures: string[] = [];
        let entries = 0;
        for (const f of all.filter((x) => x.startsWith(join(root, folder) + "/") && !x.slice(root.length + folder.length + 2).includes("/"))) {
          for (const r of runFixture(core, f, await Bun.file(f).json())) {
            entries++;
            if (!r.passed) failures.push(`${r.test} ${JSON.stringify(r.indexes)}: ${r.problems.join("; ")}`);
          }
        }
        expect(entries).toBeGreaterThan(0);
        expect(failures).toEqual([]);
      }, 300_000); // vmPerformance alone takes ~9 s on a loaded 2-core machine
    }
  });
}
