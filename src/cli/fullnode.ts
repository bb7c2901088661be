// npx bun run fullnode --sequencer ws://HOST:PORT --token T [--datadir D] [--http-port N]
// A full node: takes the same stream as a replica but re-executes every transaction and checks
// diffs, receipts and each block's header against the sequencer's. --help lists every option.
import { followerMain } from "../replica/cli";
import { FULLNODE_OPTIONS } from "../replica/options";

await followerMain(
  "fullnode",
  "npx bun run fullnode",
  "Follows a sequencer's state-diff stream trusting nothing: re-executes each block's transactions serially on its own state, checks every receipt, state diff and header against the sequencer's, stops at the first difference, and serves the read JSON-RPC.",
  FULLNODE_OPTIONS,
);
