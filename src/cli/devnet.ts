// npx bun run devnet [--replicas N] [--fullnode] [--chain] [--fresh]: a sequencer and N replicas
// (and optionally a full node) as child processes on this machine, with a generated stream
// token and a datadir each under --datadir. Prints every URL; Ctrl-C stops them all cleanly.
// The same roles on separate machines: see docs/stream.md ("Running the roles").
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseFlags, usage, type OptionSpec } from "../config/flags";

const OPTIONS = {
  replicas: { type: "int", default: 2, help: "number of replicas" },
  fullnode: { type: "boolean", default: false, help: "also run a full node (re-executes every block)" },
  chain: { type: "boolean", default: false, help: "chain the replicas (each follows the previous one) instead of all following the sequencer" },
  datadir: { type: "string", default: "./devnet-data", help: "parent directory of every node's datadir" },
  fresh: { type: "boolean", default: false, help: "delete --datadir first" },
  "http-port": { type: "int", default: 8545, help: "sequencer JSON-RPC port; replica i listens on http-port + i, the full node after them" },
  "stream-port": { type: "int", default: 9545, help: "sequencer stream port; with --chain replica i serves the stream on stream-port + i" },
  token: { type: "string", help: "stream token; default: a random one" },
  "block-ms": { type: "int", default: 1000, help: "EVM block interval of the sequencer" },
  "mini-block-ms": { type: "int", default: 10, help: "mini-block interval of the sequencer" },
  "log-level": { type: "string", default: "info", help: "log level of every node" },
} satisfies Record<string, OptionSpec>;

let opts: ReturnType<typeof parseFlags<typeof OPTIONS>>;
try {
  opts = parseFlags(process.argv.slice(2), OPTIONS);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(2);
}
if (opts.help) {
  console.log(usage("npx bun run devnet", "Runs a sequencer and N replicas (and optionally a full node) as child processes, printing every URL; Ctrl-C stops them all.", OPTIONS));
  process.exit(0);
}

const ROOT = resolve(import.meta.dir, "../..");
const dir = resolve(opts.datadir);
if (opts.fresh) rmSync(dir, { recursive: true, force: true });
const token: string = opts.token ?? randomBytes(16).toString("hex");
const host = "127.0.0.1";

interface Child {
  name: string;
  proc: ReturnType<typeof Bun.spawn>;
  http?: string;
  ws?: string;
  stream?: string;
}
const children: Child[] = [];
let stopping = false;
const COLORS = [36, 33, 35, 32, 34, 31];
const tty = process.stdout.isTTY;

async function pipe(stream: ReadableStream<Uint8Array>, prefix: string, onLine: (l: string) => void, out: NodeJS.WriteStream) {
  const dec = new TextDecoder();
  let buf = "";
  for await (const chunk of stream) {
    buf += dec.decode(chunk, { stream: true });
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      onLine(line);
      out.write(`${prefix} ${line}\n`);
    }
  }
}

function start(name: string, cli: string, args: string[]): Promise<Child> {
  const color = COLORS[children.length % COLORS.length];
  const prefix = tty ? `\x1b[${color}m${name.padEnd(10)}\x1b[0m|` : `${name.padEnd(10)}|`;
  const proc = Bun.spawn([process.execPath, join(ROOT, "src/cli", cli), ...args, "--log-format", "text", "--log-level", opts["log-level"]], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const child: Child = { name, proc };
  children.push(child);
  return new Promise((resolveReady, reject) => {
    const onLine = (l: string) => {
      const listening = /JSON-RPC listening http=(\S+) ws=(\S+)/.exec(l);
      const stream = /stream listening .*url=(\S+)/.exec(l);
      if (stream) child.stream = stream[1];
      if (listening) {
        child.http = listening[1];
        child.ws = listening[2];
        const s = / stream=(\S+)/.exec(l);
        if (s) child.stream = s[1];
        resolveReady(child);
      }
    };
    void pipe(proc.stdout as ReadableStream<Uint8Array>, prefix, onLine, process.stdout);
    void pipe(proc.stderr as ReadableStream<Uint8Array>, prefix, onLine, process.stderr);
    void proc.exited.then((code) => {
      reject(new Error(`${name} exited with code ${code} before it was ready`));
      if (!stopping) {
        console.error(`\n${name} exited with code ${code}; stopping the devnet`);
        void stopAll(1);
      }
    });
  });
}

async function stopAll(code: number): Promise<never> {
  stopping = true;
  // Followers first, the sequencer last.
  for (const c of [...children].reverse()) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGTERM");
    const t = setTimeout(() => c.proc.kill("SIGKILL"), 10_000);
    await c.proc.exited;
    clearTimeout(t);
  }
  process.exit(code);
}

process.on("SIGINT", () => {
  if (stopping) return;
  console.error("\nSIGINT: stopping every node");
  void stopAll(0);
});
process.on("SIGTERM", () => void (stopping || stopAll(0)));

try {
  const base = opts["http-port"];
  const seq = await start("sequencer", "sequencer.ts", [
    "--datadir", join(dir, "sequencer"), "--http-port", String(base), "--stream-port", String(opts["stream-port"]), "--stream-token", token,
    "--block-ms", String(opts["block-ms"]), "--mini-block-ms", String(opts["mini-block-ms"]),
  ]);
  let upstream = seq.stream!;
  const replicas: Child[] = [];
  for (let i = 1; i <= opts.replicas; i++) {
    const serve = opts.chain && i < opts.replicas ? ["--stream-port", String(opts["stream-port"] + i)] : [];
    const r = await start(`replica-${i}`, "replica.ts", ["--sequencer", upstream, "--token", token, "--datadir", join(dir, `replica-${i}`), "--http-port", String(base + i), ...serve]);
    replicas.push(r);
    if (opts.chain && r.stream) upstream = r.stream;
  }
  const full = opts.fullnode
    ? await start("fullnode", "fullnode.ts", ["--sequencer", seq.stream!, "--token", token, "--datadir", join(dir, "fullnode"), "--http-port", String(base + opts.replicas + 1)])
    : null;
  const rows = [
    `  sequencer   JSON-RPC ${seq.http}  WebSocket ${seq.ws}  stream ${seq.stream}`,
    ...replicas.map((r, i) => `  replica-${i + 1}   JSON-RPC ${r.http}  WebSocket ${r.ws}${r.stream ? `  stream ${r.stream}` : ""}`),
    ...(full ? [`  fullnode    JSON-RPC ${full.http}  WebSocket ${full.ws}`] : []),
  ];
  console.log(`\ndevnet is up (datadirs in ${dir}, stream token ${token}):\n${rows.join("\n")}\n\nCtrl-C stops every node.\n`);
} catch (err) {
  if (!stopping) {
    console.error(`error: ${(err as Error).message}`);
    await stopAll(1);
  }
}
