// npx bun run statetest <file-or-folder>... [--json] [--backend wasm|native] [--fork Cancun]
// Runs Ethereum GeneralStateTests through the execution core; prints each failure and ends
// with "N passed, N failed"; exits 1 if any failed.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Backend, EvmCore } from "../exec/core";
import { type EntryResult, runFixture } from "../statetest/runner";

function jsonFiles(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const p = join(path, name);
      return statSync(p).isDirectory() ? jsonFiles(p) : name.endsWith(".json") ? [p] : [];
    });
}

function usage(msg: string): never {
  console.error(`${msg}\nusage: statetest <file-or-folder>... [--json] [--backend wasm|native] [--fork Cancun]`);
  process.exit(2);
}

const args = process.argv.slice(2);
const paths: string[] = [];
let json = false, backend: Backend = "wasm", fork = "Cancun";
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === "--json") json = true;
  else if (a === "--backend") backend = (args[++i] as Backend) ?? usage("--backend needs wasm or native");
  else if (a === "--fork") fork = args[++i] ?? usage("--fork needs a name");
  else if (a.startsWith("--")) usage(`unknown option ${a}`);
  else paths.push(a);
}
if (paths.length === 0) usage("no test files given");
if (backend !== "wasm" && backend !== "native") usage(`unknown backend ${backend}`);

const core = await EvmCore.load(backend);
const results: EntryResult[] = [];
for (const file of paths.flatMap(jsonFiles)) {
  let fileResults: EntryResult[];
  try {
    fileResults = runFixture(core, file, await Bun.file(file).json(), fork);
  } catch (err) {
    fileResults = [{ file, test: "(file)", indexes: { data: 0, gas: 0, value: 0 }, passed: false, problems: [String(err)] }];
  }
  for (const r of fileResults) {
    if (!r.passed && !json) {
      const i = r.indexes;
      console.log(`FAIL ${r.file} ${r.test} [d=${i.data} g=${i.gas} v=${i.value}]: ${r.problems.join("; ")}`);
    }
  }
  results.push(...fileResults);
}
const passed = results.filter((r) => r.passed).length;
const failed = results.length - passed;
if (json) console.log(JSON.stringify({ passed, failed, failures: results.filter((r) => !r.passed) }));
else console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
