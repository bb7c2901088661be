// The state-diff stream and the replica, per workload (the sequencer benchmark's pre-signed
// eth-transfers, erc20-transfers and uniswap-swaps, bench/sequencer/workloads.ts):
//   1. produce: an in-process sequencer with its stream on runs the setup waves, then takes the
//      measured transactions as fast as it can. --feed rpc (default): JSON-RPC batches over
//      WebSocket from a separate process, the sequencer benchmark's client, so the production
//      rate is the throughput `bench sequencer` reports; --feed direct: Sequencer.submit in this
//      process (the sequencer's loop alone, no JSON-RPC: its best case);
//   2. catch up: a replica process starts on an empty datadir and applies the whole recorded
//      chain (setup included) from the stream; apply rate = measured transactions / (hello → last
//      frame durable), as the replica reports it in its "caught up" log line; bytes per
//      transaction on the wire;
//   3. live lag: with the replica following, the latency set arrives at --lag-rate tx/s; lag =
//      applied on the replica (its miniBlocks subscription, received here) − committed on the
//      sequencer (its own event, here), per mini-block, p50 and p99;
//   4. wire rate: a stream client in this process reads the whole chain from seq 0 and verifies
//      every frame's hash chain without applying it: frames/s.
// With several workloads the top-level numbers are the worst of them (lowest rates, highest lag).
//   npx bun run bench replica [--json] [--workload all|eth-transfers|erc20-transfers|uniswap-swaps]
//     [--feed rpc|direct] [--n N] [--senders N] [--lag-rate N] [--lag-seconds N]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { hexToBytes } from "../src/crypto";
import { createLogger } from "../src/log/logger";
import { startSequencer, type RunningSequencer } from "../src/sequencer/start";
import { StreamClient } from "../src/stream/client";
import type { ClientConfig, ThroughputResult } from "./sequencer/client";
import { buildWorkload, WORKLOAD_NAMES, type WorkloadName } from "./sequencer/workloads";
import { median } from "./stats";

