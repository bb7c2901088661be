// npx bun run bench evm [--json] [--filter name]
// Every program and labelled input of ../shared/fixtures/evm-benchmarks through our WASM core,
// our native build and @ethereumjs/evm, in one process, after checking that all three agree on
// output and gas. The programs were filled for London; here they run as Cancun workloads.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createEVM } from "@ethereumjs/evm";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { Address, createAccount } from "@ethereumjs/util";
import { ExecStatus, type TxInput } from "../src/exec/abi";
import { EvmCore } from "../src/exec/core";
import { blockEnv, preState, testsIn, transaction } from "../src/statetest/fixture";
import { bytesToHex, hexToBytes } from "../src/crypto/index";
import { geomean, timeMedian } from "./stats";

const root = new URL("../../shared/fixtures/evm-benchmarks/benchmarks", import.meta.url).pathname;
const json = process.argv.includes("--json");
const filterAt = process.argv.indexOf("--filter");
const filter = filterAt > 0 ? process.argv[filterAt + 1] : undefined;
const log = (...a: unknown[]) => !json && console.log(...a);

if (!existsSync(new URL("../native/libevm.so", import.meta.url).pathname)) {
  log("building native/libevm.so ...");
  Bun.spawnSync(["bash", new URL("../native/build.sh", import.meta.url).pathname], { stdio: ["ignore", "inherit", "inherit"] });
}
const wasm = await EvmCore.load("wasm");
const native = await EvmCore.load("native");

function intrinsic(tx: TxInput): bigint {
  let g = 21000n;
  for (const b of tx.data) g += b ? 16n : 4n;
  return g;
}

interface Row {
  name: string;
  input: string;
  gasUsed: number;
  wasmNs: number;
  nativeNs: number;
  ethereumjsNs: number;
}

const files = ["main", "micro"].flatMap((set) =>
  readdirSync(join(root, set))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(root, set, f)),
);
const rows: Row[] = [];
for (const file of files) {
  const t = testsIn(await Bun.file(file).json())[0]!;
  const name = file.split("/").pop()!.replace(".json", "");
  if (filter && !name.includes(filter)) continue;
  const labels: Record<string, string> = (t as any)._info?.labels ?? {};
  const block = { ...blockEnv(t), baseFee: 0n };
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun });
  const ejs = await createEVM({ common });
  for (const [a, acct] of Object.entries(t.pre)) {
    const addr = new Address(hexToBytes(a));
    await ejs.stateManager.putAccount(addr, createAccount({ nonce: BigInt(acct.nonce), balance: BigInt(acct.balance) }));
    if (acct.code !== "0x") await ejs.stateManager.putCode(addr, hexToBytes(acct.code));
  }
  for (let d = 0; d < t.transaction.data.length; d++) {
    const tx = { ...transaction(t, { indexes: { data: d, gas: 0, value: 0 } } as any), gasPrice: 0n, maxFeePerGas: 0n };
    const state = preState(t);
    const input = labels[String(d)] ?? String(d);
    const ours = wasm.execute(block, tx, state);
    const theirsNative = native.execute(block, tx, state);
    const runEjs = async () => {
      await ejs.stateManager.checkpoint();
      const r = await ejs.runCall({
        caller: new Address(tx.sender),
        origin: new Address(tx.sender),
        to: new Address(tx.to!),
        data: tx.data,
        gasLimit: tx.gasLimit - intrinsic(tx),
      });
      await ejs.stateManager.revert();
      return r;
    };
    const e = await runEjs();
    // Agreement: success, output and execution gas (ours is net of intrinsic gas and refund).
    const ourExecGas = ours.gasUsed + ours.gasRefunded - intrinsic(tx);
    const problems: string[] = [];
    if ((ours.status === ExecStatus.Success) !== (e.execResult.exceptionError === undefined)) problems.push("status");
    if (bytesToHex(ours.returnData) !== bytesToHex(e.execResult.returnValue)) problems.push("output");
    if (ourExecGas !== e.execResult.executionGasUsed) problems.push(`gas ${ourExecGas} vs ${e.execResult.executionGasUsed}`);
    if (theirsNative.gasUsed !== ours.gasUsed || bytesToHex(theirsNative.returnData) !== bytesToHex(ours.returnData))
      problems.push("native differs from wasm");
    if (problems.length) {
      console.error(`${name}/${input}: engines disagree: ${problems.join(", ")}`);
      process.exit(1);
    }
    const wasmNs = await timeMedian(() => wasm.execute(block, tx, state), 5, 1000, 200);
    const nativeNs = await timeMedian(() => native.execute(block, tx, state), 5, 1000, 200);
    const ethereumjsNs = await timeMedian(runEjs, 3, 1000, 20);
    const row = { name, input, gasUsed: Number(ours.gasUsed), wasmNs, nativeNs, ethereumjsNs };
    rows.push(row);
    log(
      `${(name + "/" + input).padEnd(36)} gas ${String(row.gasUsed).padStart(11)}  wasm ${(wasmNs / 1e6).toFixed(3).padStart(9)} ms` +
        `  native ${(nativeNs / 1e6).toFixed(3).padStart(9)} ms  ethereumjs ${(ethereumjsNs / 1e6).toFixed(2).padStart(10)} ms` +
        `  wasm Mgas/s ${((row.gasUsed / wasmNs) * 1e3).toFixed(0).padStart(5)}  x${(ethereumjsNs / wasmNs).toFixed(1)} vs ejs` +
        `  ${(wasmNs / nativeNs).toFixed(2)}x native`,
    );
  }
}
const summary = {
  speedupVsEthereumjs: geomean(rows.map((r) => r.ethereumjsNs / r.wasmNs)),
  slowdownVsNative: geomean(rows.map((r) => r.wasmNs / r.nativeNs)),
};
if (json) console.log(JSON.stringify({ programs: rows, summary }));
else
  console.log(
    `summary: ${rows.length} programs, wasm core ${summary.speedupVsEthereumjs.toFixed(1)}x faster than @ethereumjs/evm, ` +
      `${summary.slowdownVsNative.toFixed(2)}x slower than native (geometric means of medians)`,
  );
