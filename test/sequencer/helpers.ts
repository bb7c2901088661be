// End-to-end helpers: a real sequencer (in-process via startSequencer, or as a child process via
// the CLI) on a fresh temporary datadir and a free port, plus raw JSON-RPC and the dev keys.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defineChain, type Hex } from "viem";
import { createLogger, type Logger } from "../../src/log/logger";
import { startSequencer, type RunningSequencer, type SequencerOptions } from "../../src/sequencer/start";

export const CHAIN_ID = 31337;
export const REPO_ROOT = resolve(import.meta.dir, "../..");
export const CLI = join(REPO_ROOT, "src/cli/sequencer.ts");

/** The well-known keys of "test test ... junk" (anvil / Hardhat accounts 0-9). */
export const DEV_KEYS: Hex[] = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
];
export const DEV_BALANCE = 10n ** 22n;

export const MINI_BLOCK_MS = 10;
export const BLOCK_MS = 200;

export const devChain = (url: string, wsUrl: string) =>
  defineChain({
    id: CHAIN_ID,
    name: "bunseq dev",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url], webSocket: [wsUrl] } },
  });

export interface Dev {
  url: string;
  wsUrl: string;
  datadir: string;
  running: RunningSequencer;
  /** One JSON-RPC call over HTTP; returns the whole response object ({result} or {error}). */
  rpc(method: string, params?: unknown[]): Promise<any>;
  /** The result of one call; throws with the error's code and message otherwise. */
  call(method: string, params?: unknown[]): Promise<any>;
  stop(): Promise<void>;
}

export function freshDatadir(): string {
  return mkdtempSync(join(tmpdir(), "bunseq-e2e-"));
}

/** Raw JSON-RPC over HTTP. */
export function rpcClient(url: string) {
  let id = 1;
  const rpc = async (method: string, params: unknown[] = []) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: id++, method, params }),
    });
    return res.json() as Promise<any>;
  };
  const call = async (method: string, params: unknown[] = []) => {
    const r = await rpc(method, params);
    if (r.error) throw Object.assign(new Error(`${method}: ${r.error.code} ${r.error.message}`), { rpc: r.error });
    return r.result;
  };
  return { rpc, call };
}

/** Starts an in-process sequencer on a fresh datadir and a free port; quiet logs unless `log` is given. */
export async function startDev(overrides: Partial<SequencerOptions> = {}, logger: Logger = createLogger("error", true)): Promise<Dev> {
  const datadir = freshDatadir();
  const opts: SequencerOptions = {
    datadir,
    "http-addr": "127.0.0.1",
    "http-port": 0,
    "mini-block-ms": MINI_BLOCK_MS,
    "block-ms": BLOCK_MS,
    "block-gas-limit": 1_000_000_000n,
    coinbase: "0x0000000000000000000000000000000000000000",
    "max-txs-per-mini-block": 2000,
    "receipt-timeout-ms": 2000,
    "log-level": "error",
    "log-format": "json",
    ...overrides,
  };
  // startSequencer prints the dev accounts with console.log; keep test output readable.
  const log = console.log;
  console.log = () => {};
  let running: RunningSequencer;
  try {
    running = await startSequencer(opts, logger);
  } finally {
    console.log = log;
  }
  const { rpc, call } = rpcClient(running.url);
  return {
    url: running.url,
    wsUrl: running.wsUrl,
    datadir,
    running,
    rpc,
    call,
    async stop() {
      await running.stop();
      rmSync(datadir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value, failing after `ms`. */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 5000, every = 20): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

/** Waits until block `n` is sealed (eth_blockNumber ≥ n). */
export async function waitSealed(call: Dev["call"], n: bigint, ms = 5000): Promise<void> {
  await until(`block ${n} to seal`, async () => BigInt(await call("eth_blockNumber")) >= n, ms);
}

/** A child-process sequencer started through the CLI. */
export interface Child {
  proc: ReturnType<typeof Bun.spawn>;
  url: string;
  stderr: () => string;
  stdout: () => string;
}

async function drain(stream: ReadableStream<Uint8Array> | null | undefined, sink: { text: string }, onText?: () => void) {
  if (!stream) return;
  const dec = new TextDecoder();
  for await (const chunk of stream) {
    sink.text += dec.decode(chunk, { stream: true });
    onText?.();
  }
}

/**
 * Spawns `bun src/cli/sequencer.ts <args>` (the binary running this test, so SIGKILL hits the
 * sequencer itself, not an npx wrapper) and waits for its "JSON-RPC listening" line.
 */
export async function spawnSequencer(args: string[], timeoutMs = 20_000): Promise<Child> {
  const proc = Bun.spawn([process.execPath, CLI, ...args], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const out = { text: "" };
  const err = { text: "" };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sequencer did not start within ${timeoutMs} ms:\n${err.text}`)), timeoutMs);
    const check = () => {
      const m = /"msg":"JSON-RPC listening","http":"(http:\/\/[^"]+)"/.exec(err.text) ?? /JSON-RPC listening http=(\S+)/.exec(err.text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    void drain(proc.stdout as ReadableStream<Uint8Array>, out);
    void drain(proc.stderr as ReadableStream<Uint8Array>, err, check);
    void proc.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sequencer exited with ${code} before listening:\n${err.text}`));
    });
  });
  return { proc, url, stderr: () => err.text, stdout: () => out.text };
}

/** Runs the CLI to completion (for --help, bad flags, refused datadirs). */
export async function runCli(args: string[], timeoutMs = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, CLI, ...args], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