const argv = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const n = Number(argv[at + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer, got "${argv[at + 1]}"`);
  return n;
}
const asJson = argv.includes("--json");
const FEED = argv.includes("--feed") ? argv[argv.indexOf("--feed") + 1]! : "rpc";
if (FEED !== "rpc" && FEED !== "direct") throw new Error(`--feed: rpc or direct, got "${FEED}"`);
const workloadArg = argv.includes("--workload") ? argv[argv.indexOf("--workload") + 1]! : "all";
const workloads = (workloadArg === "all" ? [...WORKLOAD_NAMES] : workloadArg.split(",")) as WorkloadName[];
for (const w of workloads) if (!(WORKLOAD_NAMES as readonly string[]).includes(w)) throw new Error(`--workload: unknown "${w}"; known: all, ${WORKLOAD_NAMES.join(", ")}`);
const DEFAULT_N: Record<WorkloadName, number> = { "eth-transfers": 30_000, "erc20-transfers": 30_000, "uniswap-swaps": 15_000 };
const SENDERS = flag("--senders", 500);
const LAG_RATE = flag("--lag-rate", 1000);
const LAG_SECONDS = flag("--lag-seconds", 5);
const say = asJson ? (_: string) => {} : (line: string) => console.log(line);
const ROOT = resolve(import.meta.dir, "..");
const quiet = createLogger("error", true);

interface Result {
  workload: WorkloadName;
  feed: string;
  framesPerSec: number;
  bytesPerTx: number;
  applyVsProduceRatio: number;
  lagP50Ms: number;
  lagP99Ms: number;
  produceTxPerSec: number;
  applyTxPerSec: number;
  txs: number;
  catchUpFrames: number;
  catchUpMs: number;
  lagSamples: number;
  liveTxPerSec: number;
}

/** Collects a child's stderr and finds its JSON log lines. */
function watch(proc: ReturnType<typeof Bun.spawn>) {
  let text = "";
  void (async () => {
    const dec = new TextDecoder();
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) text += dec.decode(chunk, { stream: true });
  })();
  return {
    text: () => text,
    lines: (msg: string) =>
      text
        .split("\n")
        .filter((l) => l.includes(`"msg":"${msg}"`))
        .map((l) => JSON.parse(l)),
  };
}

async function runWorkload(name: WorkloadName): Promise<Result> {
  const n = flag("--n", DEFAULT_N[name]);
  const lagCount = LAG_RATE * LAG_SECONDS;
  say(`\n== ${name}: signing setup, ${n} measured and ${lagCount} live transactions from ${SENDERS} senders...`);
  const w = buildWorkload(name, { senders: SENDERS, throughput: n, latency: lagCount });
  const dir = mkdtempSync(join(tmpdir(), "bunseq-bench-replica-"));
  const cleanup: (() => Promise<unknown> | unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const token = "bench-token";
    const print = console.log;
    console.log = () => {}; // the dev accounts banner
    const running: RunningSequencer = await startSequencer(
      {
        datadir: join(dir, "sequencer"), "http-addr": "127.0.0.1", "http-port": 0, "mini-block-ms": 10, "block-ms": 1000,
        "block-gas-limit": 2_000_000_000n, coinbase: "0x" + "00".repeat(20), "max-txs-per-mini-block": 2000,
        "receipt-timeout-ms": 2000, "log-level": "error", "log-format": "json", "stream-port": 0, "stream-token": token,
      },
      quiet,
    ).finally(() => (console.log = print));
    cleanup.unshift(() => running.stop());
    const seq = running.sequencer;
    const commitAt = new Map<bigint, number>();
    let committed = 0;
    let lastCommit = 0;
    let failedReceipts = 0;
    seq.on({
      miniBlock: (m) => {
        const t = performance.now();
        commitAt.set(m.seq, t);
        committed += m.transactions.length;
        for (const r of m.receipts) if (r.status !== 1) failedReceipts++;
        lastCommit = t;
      },
      block: () => {},
    });
    const refused: string[] = [];
    const submit = (raw: string) => void seq.submit(hexToBytes(raw)).catch((e) => refused.push(String(e?.message ?? e)));
    const untilCommitted = async (count: number, what: string) => {
      const deadline = Date.now() + 120_000;
      while (committed < count) {
        if (refused.length) throw new Error(`the sequencer refused ${what} transactions: ${refused.slice(0, 3).join("; ")}`);
        if (Date.now() > deadline) throw new Error(`${what}: only ${committed} of ${count} transactions committed`);
        await Bun.sleep(1);
      }
    };

    // Setup waves (deployments, funding, approvals), each fully included before the next.
    let expected = 0;
    for (const wave of w.setup) {
      for (let i = 0; i < wave.length; i += 60) {
        for (const s of wave.slice(i, i + 60)) submit(s.raw);
        expected += Math.min(60, wave.length - i);
        await untilCommitted(expected, "setup");
      }
    }
    if (failedReceipts) throw new Error(`${failedReceipts} setup transactions failed`);

    // ---- 1. Production ----
    let produceTxPerSec: number;
    if (FEED === "rpc") {
      // As deployed: JSON-RPC batches over WebSocket from a separate process (the sequencer
      // benchmark's client, so this is the throughput `bench sequencer` reports).
      const txFile = join(dir, "txs.json");
      writeFileSync(txFile, JSON.stringify({ raws: w.throughput.map((t) => t.raw), hashes: w.throughput.map((t) => t.hash) }));
      const cfgFile = join(dir, "client.json");
      const cfg: ClientConfig = {
        phase: "throughput", kind: "ours", wsUrl: running.wsUrl, txFile, batchSize: 200, maxInFlightBatches: 8,
        window: Math.min(4096, 60 * SENDERS), timeoutMs: 90_000, stallMs: 15_000, rate: 0, durationMs: 0, syncTimeoutMs: 0,
      };
      writeFileSync(cfgFile, JSON.stringify(cfg));
      const client = Bun.spawn([process.execPath, join(ROOT, "bench/sequencer/client.ts"), cfgFile], { stdout: "pipe", stderr: "inherit" });
      const outText = await new Response(client.stdout as ReadableStream).text();
      const code = await client.exited;
      const line = outText.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) throw new Error(`load client exited with ${code}: ${outText.slice(-500)}`);
      const tp = JSON.parse(line) as ThroughputResult;
      if (tp.outcome !== "complete" || tp.included !== n) throw new Error(`load client: ${tp.outcome}, ${tp.included} of ${n} included, ${tp.rejected} rejected`);
      produceTxPerSec = tp.txPerSec;
      say(`  sequencer produced ${n} txs fed over JSON-RPC: ${produceTxPerSec.toFixed(0)} tx/s`);
    } else {
      // The sequencer's loop alone: transactions handed to Sequencer.submit in this process.
      const t0 = performance.now();
      let submitted = 0;
      while (submitted < n) {
        if (submitted - (committed - expected) >= 4000) {
          await Bun.sleep(1);
          continue;
        }
        for (const s of w.throughput.slice(submitted, submitted + 500)) submit(s.raw);
        submitted = Math.min(n, submitted + 500);
        await Bun.sleep(0);
      }
      await untilCommitted(expected + n, "measured");
      const produceMs = lastCommit - t0;
      produceTxPerSec = (n * 1000) / produceMs;
      say(`  sequencer produced ${n} txs fed in-process: ${produceTxPerSec.toFixed(0)} tx/s`);
    }
    await untilCommitted(expected + n, "measured");
    expected += n;
    if (failedReceipts) throw new Error(`${failedReceipts} measured transactions failed`);
    await Bun.sleep(1100); // the last block seals

    // ---- 2. Catch-up: replica processes from empty datadirs ----
    // Catching up takes well under a second, so one pause moves a single measurement: three
    // replicas catch up one after another and the median counts. The last one stays for phase 3.
    const CATCH_UPS = 3;
    const catchUps: { ms: number; frames: number; txs: number; bytes: number }[] = [];
    let out!: ReturnType<typeof watch>;
    for (let k = 0; k < CATCH_UPS; k++) {
      const replica = Bun.spawn(
        [process.execPath, join(ROOT, "src/cli/replica.ts"), "--sequencer", running.streamUrl!, "--token", token, "--datadir", join(dir, `replica-${k}`), "--http-port", "0", "--log-format", "json", "--log-level", "debug"],
        { cwd: ROOT, stdout: "ignore", stderr: "pipe", stdin: "ignore" },
      );
      const stop = async () => {
        replica.kill("SIGTERM");
        await replica.exited;
      };
      out = watch(replica);
      const deadline = Date.now() + 120_000;
      while (!out.lines("caught up").length || !out.lines("JSON-RPC listening").length) {
        if (replica.exitCode !== null || Date.now() > deadline) throw new Error(`the replica did not catch up:\n${out.text()}`);
        await Bun.sleep(10);
      }
      catchUps.push(out.lines("caught up")[0]);
      if (k < CATCH_UPS - 1) await stop();
      else cleanup.unshift(stop);
    }
    catchUps.sort((a, b) => a.ms - b.ms);
    const caught = catchUps[CATCH_UPS >> 1]!;
    if (process.env.BENCH_DEBUG) {
      const hello = out.lines("stream: following")[0];
      console.log(hello.t, out.lines("applied").slice(0, 40).map((l) => `${l.from}-${l.to}@${(l.at % 100000).toFixed(1)}`).join(" "), out.lines("caught up")[0]);
    }
    // Setup transactions are applied too but not counted: the rate is conservative.
    const applyTxPerSec = (n * 1000) / caught.ms;
    const bytesPerTx = caught.bytes / caught.txs;
    say(`  replicas caught up (median of ${CATCH_UPS}: ${catchUps.map((c) => c.ms).join(", ")} ms): ${caught.frames} frames, ${caught.txs} txs, ${(caught.bytes / 1e6).toFixed(1)} MB in ${caught.ms} ms: ${applyTxPerSec.toFixed(0)} measured tx/s`);

    // ---- 3. Live lag ----
    // Both ends stamp absolute time in their own process: the commit here, the apply in the
    // replica's debug log ("applied"), so neither side's busy event loop skews the other's stamp.
    const firstLiveSeq = seq.store.nextMiniBlockSeq();
    const perTick = Math.max(1, Math.round(LAG_RATE / 100));
    const start = performance.now();
    for (let i = 0; i < w.latency.length; i += perTick) {
      for (const s of w.latency.slice(i, i + perTick)) submit(s.raw);
      await Bun.sleep(Math.max(0, start + ((i + perTick) / LAG_RATE) * 1000 - performance.now()));
    }
    await untilCommitted(expected + w.latency.length, "live");
    await Bun.sleep(500);
    const appliedAt = new Map<bigint, number>();
    for (const l of out.lines("applied")) for (let s = BigInt(l.from); s <= BigInt(l.to); s++) appliedAt.set(s, l.at - performance.timeOrigin);
    const lags: number[] = [];
    let live = 0;
    for (const [s, t] of commitAt) {
      if (s < firstLiveSeq) continue;
      live++;
      if (appliedAt.has(s)) lags.push(appliedAt.get(s)! - t);
    }
    if (lags.length < live) throw new Error(`only ${lags.length} of ${live} live mini-blocks were seen applied on the replica`);
    lags.sort((a, b) => a - b);
    const lagP50Ms = median(lags);
    const lagP99Ms = lags[Math.min(lags.length - 1, Math.floor(0.99 * lags.length))]!;
    say(`  live at ${LAG_RATE} tx/s: ${lags.length} mini-blocks, lag p50 ${lagP50Ms.toFixed(2)} ms, p99 ${lagP99Ms.toFixed(2)} ms, max ${lags.at(-1)!.toFixed(2)} ms`);

    // ---- 4. Wire rate: read and verify the whole chain, no apply ----
    const head = seq.store.nextMiniBlockSeq() - 1n;
    const wire = await new Promise<{ frames: number; ms: number }>((resolveWire, rejectWire) => {
      let t = 0;
      let frames = 0;
      const client = new StreamClient({
        url: running.streamUrl!, token, log: quiet, window: 64 << 20,
        position: () => ({ from: 0n, prevHash: null }),
        onHello: () => void (t = performance.now()),
        onFrames: (fs) => {
          frames += fs.length;
          if (fs.at(-1)!.seq >= head) {
            const ms = performance.now() - t;
            void client.stop().then(() => resolveWire({ frames, ms }));
          }
        },
        onFatal: rejectWire,
      });
      client.start();
    });
    const framesPerSec = (wire.frames * 1000) / wire.ms;
    say(`  wire: ${wire.frames} frames read and verified in ${wire.ms.toFixed(0)} ms: ${framesPerSec.toFixed(0)} frames/s`);

    return {
      workload: name,
      feed: FEED,
      framesPerSec: Math.round(framesPerSec),
      bytesPerTx: Math.round(bytesPerTx * 10) / 10,
      applyVsProduceRatio: Math.round((applyTxPerSec / produceTxPerSec) * 100) / 100,
      lagP50Ms: Math.round(lagP50Ms * 100) / 100,
      lagP99Ms: Math.round(lagP99Ms * 100) / 100,
      produceTxPerSec: Math.round(produceTxPerSec),
      applyTxPerSec: Math.round(applyTxPerSec),
      txs: n,
      catchUpFrames: caught.frames,
      catchUpMs: caught.ms,
      lagSamples: lags.length,
      liveTxPerSec: LAG_RATE,
    };
  } finally {
    for (const c of cleanup) await c();
  }
}

const results: Result[] = [];
for (const name of workloads) results.push(await runWorkload(name));
const worst = {
  framesPerSec: Math.min(...results.map((r) => r.framesPerSec)),
  bytesPerTx: Math.max(...results.map((r) => r.bytesPerTx)),
  applyVsProduceRatio: Math.min(...results.map((r) => r.applyVsProduceRatio)),
  lagP50Ms: Math.max(...results.map((r) => r.lagP50Ms)),
  lagP99Ms: Math.max(...results.map((r) => r.lagP99Ms)),
};
if (asJson) console.log(JSON.stringify({ ...worst, workloads: Object.fromEntries(results.map((r) => [r.workload, r])) }));
else {
  console.log("\n| workload | frames/s (wire) | bytes/tx | apply tx/s | produce tx/s | apply/produce | lag p50 ms | lag p99 ms |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results)
    console.log(`| ${r.workload} | ${r.framesPerSec} | ${r.bytesPerTx} | ${r.applyTxPerSec} | ${r.produceTxPerSec} | ${r.applyVsProduceRatio}x | ${r.lagP50Ms} | ${r.lagP99Ms} |`);
  if (results.length > 1)
    console.log(`| worst | ${worst.framesPerSec} | ${worst.bytesPerTx} | | | ${worst.applyVsProduceRatio}x | ${worst.lagP50Ms} | ${worst.lagP99Ms} |`);
}
