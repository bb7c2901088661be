// anvil (from the npm package @foundry-rs/anvil-linux-amd64) as the reference node: the same
// mnemonic (anvil's default is "test test ... junk"), chain id 31337, 1 s blocks, Cancun.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { httpCall, sleep } from "./rpc";

export interface Anvil {
  url: string;
  wsUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export function anvilPath(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve("@foundry-rs/anvil-linux-amd64/package.json");
    const bin = join(dirname(pkg), "bin", "anvil");
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

/** A free TCP port on 127.0.0.1 (bound and released; good enough for a benchmark). */
function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

const live = new Set<ReturnType<typeof Bun.spawn>>();
/** Kills every anvil still running (exit and signal handlers call this). */
export function killAllAnvils(): void {
  for (const p of live) p.kill("SIGKILL");
  live.clear();
}

export async function startAnvil(gasLimit: bigint, blockTimeS = 1): Promise<Anvil> {
  const bin = anvilPath();
  if (!bin) throw new Error("anvil not found: npm install -D @foundry-rs/anvil-linux-amd64");
  const port = freePort();
  const proc = Bun.spawn(
    [bin, "--port", String(port), "--host", "127.0.0.1", "--chain-id", "31337", "--block-time", String(blockTimeS), "--gas-limit", gasLimit.toString(),
      "--hardfork", "cancun", "--accounts", "10", "--balance", "10000", "--silent"],
    { stdout: "ignore", stderr: "pipe" },
  );
  live.add(proc);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    live.delete(proc);
    proc.kill("SIGKILL");
    await proc.exited;
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const id = await httpCall(url, "eth_chainId");
      if (BigInt(id) !== 31337n) throw new Error(`anvil reports chain id ${id}`);
      break;
    } catch (err) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        await stop();
        const stderr = await new Response(proc.stderr as ReadableStream).text().catch(() => "");
        throw new Error(`anvil did not start on ${url}: ${(err as Error).message} ${stderr.slice(0, 500)}`);
      }
      await sleep(100);
    }
  }
  return { url, wsUrl: `ws://127.0.0.1:${port}`, pid: proc.pid, stop };
}
