// The load client of the sequencer benchmark, run as its own Bun process:
//   bun bench/sequencer/client.ts <config.json>
// Phase "throughput": JSON-RPC batches of eth_sendRawTransaction over one WebSocket, as fast as
// the node acknowledges them, with at most `maxInFlightBatches` unanswered batches and at most
// `window` submitted-but-not-yet-included transactions; inclusion is seen through a
// subscription (ours: "miniBlocks", whose notifications carry the receipts; anvil: "newHeads"
// then eth_getBlockReceipts). Phase "latency": an open-loop paced send of single
// eth_sendRawTransactionSync requests at `rate` tx/s; latency = send to receipt.
// Prints one JSON line with the result; every wait is bounded.
import { median, percentile } from "../stats";
import { sleep, WsRpc, type RpcResponse } from "./rpc";

export interface ClientConfig {
  phase: "throughput" | "latency";
  kind: "ours" | "anvil";
  wsUrl: string;
  /** JSON file: { raws: string[], hashes: string[] } */
  txFile: string;
  batchSize: number;
  maxInFlightBatches: number;
  window: number;
  timeoutMs: number;
  /** Give up when nothing new is included for this long. */
  stallMs: number;
  /** Latency phase: send rate (tx/s) and longest sending time. */
  rate: number;
  durationMs: number;
  syncTimeoutMs: number;
}

export interface ThroughputResult {
  phase: "throughput";
  total: number;
  sent: number;
  acked: number;
  rejected: number;
  rejections: { index: number; code: number; message: string }[];
  included: number;
  reverted: number;
  gasUsed: number;
  durationMs: number;
  txPerSec: number;
  gasPerSec: number;
  /** Submit-to-inclusion under saturation (not the requested latency figure; see the latency phase). */
  saturatedP50Ms: number;
  saturatedP99Ms: number;
  ackP50Ms: number;
  /** Acknowledged (hash returned) but never seen included: dropped by the node, or still stuck. */
  ackedNotIncluded: number;
  outcome: "complete" | "timeout" | "stalled" | "closed";
  missingSample: string[];
  clientCpuMs: number;
}

