// npx bun run bench sequencer [--json] [--n N] [--only eth-transfers,erc20-transfers,uniswap-swaps]
//   [--senders 500] [--batch 200] [--in-flight 8] [--window 4096] [--latency-ms 4000]
//   [--ethereumjs-ms 10000] [--no-anvil] [--no-ethereumjs] [--prune-trie-every S]
//   [--workers N] [--parallel-mode auto|always]
// End-to-end throughput and latency of the sequencer on three workloads (eth-transfers,
// erc20-transfers, uniswap-swaps), against anvil and @ethereumjs/vm on the same pre-signed
// transactions. Per workload:
//   1. sign everything (setup, N measured transactions round-robin over S fresh senders, N/2 more
//      for the latency phase) — untimed;
//   2. our sequencer, in this process (so Sequencer.times and per-thread CPU can be read), fed by
//      a separate Bun client process over WebSocket: setup, then a saturating phase of JSON-RPC
//      batches of eth_sendRawTransaction (inclusion seen on the "miniBlocks" subscription), then
//      an open-loop phase at 50% of the measured rate with eth_sendRawTransactionSync;
//   3. the same against anvil (--block-time 1, inclusion seen through newHeads + eth_getBlockReceipts);
//   4. the measured transactions on @ethereumjs/vm in process (pure execution, time-boxed).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../src/log/logger";
import { SEQUENCER_OPTIONS } from "../src/sequencer/options";
import { startSequencer, type RunningSequencer, type SequencerOptions } from "../src/sequencer/start";
import { anvilPath, killAllAnvils, startAnvil } from "./sequencer/anvil";
import type { ClientConfig, LatencyResult, ThroughputResult } from "./sequencer/client";
import { runEthereumjs, type EthereumjsResult } from "./sequencer/ethereumjs";
import { instrument, newPauses, type Pauses, type SyncTimes } from "./sequencer/instrument";
import { httpBatch, httpCall, sleep } from "./sequencer/rpc";
import type { Signed } from "./sequencer/signer";
import { processCpuMs, threadDelta, threadTimes } from "./sequencer/threads";
import { buildWorkload, WORKLOAD_NAMES, type EthCallCheck, type Workload, type WorkloadName } from "./sequencer/workloads";
import { geomean } from "./stats";

