// npx bun run sequencer [options]: the sequencer. With no flags: a dev chain in ./data on
// 127.0.0.1:8545. --help lists every option.
import { ConfigError, parseFlags, usage } from "../config/flags";
import { SEQUENCER_OPTIONS } from "../sequencer/options";
import { startSequencer } from "../sequencer/start";
import { GenesisError } from "../chain/genesis";
import { StateStoreError } from "../state/index";

let opts;
try {
  opts = parseFlags(process.argv.slice(2), SEQUENCER_OPTIONS);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(2);
}
if (opts.help) {
  console.log(usage("npx bun run sequencer", "Runs the sequencer: JSON-RPC in, mini-blocks and EVM blocks out, state in LMDB.", SEQUENCER_OPTIONS));
  process.exit(0);
}
try {
  const running = await startSequencer(opts);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping`);
    await running.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
} catch (err) {
  // Input errors get their message alone; anything else is a bug worth a stack trace.
  const input = err instanceof ConfigError || err instanceof GenesisError || err instanceof StateStoreError;
  console.error(`error: ${input ? (err as Error).message : (err as Error).stack}`);
  process.exit(1);
}