export interface LatencyResult {
  phase: "latency";
  rate: number;
  sent: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  reverted: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  sendSeconds: number;
  achievedRate: number;
  /** How far the sender fell behind its schedule at worst (open-loop fidelity). */
  maxLagMs: number;
  clientCpuMs: number;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function throughput(cfg: ClientConfig, raws: string[], hashes: string[]): Promise<ThroughputResult> {
  const n = raws.length;
  const index = new Map<string, number>();
  hashes.forEach((h, i) => index.set(h.toLowerCase(), i));
  const sentAt = new Float64Array(n);
  const includedAt = new Float64Array(n);
  const ackedAt = new Float64Array(n);
  let included = 0;
  let reverted = 0;
  let gasUsed = 0;
  let lastInclusion = 0;
  let rejected = 0;
  let acked = 0;
  const rejections: ThroughputResult["rejections"] = [];
  let closed = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  const rpc = await WsRpc.connect(cfg.wsUrl);
  rpc.onClose = () => {
    closed = true;
    poke();
  };
  const noteReceipt = (hash: string, status: string, gas: string, at: number) => {
    const i = index.get(hash.toLowerCase());
    if (i === undefined || includedAt[i]) return;
    includedAt[i] = at;
    included++;
    if (status !== "0x1") reverted++;
    gasUsed += Number(BigInt(gas));
    lastInclusion = at;
  };
  if (cfg.kind === "ours") {
    rpc.onNotification = (_sub, mini) => {
      const at = performance.now();
      for (const r of mini.receipts) noteReceipt(r.transactionHash, r.status, r.gasUsed, at);
      poke();
    };
    await rpc.call("eth_subscribe", ["miniBlocks"]);
  } else {
    // Heads are handled one at a time, in order, so a slow eth_getBlockReceipts cannot reorder them.
    let chain = Promise.resolve();
    rpc.onNotification = (_sub, head) => {
      const at = performance.now();
      chain = chain.then(async () => {
        try {
          const receipts = await rpc.call("eth_getBlockReceipts", [head.number], 30_000);
          for (const r of receipts ?? []) noteReceipt(r.transactionHash, r.status, r.gasUsed, at);
        } catch (err) {
          console.error(`client: receipts of block ${head.number}: ${(err as Error).message}`);
        }
        poke();
      });
    };
    await rpc.call("eth_subscribe", ["newHeads"]);
  }

  const start = performance.now();
  const deadline = start + cfg.timeoutMs;
  let next = 0;
  let inFlight = 0;
  const onBatch = (first: number, count: number, responses: RpcResponse[], firstId: number) => {
    inFlight--;
    const at = performance.now();
    for (const r of responses) {
      if (r.id === null) {
        // the whole batch was refused
        for (let i = first; i < first + count; i++) rejections.length < 10 && rejections.push({ index: i, code: r.error!.code, message: r.error!.message });
        rejected += count;
        continue;
      }
      const i = first + ((r.id as number) - firstId);
      if (r.error) {
        rejected++;
        if (rejections.length < 10) rejections.push({ index: i, code: r.error.code, message: r.error.message });
      } else {
        acked++;
        ackedAt[i] = at;
      }
    }
    poke();
  };
  let lastProgress = start;
  let seenIncluded = 0;
  let outcome: ThroughputResult["outcome"] = "complete";
  for (;;) {
    const now = performance.now();
    if (included + rejected >= n) break;
    if (closed) {
      outcome = "closed";
      break;
    }
    if (now > deadline) {
      outcome = "timeout";
      break;
    }
    if (included !== seenIncluded) {
      seenIncluded = included;
      lastProgress = now;
    } else if (now - lastProgress > cfg.stallMs && next > 0) {
      outcome = "stalled";
      break;
    }
    if (next < n && inFlight < cfg.maxInFlightBatches && next - included - rejected < cfg.window) {
      const count = Math.min(cfg.batchSize, n - next);
      const firstId = rpc.ids(count);
      const parts: string[] = new Array(count);
      for (let j = 0; j < count; j++) parts[j] = `{"jsonrpc":"2.0","id":${firstId + j},"method":"eth_sendRawTransaction","params":["${raws[next + j]}"]}`;
      const first = next;
      const at = performance.now();
      for (let j = 0; j < count; j++) sentAt[first + j] = at;
      next += count;
      inFlight++;
      rpc.sendBatch(`[${parts.join(",")}]`, firstId).then((res) => onBatch(first, count, res, firstId));
      continue;
    }
    // Nothing to do until an ack or an inclusion arrives (or 50 ms pass, to re-check the clocks).
    await Promise.race([new Promise<void>((r) => (wake = r)), sleep(50)]);
    wake = null;
  }
  const durationMs = (included ? lastInclusion : performance.now()) - start;
  const lat: number[] = [];
  const ack: number[] = [];
  const missingSample: string[] = [];
  let ackedNotIncluded = 0;
  for (let i = 0; i < n; i++) {
    if (ackedAt[i] && !includedAt[i]) ackedNotIncluded++;
    if (includedAt[i]) lat.push(includedAt[i]! - sentAt[i]!);
    else if (missingSample.length < 5 && sentAt[i]) missingSample.push(`${i}:${hashes[i]}`);
    if (ackedAt[i]) ack.push(ackedAt[i]! - sentAt[i]!);
  }
  rpc.close();
  return {
    phase: "throughput",
    total: n,
    sent: next,
    acked,
    rejected,
    rejections,
    included,
    reverted,
    gasUsed,
    durationMs,
    txPerSec: included / (durationMs / 1000),
    gasPerSec: gasUsed / (durationMs / 1000),
    saturatedP50Ms: percentile(lat, 50),
    saturatedP99Ms: percentile(lat, 99),
    ackP50Ms: ack.length ? median(ack) : NaN,
    ackedNotIncluded,
    outcome,
    missingSample,
    clientCpuMs: cpuMs(),
  };
}

async function latency(cfg: ClientConfig, raws: string[]): Promise<LatencyResult> {
  const count = Math.min(raws.length, Math.max(1, Math.floor((cfg.rate * cfg.durationMs) / 1000)));
  const rpc = await WsRpc.connect(cfg.wsUrl);
  const lat: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let reverted = 0;
  let answered = 0;
  let maxLag = 0;
  const firstId = rpc.ids(count);
  // anvil takes no timeout parameter (it answers "expected params sequence with length 1").
  const timeoutParam = cfg.kind === "ours" ? `,${cfg.syncTimeoutMs}` : "";
  const t0 = performance.now();
  let k = 0;
  while (k < count) {
    const now = performance.now();
    const due = Math.min(count, Math.floor(((now - t0) * cfg.rate) / 1000) + 1);
    if (due > k) maxLag = Math.max(maxLag, now - (t0 + (k * 1000) / cfg.rate));
    for (; k < due; k++) {
      const id = firstId + k;
      const at = performance.now();
      rpc
        .sendOne(`{"jsonrpc":"2.0","id":${id},"method":"eth_sendRawTransactionSync","params":["${raws[k]}"${timeoutParam}]}`, id)
        .then((r) => {
          answered++;
          if (r.error) {
            errors++;
            if (errorSamples.length < 5) errorSamples.push(`${r.error.code} ${r.error.message}`);
          } else {
            lat.push(performance.now() - at);
            if (r.result?.status !== "0x1") reverted++;
          }
        });
    }
    if (k < count) await sleep(1);
  }
  const sendSeconds = (performance.now() - t0) / 1000;
  const deadline = performance.now() + cfg.syncTimeoutMs + 5000;
  while (answered < count && performance.now() < deadline) await sleep(10);
  rpc.close();
  if (answered < count) {
    errors += count - answered;
    errorSamples.push(`${count - answered} requests unanswered ${cfg.syncTimeoutMs + 5000} ms after the last send`);
  }
  return {
    phase: "latency",
    rate: cfg.rate,
    sent: count,
    ok: lat.length,
    errors,
    errorSamples,
    reverted,
    p50Ms: percentile(lat, 50),
    p90Ms: percentile(lat, 90),
    p99Ms: percentile(lat, 99),
    maxMs: lat.length ? Math.max(...lat) : NaN,
    sendSeconds,
    achievedRate: count / sendSeconds,
    maxLagMs: maxLag,
    clientCpuMs: cpuMs(),
  };
}

if (import.meta.main) {
  const cfg: ClientConfig = JSON.parse(await Bun.file(process.argv[2]!).text());
  const { raws, hashes } = (await Bun.file(cfg.txFile).json()) as { raws: string[]; hashes: string[] };
  const result = cfg.phase === "throughput" ? await throughput(cfg, raws, hashes) : await latency(cfg, raws);
  console.log(JSON.stringify(result));
  process.exit(0);
}
