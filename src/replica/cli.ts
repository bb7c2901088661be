// The replica and full node command lines (src/cli/replica.ts, src/cli/fullnode.ts).
// Exit codes: 0 stopped by a signal, 1 startup failure, 2 bad flags or refused by the upstream
// (bad token, another chain), 3 the chain failed verification (state root, hash chain,
// re-execution): the node refuses to continue and says where.
import { ConfigError, parseFlags, usage, type OptionSpec } from "../config/flags";
import { StreamFatalError } from "../stream/client";
import type { FollowerOptions } from "./options";
import { startFollower, type FollowerKind } from "./start";

export async function followerMain(kind: FollowerKind, command: string, summary: string, specs: Record<string, OptionSpec>): Promise<void> {
  let opts;
  try {
    opts = parseFlags(process.argv.slice(2), specs);
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exit(2);
  }
  if (opts.help) {
    console.log(usage(command, summary, specs));
    process.exit(0);
  }
  let running;
  try {
    running = await startFollower(kind, opts as unknown as FollowerOptions);
  } catch (err) {
    const e = err as Error;
    if (e instanceof ConfigError) {
      console.error(`error: ${e.message}`);
      process.exit(2);
    }
    if (e instanceof StreamFatalError) {
      console.error(`error: ${e.message}`);
      process.exit(e.exitCode);
    }
    console.error(`error: ${e.name?.endsWith("Error") ? e.message : e.stack}`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.error(`${why}: stopping`);
    await running.stop().catch((e) => console.error(`error while stopping: ${e}`));
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown("SIGINT", 0));
  process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
  void running.fatal.then((err) => {
    console.error(`FATAL: ${err.message}`);
    void shutdown("fatal", err instanceof StreamFatalError ? err.exitCode : 3);
  });
}