// ---- options ----
const argv = process.argv.slice(2);
const json = argv.includes("--json");
function flag(name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}
function intFlag(name: string, fallback: number): number {
  const v = flag(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} needs a positive integer, got "${v}"`);
    process.exit(2);
  }
  return n;
}
const DEFAULT_N: Record<WorkloadName, number> = { "eth-transfers": 20_000, "erc20-transfers": 20_000, "uniswap-swaps": 5_000 };
const nFlag = flag("--n") === undefined ? undefined : intFlag("--n", 1);
const only = flag("--only")?.split(",") ?? [...WORKLOAD_NAMES];
for (const o of only)
  if (!(WORKLOAD_NAMES as readonly string[]).includes(o)) {
    console.error(`--only: unknown workload "${o}"; known: ${WORKLOAD_NAMES.join(", ")}`);
    process.exit(2);
  }
const SENDERS = intFlag("--senders", 500);
const BATCH = intFlag("--batch", 200);
const IN_FLIGHT = intFlag("--in-flight", 8);
/** Submitted-but-not-included cap for our node: its pool holds 6144 transactions (64 per sender). */
const OURS_WINDOW = intFlag("--window", 4096);
const LATENCY_MS = intFlag("--latency-ms", 4000);
const SYNC_TIMEOUT_MS = 10_000;
const EJS_BUDGET_MS = intFlag("--ethereumjs-ms", 10_000);
/** --prune-trie-every S: run our sequencer with online trie pruning, to see what it costs. */
const PRUNE_EVERY = flag("--prune-trie-every") === undefined ? 0 : intFlag("--prune-trie-every", 1);
/** Our sequencer's --workers and --parallel-mode (default: the sequencer's own defaults). */
const WORKERS = flag("--workers") === undefined ? undefined : intFlag("--workers", 1);
const PARALLEL_MODE = flag("--parallel-mode"); // checked by startSequencer
/** What our sequencer executes with, as the report names it. */
const EXECUTION = `--workers ${WORKERS ?? SEQUENCER_OPTIONS.workers.default}` + (PARALLEL_MODE !== undefined ? ` --parallel-mode ${PARALLEL_MODE}` : "");
const withAnvil = !argv.includes("--no-anvil");
const withEjs = !argv.includes("--no-ethereumjs");
const log = (...a: unknown[]) => !json && console.log(...a);
const progress = (msg: string) => process.stderr.write(`[bench sequencer] ${msg}\n`);

// ---- cleanup: every process started is killed and every temp dir removed, whatever happens ----
const tmpRoot = mkdtempSync(join(tmpdir(), "bunseq-bench-"));
const clients = new Set<ReturnType<typeof Bun.spawn>>();
let running: RunningSequencer | null = null;
function cleanupSync(): void {
  for (const c of clients) c.kill("SIGKILL");
  clients.clear();
  killAllAnvils();
  rmSync(tmpRoot, { recursive: true, force: true });
}
process.on("exit", cleanupSync);
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    cleanupSync();
    process.exit(130);
  });

// ---- helpers ----
const CLIENT = new URL("./sequencer/client.ts", import.meta.url).pathname;
const SAMPLER = new URL("./sequencer/sampler.ts", import.meta.url).pathname;
let fileSeq = 0;

function writeTxFile(txs: Signed[]): string {
  const path = join(tmpRoot, `txs-${fileSeq++}.json`);
  writeFileSync(path, JSON.stringify({ raws: txs.map((t) => t.raw), hashes: txs.map((t) => t.hash) }));
  return path;
}

async function runClient<T>(cfg: ClientConfig, killAfterMs: number): Promise<T> {
  const path = join(tmpRoot, `client-${fileSeq++}.json`);
  writeFileSync(path, JSON.stringify(cfg));
  const proc = Bun.spawn([process.execPath, CLIENT, path], { stdout: "pipe", stderr: "inherit" });
  clients.add(proc);
  const timer = setTimeout(() => proc.kill("SIGKILL"), killAfterMs);
  try {
    const out = await new Response(proc.stdout as ReadableStream).text();
    const code = await proc.exited;
    const line = out.trim().split("\n").pop() ?? "";
    if (code !== 0 || !line.startsWith("{")) throw new Error(`client (${cfg.phase}, ${cfg.kind}) exited with ${code}: ${out.slice(-500)}`);
    return JSON.parse(line) as T;
  } finally {
    clearTimeout(timer);
    clients.delete(proc);
  }
}

/** Sends each setup wave, waits until all of it is included, checks every receipt and the eth_call checks. */
async function runSetup(url: string, w: Workload): Promise<void> {
  for (const [i, wave] of w.setup.entries()) {
    const res = await httpBatch(url, wave.map((s) => ({ method: "eth_sendRawTransaction", params: [s.raw] })));
    const bad = res.find((r) => r.error);
    if (bad) throw new Error(`setup wave ${i}: eth_sendRawTransaction refused: ${bad.error!.code} ${bad.error!.message}`);
    let pending = wave;
    const deadline = Date.now() + 60_000;
    while (pending.length) {
      if (Date.now() > deadline) throw new Error(`setup wave ${i}: ${pending.length} transactions not included after 60 s (e.g. ${pending[0]!.hash})`);
      await sleep(50);
      const receipts = await httpBatch(url, pending.map((s) => ({ method: "eth_getTransactionReceipt", params: [s.hash] })));
      const still: Signed[] = [];
      receipts.forEach((r, j) => {
        if (!r.result) return void still.push(pending[j]!);
        if (r.result.status !== "0x1") throw new Error(`setup wave ${i}: transaction ${pending[j]!.hash} reverted`);
      });
      pending = still;
    }
  }
  for (const c of w.checks) await check(url, c);
}

async function check(url: string, c: EthCallCheck): Promise<void> {
  const got = await httpCall(url, "eth_call", [{ to: c.to, data: c.data }, "latest"]);
  if (String(got).toLowerCase() !== c.expect.toLowerCase()) throw new Error(`setup check failed: ${c.what}: got ${got}, expected ${c.expect}`);
}

function clientConfig(kind: "ours" | "anvil", phase: "throughput" | "latency", wsUrl: string, txFile: string, n: number, rate = 0): ClientConfig {
  return {
    phase,
    kind,
    wsUrl,
    txFile,
    batchSize: BATCH,
    maxInFlightBatches: IN_FLIGHT,
    // Our pool holds 6144 transactions and 64 per sender; anvil's has no small cap, and a window
    // there would cap it at `window` transactions per block.
    window: kind === "ours" ? Math.min(OURS_WINDOW, 60 * SENDERS) : n,
    timeoutMs: 90_000,
    stallMs: 15_000,
    rate,
    durationMs: LATENCY_MS,
    syncTimeoutMs: SYNC_TIMEOUT_MS,
  };
}

/** Collects the sequencer's warnings and errors instead of printing them over the report. */
function capturingLogger(sink: { warnings: number; errors: number; samples: string[] }, base: Record<string, unknown> = {}): Logger {
  const note = (level: "warn" | "error", msg: string, fields?: Record<string, unknown>) => {
    if (level === "warn") sink.warnings++;
    else sink.errors++;
    const line = `${level} ${msg} ${JSON.stringify({ ...base, ...fields })}`;
    if (sink.samples.length < 10) sink.samples.push(line);
    if (level === "error") process.stderr.write(`[sequencer] ${line}\n`);
  };
  return {
    debug() {},
    info() {},
    warn: (m, f) => note("warn", m, f),
    error: (m, f) => note("error", m, f),
    child: (f) => capturingLogger(sink, { ...base, ...f }),
  };
}

interface Sampled {
  samples: number;
  counts: Record<string, number>;
}

/** The main thread's scheduler state, sampled by a separate process (see sequencer/sampler.ts). */
function startSampler(): { finish(): Promise<Sampled | null> } {
  const proc = Bun.spawn([process.execPath, SAMPLER, String(process.pid), String(process.pid), "150000"], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  clients.add(proc);
  return {
    async finish() {
      try {
        proc.stdin.end();
        const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
        const out = await new Response(proc.stdout as ReadableStream).text();
        clearTimeout(timer);
        await proc.exited;
        return JSON.parse(out.trim().split("\n").pop()!) as Sampled;
      } catch {
        return null;
      } finally {
        clients.delete(proc);
      }
    },
  };
}

interface Breakdown {
  /** First submit to last inclusion. */
  windowMs: number;
  /** The whole client run (start-up and connection included) that the timers below cover. */
  spanMs: number;
  txs: number;
  /** Where the main thread's wall time went over the saturating phase's span. busy = sampled "runnable" share of the window (running, or waiting for a core:
   * this 2-core machine also runs the client and other threads); the stages are wall-clock timers
   * (Sequencer.times plus finer timers on a few methods; subscriptions = the node's event feeds,
   * here the client's miniBlocks subscription, formatted and sent); rpc+other = busy minus all
   * stages: JSON-RPC request parsing, dispatch and responses, WebSocket I/O, worker replies,
   * promise and timer machinery, GC on the main thread. */
  mainThread: {
    busyMs: number;
    idleMs: number;
    blockedMs: Record<string, number>;
    cpuMs: number;
    cpuUsPerTx: number;
    /** cpu ÷ busy: below 1 when runnable time was spent waiting for a core. */
    onCpuShare: number;
  };
  stagesMs: Record<string, number>;
  /** Largest first: [stage, wall ms, µs per tx, share of busy]. */
  top: [string, number, number, number][];
  /** Sequencer.times, as the sequencer reports it (wall ms). recover is the average per-tx wait
   * for the batched worker-thread recovery (mostly queueing); commit and seal include waiting
   * for LMDB's write thread. */
  sequencerTimesMs: { decode: number; recoverWaitPerTx: number; pool: number; execute: number; commit: number; seal: number };
  otherThreadsCpuMs: Record<string, number>;
  clientCpuMs: number;
  /** Mini-blocks (non-empty) and seals, each timed from start until durable: the sequencer loop
   * runs one at a time, so a long one delays every transaction waiting behind it. */
  steps: { saturating?: StepSummary; halfLoad?: StepSummary };
  uninstrumented: string[];
}

interface StepSummary {
  miniBlocks: number;
  txsPerMiniBlock: number;
  miniBlockP50Ms: number;
  miniBlockMaxMs: number;
  seals: number;
  sealMaxMs: number;
}

function stepSummary(steps: { miniBlocks: Pauses; seals: Pauses }): StepSummary {
  const p50 = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1]! : NaN);
  return {
    miniBlocks: steps.miniBlocks.count,
    txsPerMiniBlock: 0, // filled in by the caller, which knows the transaction count
    miniBlockP50Ms: round(p50(steps.miniBlocks.all), 2),
    miniBlockMaxMs: round(steps.miniBlocks.maxMs, 1),
    seals: steps.seals.count,
    sealMaxMs: round(steps.seals.maxMs, 1),
  };
}

function breakdownOf(
  t0: RunningSequencer["sequencer"]["times"],
  t1: RunningSequencer["sequencer"]["times"],
  s0: SyncTimes,
  s1: SyncTimes,
  threads: ReturnType<typeof threadDelta>,
  tp: ThroughputResult,
  spanMs: number,
  sampled: Sampled | null,
  missing: string[],
): Breakdown {
  const ms = (a: number, b: number) => (b - a) / 1e6;
  const txs = Math.max(1, tp.included);
  const st = {
    decode: ms(t0.decodeNs, t1.decodeNs),
    recover: ms(t0.recoverNs, t1.recoverNs),
    pool: ms(t0.poolNs, t1.poolNs),
    execute: ms(t0.executeNs, t1.executeNs),
    commit: ms(t0.commitNs, t1.commitNs),
    seal: ms(t0.sealNs, t1.sealNs),
  };
  const d = (k: keyof SyncTimes) => ms(s0[k], s1[k]);
  const cpu = threads.filter((t) => t.tid === process.pid).reduce((a, t) => a + t.cpuMs, 0);
  const core = d("coreNs");
  const apply = d("applyNs");
  const receipts = d("receiptNs");
  const stages: Record<string, number> = {
    decode: st.decode,
    "pool add": st.pool,
    "pool select": d("poolNextNs"),
    "evm core": core,
    "state apply": apply,
    receipts,
    "execute other": Math.max(0, st.execute - core - apply - receipts),
    "state root": d("stateRootNs"),
    "commit sync": d("commitSyncNs"),
    "block tries": d("blockTriesNs"),
    subscriptions: d("listenersNs"),
    "recovery dispatch": d("recoveryDispatchNs"),
  };
  const known = Object.values(stages).reduce((a, b) => a + b, 0);
  const window = spanMs;
  const share = (k: string) => (sampled && sampled.samples ? (sampled.counts[k] ?? 0) / sampled.samples : NaN);
  const busy = sampled ? share("runnable") * window : known;
  stages["rpc+other"] = Math.max(0, busy - known);
  const blocked: Record<string, number> = {};
  if (sampled) for (const k of Object.keys(sampled.counts)) if (k.startsWith("blocked")) blocked[k.slice(11)] = round(share(k) * window);
  const others: Record<string, number> = {};
  for (const t of threads) {
    if (t.tid === process.pid) continue;
    const name = t.name === "Worker" ? "recovery worker" : t.name;
    others[name] = (others[name] ?? 0) + t.cpuMs;
  }
  const top = Object.entries(stages)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => [k, round(v), round((v * 1000) / txs, 2), busy ? round(v / busy, 3) : 0] as [string, number, number, number]);
  return {
    windowMs: round(tp.durationMs),
    spanMs: round(spanMs),
    txs: tp.included,
    mainThread: {
      busyMs: round(busy),
      idleMs: round(share("idle") * window),
      blockedMs: blocked,
      cpuMs: cpu,
      cpuUsPerTx: round((cpu * 1000) / txs, 1),
      onCpuShare: busy ? round(cpu / busy, 2) : NaN,
    },
    stagesMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v)])),
    top,
    sequencerTimesMs: {
      decode: round(st.decode),
      recoverWaitPerTx: round(st.recover / txs, 2),
      pool: round(st.pool),
      execute: round(st.execute),
      commit: round(st.commit),
      seal: round(st.seal),
    },
    otherThreadsCpuMs: others,
    clientCpuMs: round(tp.clientCpuMs),
    steps: {},
    uninstrumented: missing,
  };
}

const round = (x: number, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

interface ChainResult {
  throughput: ThroughputResult;
  latency: LatencyResult | null;
  cpuMs?: number;
}

function issuesOf(who: string, r: ChainResult): string[] {
  const out: string[] = [];
  const t = r.throughput;
  if (t.outcome !== "complete") out.push(`${who}: throughput phase ${t.outcome}: ${t.included}/${t.total} included, ${t.sent} sent (missing e.g. ${t.missingSample.join(", ")})`);
  if (t.rejected) out.push(`${who}: ${t.rejected} submissions refused, e.g. ${t.rejections.slice(0, 3).map((x) => `#${x.index} ${x.code} ${x.message}`).join("; ")}`);
  if (t.ackedNotIncluded) out.push(`${who}: ${t.ackedNotIncluded} acknowledged transactions never included`);
  if (t.reverted) out.push(`${who}: ${t.reverted} measured transactions reverted`);
  if (r.latency && r.latency.errors) out.push(`${who}: latency phase: ${r.latency.errors} errors, e.g. ${r.latency.errorSamples.join("; ")}`);
  if (r.latency && r.latency.reverted) out.push(`${who}: latency phase: ${r.latency.reverted} reverted`);
  return out;
}

// ---- the chains ----
async function runOurs(w: Workload, tpFile: string, latFile: string): Promise<ChainResult & { breakdown: Breakdown; logs: { warnings: number; errors: number; samples: string[] } }> {
  const datadir = mkdtempSync(join(tmpRoot, "datadir-"));
  const defaults = Object.fromEntries(Object.entries(SEQUENCER_OPTIONS).map(([k, v]) => [k, (v as { default?: unknown }).default]));
  const opts = {
    ...defaults,
    datadir,
    "http-port": 0,
    "log-level": "warn",
    "log-format": "json",
    "prune-trie-every": PRUNE_EVERY,
    ...(WORKERS !== undefined ? { workers: WORKERS } : {}),
    ...(PARALLEL_MODE !== undefined ? { "parallel-mode": PARALLEL_MODE } : {}),
  } as unknown as SequencerOptions;
  const sink = { warnings: 0, errors: 0, samples: [] as string[] };
  const consoleLog = console.log;
  console.log = () => {}; // startSequencer prints the dev accounts
  try {
    running = await startSequencer(opts, capturingLogger(sink));
  } finally {
    console.log = consoleLog;
  }
  try {
    progress(`${w.name}: bunseq setup (${w.setup.map((x) => x.length).join(" + ")} txs)`);
    await runSetup(running.url, w);
    const { times: sync, missing, steps } = instrument(running);
    const t0 = { ...running.sequencer.times };
    const s0 = { ...sync };
    const th0 = threadTimes();
    progress(`${w.name}: bunseq saturating phase (${w.throughput.length} txs)`);
    steps.miniBlocks = newPauses();
    steps.seals = newPauses();
    const sampler = startSampler();
    const spanStart = performance.now();
    const tp = await runClient<ThroughputResult>(clientConfig("ours", "throughput", running.wsUrl, tpFile, w.throughput.length), 150_000);
    const th1 = threadTimes();
    const spanMs = performance.now() - spanStart;
    const t1 = { ...running.sequencer.times };
    const s1 = { ...sync };
    const sampled = await sampler.finish();
    const breakdown = breakdownOf(t0, t1, s0, s1, threadDelta(th0, th1), tp, spanMs, sampled, missing);
    breakdown.steps.saturating = stepSummary(steps);
    breakdown.steps.saturating.txsPerMiniBlock = round(tp.included / Math.max(1, breakdown.steps.saturating.miniBlocks));
    steps.miniBlocks = newPauses();
    steps.seals = newPauses();
    let latency: LatencyResult | null = null;
    if (tp.outcome === "complete" && tp.txPerSec > 0) {
      progress(`${w.name}: bunseq latency phase at ${Math.round(tp.txPerSec / 2)} tx/s`);
      latency = await runClient<LatencyResult>(clientConfig("ours", "latency", running.wsUrl, latFile, w.latency.length, tp.txPerSec / 2), LATENCY_MS + SYNC_TIMEOUT_MS + 30_000);
      breakdown.steps.halfLoad = stepSummary(steps);
      breakdown.steps.halfLoad.txsPerMiniBlock = round(latency.ok / Math.max(1, breakdown.steps.halfLoad.miniBlocks));
    }
    return { throughput: tp, latency, breakdown, logs: sink };
  } finally {
    await running.stop();
    running = null;
    rmSync(datadir, { recursive: true, force: true });
  }
}

async function runAnvil(w: Workload, tpFile: string, latFile: string): Promise<ChainResult> {
  const anvil = await startAnvil(1_000_000_000n);
  try {
    progress(`${w.name}: anvil setup`);
    await runSetup(anvil.url, w);
    progress(`${w.name}: anvil saturating phase (${w.throughput.length} txs)`);
    const cpu0 = processCpuMs(anvil.pid);
    const tp = await runClient<ThroughputResult>(clientConfig("anvil", "throughput", anvil.wsUrl, tpFile, w.throughput.length), 150_000);
    const cpuMs = processCpuMs(anvil.pid) - cpu0;
    let latency: LatencyResult | null = null;
    if (tp.outcome === "complete" && tp.txPerSec > 0) {
      progress(`${w.name}: anvil latency phase at ${Math.round(tp.txPerSec / 2)} tx/s`);
      latency = await runClient<LatencyResult>(clientConfig("anvil", "latency", anvil.wsUrl, latFile, w.latency.length, tp.txPerSec / 2), LATENCY_MS + SYNC_TIMEOUT_MS + 30_000);
    }
    return { throughput: tp, latency, cpuMs };
  } finally {
    await anvil.stop();
  }
}

// ---- main ----
const results: Record<string, any> = {};
const allIssues: string[] = [];
if (withAnvil && !anvilPath()) {
  console.error("anvil not found: npm install -D @foundry-rs/anvil-linux-amd64 (or pass --no-anvil)");
  process.exit(2);
}
try {
  for (const name of only as WorkloadName[]) {
    const n = nFlag ?? DEFAULT_N[name];
    const tSign = performance.now();
    const w = buildWorkload(name, { senders: SENDERS, throughput: n, latency: Math.ceil(n / 2) });
    progress(`${name}: signed ${w.setup.flat().length + w.throughput.length + w.latency.length} txs in ${((performance.now() - tSign) / 1000).toFixed(1)} s`);
    const tpFile = writeTxFile(w.throughput);
    const latFile = writeTxFile(w.latency);

    const ours = await runOurs(w, tpFile, latFile);
    const anvil = withAnvil ? await runAnvil(w, tpFile, latFile) : null;
    let ejs: EthereumjsResult | null = null;
    if (withEjs) {
      progress(`${name}: @ethereumjs/vm (up to ${EJS_BUDGET_MS / 1000} s)`);
      ejs = await runEthereumjs(w.setup, w.throughput, EJS_BUDGET_MS);
    }
    const issues = [...issuesOf("bunseq", ours), ...(anvil ? issuesOf("anvil", anvil) : [])];
    if (ours.logs.warnings || ours.logs.errors)
      issues.push(`bunseq logged ${ours.logs.warnings} warnings and ${ours.logs.errors} errors, e.g. ${ours.logs.samples.slice(0, 3).join(" | ")}`);
    if (ejs?.failed) issues.push(`ethereumjs: ${ejs.failed} measured transactions failed`);
    allIssues.push(...issues.map((i) => `${name}: ${i}`));
    results[name] = {
      txs: n,
      senders: w.senders,
      txPerSec: round(ours.throughput.txPerSec),
      gasPerSec: Math.round(ours.throughput.gasPerSec),
      latencyP50Ms: round(ours.latency?.p50Ms ?? NaN, 2),
      latencyP99Ms: round(ours.latency?.p99Ms ?? NaN, 2),
      anvilTxPerSec: anvil ? round(anvil.throughput.txPerSec) : null,
      ethereumjsTxPerSec: ejs ? round(ejs.txPerSec) : null,
      breakdown: ours.breakdown,
      bunseq: { throughput: ours.throughput, latency: ours.latency },
      anvil: anvil && { throughput: anvil.throughput, latency: anvil.latency, cpuMs: anvil.cpuMs },
      ethereumjs: ejs,
      issues,
    };
    if (!json) printWorkload(name, results[name]);
  }
} finally {
  cleanupSync();
}

function fmt(x: number | null | undefined, digits = 0): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function printWorkload(name: string, r: any): void {
  const o = r.bunseq;
  const a = r.anvil;
  const e: EthereumjsResult | null = r.ethereumjs;
  log(`\n${name}: ${fmt(r.txs)} txs over ${r.senders} senders, JSON-RPC batches of ${BATCH} over WebSocket, ≤${IN_FLIGHT} batches in flight; bunseq ${EXECUTION}`);
  log(`  ${"".padEnd(12)} ${"tx/s".padStart(9)} ${"Mgas/s".padStart(8)}   ${"latency at 50% load (eth_sendRawTransactionSync)".padEnd(50)} saturated p50`);
  const row = (who: string, t: ThroughputResult | null, l: LatencyResult | null) =>
    log(
      `  ${who.padEnd(12)} ${fmt(t?.txPerSec).padStart(9)} ${fmt((t?.gasPerSec ?? NaN) / 1e6, 1).padStart(8)}   ` +
        (l ? `p50 ${fmt(l.p50Ms, 1)} ms  p99 ${fmt(l.p99Ms, 1)} ms  at ${fmt(l.rate)} tx/s (${l.ok}/${l.sent} ok)` : "-").padEnd(50) +
        ` ${t ? fmt(t.saturatedP50Ms, 0) + " ms" : ""}`,
    );
  row("bunseq", o.throughput, o.latency);
  if (a) row("anvil", a.throughput, a.latency);
  if (e) log(`  ${"ethereumjs".padEnd(12)} ${fmt(e.txPerSec).padStart(9)} ${fmt(e.gasPerSec / 1e6, 1).padStart(8)}   pure execution in process, ${e.executed} txs in ${e.seconds.toFixed(1)} s`);
  log(
    `  bunseq vs anvil ${r.anvilTxPerSec ? (r.txPerSec / r.anvilTxPerSec).toFixed(2) + "x" : "-"}, ` +
      `vs ethereumjs ${r.ethereumjsTxPerSec ? (r.txPerSec / r.ethereumjsTxPerSec).toFixed(2) + "x" : "-"} (tx/s)`,
  );
  const b: Breakdown = r.breakdown;
  const m = b.mainThread;
  log(
    `  bunseq main thread over the saturating phase (${fmt(b.spanMs)} ms with client start-up): busy ${fmt(m.busyMs)} ms, idle ${fmt(m.idleMs)} ms` +
      Object.entries(m.blockedMs).map(([k, v]) => `, blocked in ${k} ${fmt(v)} ms`).join("") +
      `; CPU ${fmt(m.cpuMs)} ms = ${fmt(m.cpuUsPerTx, 1)} µs/tx (${fmt(m.onCpuShare * 100)}% of busy time on a core)`,
  );
  for (const [stage, ms, us, share] of b.top) log(`    ${stage.padEnd(17)} ${fmt(ms).padStart(7)} ms ${fmt(us, 2).padStart(8)} µs/tx ${fmt(share * 100, 1).padStart(6)}% of busy`);
  const st = b.sequencerTimesMs;
  log(
    `    Sequencer.times (wall ms): decode ${fmt(st.decode)}, recover ${fmt(st.recoverWaitPerTx, 1)} per tx (average wait, mostly queueing), pool ${fmt(st.pool)}, ` +
      `execute ${fmt(st.execute)}, commit ${fmt(st.commit)}, seal ${fmt(st.seal)}`,
  );
  const stepLine = (what: string, x?: StepSummary) =>
    x &&
    log(
      `    ${what}: ${fmt(x.miniBlocks)} mini-blocks (~${fmt(x.txsPerMiniBlock)} txs each, p50 ${fmt(x.miniBlockP50Ms, 1)} ms, max ${fmt(x.miniBlockMaxMs)} ms start to durable), ` +
        `${x.seals} seals (max ${fmt(x.sealMaxMs)} ms)`,
    );
  stepLine("saturating", b.steps.saturating);
  stepLine("at 50% load", b.steps.halfLoad);
  log(
    `    other threads (CPU ms): ${Object.entries(b.otherThreadsCpuMs)
      .sort((x, y) => y[1] - x[1])
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(", ")}; client process ${fmt(b.clientCpuMs)}` + (a?.cpuMs !== undefined ? `; anvil process ${fmt(a.cpuMs)} in its phase` : ""),
  );
  for (const i of r.issues) log(`  ! ${i}`);
}

const names = Object.keys(results);
const vsAnvil = names.filter((k) => results[k].anvilTxPerSec).map((k) => results[k].txPerSec / results[k].anvilTxPerSec);
const vsEjs = names.filter((k) => results[k].ethereumjsTxPerSec).map((k) => results[k].txPerSec / results[k].ethereumjsTxPerSec);
const summary = {
  execution: EXECUTION,
  txPerSec: Object.fromEntries(names.map((k) => [k, results[k].txPerSec])),
  speedupVsAnvil: vsAnvil.length ? round(geomean(vsAnvil), 2) : null,
  speedupVsEthereumjs: vsEjs.length ? round(geomean(vsEjs), 2) : null,
  issues: allIssues,
};
if (json) console.log(JSON.stringify({ workloads: results, summary }));
else
  console.log(
    `\nsummary: bunseq ${names.map((k) => `${k} ${fmt(results[k].txPerSec)} tx/s (p50 ${fmt(results[k].latencyP50Ms, 1)} ms)`).join(", ")}; ` +
      `${summary.speedupVsAnvil ?? "-"}x anvil, ${summary.speedupVsEthereumjs ?? "-"}x @ethereumjs/vm (geometric means of tx/s ratios)` +
      (allIssues.length ? `; ${allIssues.length} issue(s), see "!" lines` : ""),
  );
