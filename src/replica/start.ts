// Wiring of a follower process, replica or full node: store, core, stream client, JSON-RPC
// server and (optionally) the stream served onward. The first fatal error stops following and
// resolves `fatal`; the CLI then shuts down and exits with the error's code.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Genesis, type GethGenesis, GenesisError, loadGenesis } from "../chain/genesis";
import { ConfigError } from "../config/flags";
import { bytesToHex, setKeccakImpl } from "../crypto/index";
import { EvmCore } from "../exec/core";
import { ExecutingVerifier } from "../fullnode/verifier";
import { createLogger, isLogLevel, type Logger } from "../log/logger";
import { ParallelExecutor, SerialExecutor } from "../parallel/index";
import { startRpcServer } from "../rpc/index";
import { StreamClient, StreamFatalError } from "../stream/client";
import { startStreamServer, type StreamServer } from "../stream/server";
import { createSenderRecovery } from "../tx/index";
import { Follower } from "./follower";
import { Forwarder } from "./forward";
import { FollowerNode } from "./node";
import type { FollowerOptions } from "./options";
import { ReplicaStore } from "./store";
import { pruneAtStart, pruneTrieEvery } from "../state/prune-trie";

export type FollowerKind = "replica" | "fullnode";

export interface RunningFollower {
  kind: FollowerKind;
  url: string;
  wsUrl: string;
  streamUrl: string | null;
  follower: Follower;
  client: StreamClient;
  node: FollowerNode;
  /** Settles with the error that stopped following (never resolves while all is well). */
  fatal: Promise<Error>;
  stop(): Promise<void>;
}

export const followerVersion = (kind: FollowerKind) => `bunseq/v0.1.0/${kind}/bun-${Bun.version}`;

/** The forwarding URL from the upstream's hello: a wildcard host becomes the host we reach the stream at. */
export function deriveRpcUrl(announced: string | null, streamUrl: string): string | null {
  if (!announced) return null;
  try {
    const u = new URL(announced);
    if (u.hostname === "0.0.0.0" || u.hostname === "[::]" || u.hostname === "::") u.hostname = new URL(streamUrl).hostname;
    return u.toString();
  } catch {
    return null;
  }
}

