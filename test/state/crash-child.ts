// Child process of crash.test.ts: commits mini-blocks as fast as it can and
// prints each sequence number once its commit promise has resolved, i.e. once
// it would be acknowledged. The parent kills it with SIGKILL at a random point.
import { ChainStore } from "../../src/state";
import { changesFor, miniBlockEntry } from "./crash-workload";

const datadir = process.argv[2];
if (!datadir) throw new Error("usage: crash-child.ts <datadir>");
const store = ChainStore.open(datadir);
let seq = (store.chain.getHeadMiniBlock() ?? 0n) + 1n;
const inFlight: Promise<unknown>[] = [];

for (;;) {
  const s = seq++;
  store.state.apply(changesFor(s));
  const root = store.state.computeStateRoot();
  const committed = store.commit((b) => {
    store.chain.putMiniBlock(b, s, miniBlockEntry(s, root));
    store.chain.setHeadMiniBlock(b, s);
  });
  // Several commits in flight at once, as a pipelining sequencer would have.
  inFlight.push(committed.then(() => process.stdout.write(`${s}\n`)));
  if (inFlight.length >= 3) await inFlight.shift();
}
