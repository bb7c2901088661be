// The GeneralStateTests through the parallel path: every post entry becomes a one-transaction
// batch for a ParallelExecutor (minParallelBatch 1, so Block-STM runs even for one), and must
// both match the fixture (post-state root, logs, expected exception) and equal, field for
// field, what the serial core returns. A smoke check that the parallel path is exact,
// including the deferred coinbase credit (coinbases that send, receive or are empty).
//   npx bun test/parallel/state-tests.ts <file-or-folder>... [--workers N] [--every K]
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ExecStatus, INVALID_MESSAGES } from "../../src/exec/abi";
import type { EvmCore } from "../../src/exec/core";
import { bytesToHex } from "../../src/crypto/index";
import type { ParallelExecutor } from "../../src/parallel/index";
import { blockEnv, preState, testsIn, transaction } from "../../src/statetest/fixture";
import { logsHash } from "../../src/trie/index";

const U64 = 1n << 64n;
const U256 = 1n << 256n;

export interface ParallelEntryResult {
  file: string;
  test: string;
  passed: boolean;
  problems: string[];
}

export function stateTestFiles(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const p = join(path, name);
      return statSync(p).isDirectory() ? stateTestFiles(p) : name.endsWith(".json") ? [p] : [];
    });
}

/** Runs every Cancun entry of one fixture through `exec`, checking it against the fixture and the serial core. */
export async function runFixtureParallel(exec: ParallelExecutor, serialCore: EvmCore, file: string, json: unknown): Promise<ParallelEntryResult[]> {
  const out: ParallelEntryResult[] = [];
  for (const t of testsIn(json)) {
    for (const p of t.post.Cancun ?? []) {
      const problems: string[] = [];
      const state = preState(t);
      const env = blockEnv(t);
      const tx = transaction(t, p);
      let invalid: string | null = null;
      let logs = logsHash([]);
      if (tx.gasLimit >= U64 || tx.nonce >= U64 || tx.value >= U256) {
        invalid = "out of range";
      } else {
        const [r] = await exec.execute(env, [tx], state);
        const want = serialCore.execute(env, tx, preState(t));
        if (!Bun.deepEquals(r, want, true)) problems.push("result differs from the serial core's");
        if (r!.status === ExecStatus.Invalid) invalid = INVALID_MESSAGES[r!.invalidReason];
        else logs = logsHash(r!.logs);
      }
      // As the serial runner: geth's driver credits the coinbase with zero even for a rejected transaction.
      const cb = state.account(env.coinbase);
      if (cb && cb.nonce === 0n && cb.balance === 0n && cb.code.length === 0) state.delete(env.coinbase);
      if (p.expectException && !invalid) problems.push(`expected exception ${p.expectException}`);
      if (!p.expectException && invalid) problems.push(`rejected (${invalid})`);
      const root = bytesToHex(state.root());
      if (root !== p.hash.toLowerCase()) problems.push(`state root ${root}, expected ${p.hash}`);
      if (!invalid && bytesToHex(logs) !== p.logs.toLowerCase()) problems.push("logs hash differs");
      out.push({ file, test: t.name, passed: problems.length === 0, problems });
    }
  }
  return out;
}

if (import.meta.main) {
  const { EvmCore } = await import("../../src/exec/core");
  const { ParallelExecutor } = await import("../../src/parallel/index");
  const args = process.argv.slice(2);
  const opt = (name: string, d: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args.splice(i, 2)[1]) : d;
  };
  const workers = opt("--workers", 2);
  const every = opt("--every", 1);
  const core = await EvmCore.load("wasm");
  const exec = await ParallelExecutor.create({ workers, minParallelBatch: 1, minSenderParallelism: 0, adaptive: false });
  let passed = 0;
  let failed = 0;
  const files = args.flatMap(stateTestFiles).filter((_, i) => i % every === 0);
  for (const f of files) {
    for (const r of await runFixtureParallel(exec, core, f, await Bun.file(f).json())) {
      if (r.passed) passed++;
      else {
        failed++;
        console.log(`FAIL ${r.file} ${r.test}: ${r.problems.join("; ")}`);
      }
    }
  }
  await exec.close();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
