// Real processes for the end-to-end tests: the sequencer, replica and full node CLIs started
// with the Bun binary running the tests (so kill -9 hits the node itself), on 127.0.0.1.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../sequencer/helpers";

export interface Proc {
  name: string;
  proc: ReturnType<typeof Bun.spawn>;
  /** JSON-RPC URL from the "JSON-RPC listening" line. */
  url: string;
  wsUrl: string;
  streamUrl: string | null;
  stderr(): string;
  /** Log lines (JSON) whose msg matches. */
  lines(msg: RegExp): any[];
}

export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const p = s.port!;
  s.stop(true);
  return p;
}

export const tempDir = (tag: string) => mkdtempSync(join(tmpdir(), `bunseq-${tag}-`));

async function drain(stream: ReadableStream<Uint8Array> | null | undefined, sink: { text: string }, onText?: () => void) {
  if (!stream) return;
  const dec = new TextDecoder();
  for await (const chunk of stream) {
    sink.text += dec.decode(chunk, { stream: true });
    onText?.();
  }
}

/** Spawns `bun src/cli/<cli>.ts <args> --log-format json` and waits for its "JSON-RPC listening" line. */
export async function spawnNode(name: string, cli: "sequencer" | "replica" | "fullnode", args: string[], timeoutMs = 20_000): Promise<Proc> {
  const proc = Bun.spawn([process.execPath, join(REPO_ROOT, `src/cli/${cli}.ts`), ...args, "--log-format", "json"], {
    cwd: REPO_ROOT,
    stdout: "ignore",
    stderr: "pipe",
    stdin: "ignore",
  });
  const err = { text: "" };
  const lines = (msg: RegExp) =>
    err.text
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return {};
        }
      })
      .filter((l) => typeof l.msg === "string" && msg.test(l.msg));
  const listening = await new Promise<any>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${err.text}`)), timeoutMs);
    void drain(proc.stderr as ReadableStream<Uint8Array>, err, () => {
      const l = lines(/^JSON-RPC listening$/)[0];
      if (l) {
        clearTimeout(timer);
        resolve(l);
      }
    });
    void proc.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${err.text}`));
    });
  });
  const stream = lines(/^stream listening$/)[0];
  return { name, proc, url: listening.http, wsUrl: listening.ws, streamUrl: listening.stream ?? stream?.url ?? null, stderr: () => err.text, lines };
}

/** Runs a CLI to its exit. */
export async function runToExit(cli: "replica" | "fullnode" | "sequencer", args: string[], timeoutMs = 20_000) {
  const proc = Bun.spawn([process.execPath, join(REPO_ROOT, `src/cli/${cli}.ts`), ...args], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout as ReadableStream).text(), new Response(proc.stderr as ReadableStream).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export async function stopProc(p: Proc | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (!p || p.proc.exitCode !== null) return p?.proc.exitCode ?? null;
  p.proc.kill(signal);
  const t = setTimeout(() => p.proc.kill("SIGKILL"), 10_000);
  const code = await p.proc.exited;
  clearTimeout(t);
  return code;
}
