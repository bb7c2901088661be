// The sequencer's side of the stream: its LMDB mini-block log as the source, woken by the
// sequencer's events, which fire only once a mini-block or seal is durable (so a replica never
// holds an entry the sequencer could lose in a crash).
import type { Genesis } from "../chain/genesis";
import { ConfigError } from "../config/flags";
import type { Logger } from "../log/logger";
import type { LmdbSequencerStore } from "../sequencer/lmdb-store";
import type { Sequencer } from "../sequencer/sequencer";
import type { ChainDb } from "../state/index";
import { decodeHeader } from "../chain/header";
import { decodeEntryRows } from "./entry";
import { parseFaults } from "./fault";
import { startStreamServer, type StreamServer } from "./server";

export interface SequencerStreamOptions {
  port: number;
  token: string | undefined;
  host: string;
  datadir: string;
  rpcUrl: string;
  faults?: string;
}

/** The store's ChainDb. LmdbSequencerStore keeps its ChainStore private; the log is read through it. */
function chainOf(store: LmdbSequencerStore): ChainDb {
  const cs = (store as unknown as { store?: { chain?: ChainDb } }).store;
  if (!cs?.chain) throw new Error("stream: cannot reach the sequencer store's mini-block log (LmdbSequencerStore.store.chain)");
  return cs.chain;
}

export function startSequencerStream(store: LmdbSequencerStore, sequencer: Sequencer, genesis: Genesis, o: SequencerStreamOptions, log: Logger): StreamServer {
  if (!o.token) throw new ConfigError("--stream-port needs --stream-token: the shared secret replicas must present");
  parseFaults(o.faults); // flag errors before binding
  if (o.faults) log.warn("stream test hook enabled: frames will be spoiled on purpose", { faults: o.faults });
  const chain = chainOf(store);
  // Only durable entries are served: everything on disk at startup, then what the events report.
  // They fire once the commit resolved, in log order: a mini-block event names its seq; a block
  // event's seal is the next seal entry, found by the block number in its header.
  let durable = store.nextMiniBlockSeq() - 1n;
  const sealSeq = (number: bigint): bigint | null => {
    for (let s = durable + 1n; s < store.nextMiniBlockSeq(); s++) {
      const e = chain.getMiniBlock(s);
      if (!e) return null;
      const row = decodeEntryRows(e);
      if (row.kind === "seal" && decodeHeader(row.header).number === number) return s;
    }
    return null;
  };
  const server = startStreamServer({
    source: { head: () => durable, entry: (seq) => chain.getMiniBlock(seq) },
    datadir: o.datadir,
    genesis: { hash: genesis.hash, chainId: genesis.chainId, json: genesis.json },
    token: o.token,
    host: o.host,
    port: o.port,
    rpcUrl: o.rpcUrl,
    faults: o.faults,
    log,
  });
  const off = sequencer.on({
    miniBlock: (mini) => {
      durable = mini.seq;
      server.notify();
    },
    block: (b) => {
      const s = sealSeq(b.header.number);
      if (s === null) log.error("stream: the sealed block's entry is not in the log", { block: b.header.number.toString() });
      else durable = s;
      server.notify();
    },
  });
  return {
    ...server,
    async stop() {
      off();
      await server.stop();
    },
  };
}
