// npx bun run replica --sequencer ws://HOST:PORT --token T [--datadir D] [--http-port N] [--stream-port M]
// A read replica: applies the sequencer's state diffs, verifies them at every block, serves the
// read JSON-RPC and forwards transactions. --help lists every option.
import { followerMain } from "../replica/cli";
import { REPLICA_OPTIONS } from "../replica/options";

await followerMain(
  "replica",
  "npx bun run replica",
  "Follows a sequencer's state-diff stream: applies each mini-block's diffs to its own LMDB, checks the state root at every block, serves the read JSON-RPC and forwards transactions to the sequencer.",
  REPLICA_OPTIONS,
);