function validate(opts: FollowerOptions, kind: FollowerKind): void {
  if (!opts.sequencer) throw new ConfigError("--sequencer is required: the upstream's stream URL, e.g. ws://127.0.0.1:8546");
  let u: URL;
  try {
    u = new URL(opts.sequencer);
  } catch {
    throw new ConfigError(`--sequencer: not a URL: "${opts.sequencer}" (expected ws://host:port)`);
  }
  if (u.protocol !== "ws:" && u.protocol !== "wss:") throw new ConfigError(`--sequencer: expected a ws:// or wss:// URL, got "${opts.sequencer}"`);
  if (!opts.token) throw new ConfigError("--token is required: the upstream's --stream-token");
  if (opts["sequencer-rpc"] !== undefined && !/^https?:\/\//.test(opts["sequencer-rpc"]))
    throw new ConfigError(`--sequencer-rpc: expected an http:// or https:// URL, got "${opts["sequencer-rpc"]}"`);
  if (kind === "fullnode" && (!Number.isInteger(opts.workers ?? 1) || (opts.workers ?? 1) < 1))
    throw new ConfigError(`--workers ${opts.workers}: expected a whole number of at least 1 (1: serial re-execution)`);
}

export async function startFollower(kind: FollowerKind, opts: FollowerOptions, log?: Logger): Promise<RunningFollower> {
  if (!isLogLevel(opts["log-level"])) throw new ConfigError(`--log-level: expected debug, info, warn or error, got "${opts["log-level"]}"`);
  log ??= createLogger(opts["log-level"], opts["log-format"] === "auto" ? undefined : opts["log-format"] === "json");
  validate(opts, kind);
  let pinned: GethGenesis | undefined;
  if (opts.genesis) {
    try {
      pinned = JSON.parse(readFileSync(opts.genesis, "utf8"));
    } catch (err) {
      throw new ConfigError(`--genesis ${opts.genesis}: ${(err as Error).message}`);
    }
  }

  const core = await EvmCore.load("wasm");
  setKeccakImpl((data) => core.keccak256(data));
  const recovery = createSenderRecovery();

  const opened = ReplicaStore.open(opts.datadir, pinned);
  let store: ReplicaStore | null = opened instanceof ReplicaStore ? opened : null;
  const uninitialised = opened instanceof ReplicaStore ? null : opened.uninitialised;
  if (!store && pinned) store = await ReplicaStore.init(uninitialised!, loadGenesis(pinned), log);
  if (store && opts["prune-trie"]) pruneAtStart(store.chainStore, log);

  // A full node with --workers N > 1 re-executes with Block-STM: results are serial's by contract,
  // and checking that against a sequencer is what a full node is for.
  const workers = kind === "fullnode" ? (opts.workers ?? 1) : 1;
  const executor =
    workers > 1
      ? await ParallelExecutor.create({
          workers,
          core,
          log,
          lmdb: {
            path: join(opts.datadir, "chain"),
            isCommitted: () => store !== null && store.db.commitsInFlight === 0 && !store.db.hasUncomputedChanges,
            pendingChanges: () => store?.db.pendingChanges() ?? null,
          },
        })
      : new SerialExecutor(core);
  if (kind === "fullnode") log.info("re-execution", { mode: workers > 1 ? "parallel (Block-STM)" : "serial", workers });
  let follower: Follower | null = null;
  const makeFollower = (s: ReplicaStore) => {
    const verifier = kind === "fullnode" ? new ExecutingVerifier(core, s.db, s.genesis.common, recovery, executor) : null;
    follower = new Follower(s, core, log!.child({ component: kind }), verifier);
    return follower;
  };
  if (store) {
    makeFollower(store);
    log.info("chain opened", { datadir: opts.datadir, head: store.head().header.number.toString(), seq: store.streamHead.seq.toString() });
  }

  let onFatal!: (e: Error) => void;
  const fatal = new Promise<Error>((r) => (onFatal = r));
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  if (follower) ready();
  let upstreamRpc: string | null = opts["sequencer-rpc"] ?? null;
  type CatchUp = { target: bigint; t0: number; txs: number; from: bigint; done?: boolean };
  let catchUp: CatchUp | null = null;
  let helloAt = 0;
  let rpcKnown!: () => void;
  const rpcKnownP = new Promise<void>((r) => (rpcKnown = r));
  if (upstreamRpc) rpcKnown();
  /** The forwarding URL, waiting up to 5 s for the first hello after a start. */
  const forwardUrl = async () => {
    if (!upstreamRpc) await Promise.race([rpcKnownP, Bun.sleep(5000)]);
    return upstreamRpc;
  };

  const client = new StreamClient({
    url: opts.sequencer,
    token: opts.token,
    log: log.child({ component: "stream" }),
    position: () => (follower ? follower.position() : { from: 0n, prevHash: null }),
    onHello: async (h) => {
      helloAt = performance.now();
      if (!store) {
        let g: Genesis;
        try {
          g = loadGenesis(h.genesis as GethGenesis);
        } catch (err) {
          throw new StreamFatalError(`the upstream's genesis does not load: ${(err as Error).message}`);
        }
        if (bytesToHex(g.hash) !== h.genesisHash.toLowerCase())
          throw new StreamFatalError(`the upstream's genesis hashes to ${bytesToHex(g.hash)}, but it announces ${h.genesisHash}`);
        store = await ReplicaStore.init(uninitialised!, g, log!);
        makeFollower(store);
        ready();
        helloAt = performance.now(); // catch-up is timed from here: applying frames, not writing the genesis
      } else if (bytesToHex(store.genesis.hash) !== h.genesisHash.toLowerCase()) {
        throw new StreamFatalError(`the upstream follows the chain with genesis ${h.genesisHash}, this datadir holds ${bytesToHex(store.genesis.hash)}; refusing to follow another chain`, 2);
      }
      if (!catchUp) {
        // Reported once per process: how long applying the backlog took (the replica's catch-up rate).
        const c: CatchUp = { target: BigInt(h.head), t0: helloAt, txs: follower!.counters.txs, from: BigInt(h.from) };
        catchUp = c;
        const fo = follower!;
        const check = () => {
          if (c.done || fo.durableSeq < c.target) return;
          c.done = true;
          const ms = performance.now() - c.t0;
          const frames = Number(c.target - c.from + 1n);
          const txs = fo.counters.txs - c.txs;
          log!.info("caught up", {
            seq: fo.durableSeq.toString(), frames, bytes: client.stats.bytesSinceHello, txs, ms: Math.round(ms),
            framesPerSec: Math.round((frames * 1000) / Math.max(ms, 1)), txPerSec: Math.round((txs * 1000) / Math.max(ms, 1)),
          });
        };
        fo.durableListeners.push(check);
        queueMicrotask(check);
      }
      if (!opts["sequencer-rpc"]) upstreamRpc = deriveRpcUrl(h.rpc, opts.sequencer);
      if (upstreamRpc) rpcKnown();
    },
    onFrames: (frames, more) => follower!.apply(frames, more),
    onFatal: (err) => {
      log!.error(`${kind} stopped: ${err.message}`, { fatal: true, seq: follower?.store.streamHead.seq.toString() });
      onFatal(err);
    },
  });
  client.start();
  if (!follower) log.info("empty datadir: waiting for the upstream's hello to learn the genesis", { upstream: opts.sequencer });
  const first = await Promise.race([isReady.then(() => null), fatal]);
  if (first) {
    await client.stop();
    await executor.close();
    if (store) await (store as ReplicaStore).close();
    else await uninitialised?.close();
    throw first;
  }
  const f = follower as unknown as Follower;
  const s = store as unknown as ReplicaStore;

  const cleanups: (() => Promise<void> | void)[] = [() => executor.close()];
  const stop = async () => {
    await client.stop();
    for (const c of cleanups.reverse()) await c();
    await f.settled();
    await s.close();
  };
  try {
    const forwarder = new Forwarder(forwardUrl, recovery, (a) => s.state.nonce(a));
    const node = new FollowerNode(f, forwarder, followerVersion(kind));
    const rpc = startRpcServer({ api: node, host: opts["http-addr"], port: opts["http-port"], receiptTimeoutMs: opts["receipt-timeout-ms"], log: log.child({ component: "rpc" }) });
    cleanups.push(() => rpc.stop());
    let stream: StreamServer | null = null;
    if (opts["stream-port"] !== undefined) {
      stream = startStreamServer({
        source: { head: () => f.durableSeq, entry: (seq) => s.chain.getMiniBlock(seq) },
        datadir: opts.datadir,
        genesis: { hash: s.genesis.hash, chainId: s.genesis.chainId, json: s.genesis.json },
        token: opts["stream-token"] ?? opts.token,
        host: opts["http-addr"],
        port: opts["stream-port"],
        rpcUrl: rpc.url,
        log: log.child({ component: "stream-server" }),
      });
      const srv = stream;
      f.durableListeners.push(() => srv.notify());
      cleanups.push(() => srv.stop());
    }
    const status = setInterval(() => {
      log!.info("following", {
        block: s.head().header.number.toString(),
        seq: s.streamHead.seq.toString(),
        upstreamHead: client.stats.upstreamHead.toString(),
        connected: client.stats.connected,
        txs: f.counters.txs,
      });
    }, 30_000);
    cleanups.push(() => clearInterval(status));
    const pruneEvery = opts["prune-trie-every"] ?? 0;
    if (pruneEvery > 0) cleanups.push(pruneTrieEvery(s.chainStore, pruneEvery, log.child({ component: "prune" })));
    log.info("JSON-RPC listening", { http: rpc.url, ws: rpc.wsUrl, kind, upstream: opts.sequencer, ...(stream ? { stream: stream.url } : {}) });
    return { kind, url: rpc.url, wsUrl: rpc.wsUrl, streamUrl: stream?.url ?? null, follower: f, client, node, fatal, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export { GenesisError };
