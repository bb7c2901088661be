// All wiring of a running sequencer in one function: genesis, store, core, pool, intake,
// sequencer loop and JSON-RPC server. The first failure stops everything.
import { readFileSync } from "node:fs";
import { devAccounts } from "../chain/dev-accounts";
import { devGenesis, type Genesis, type GethGenesis, loadGenesis } from "../chain/genesis";
import { ConfigError } from "../config/flags";
import { bytesToHex, hexToBytes, setKeccakImpl } from "../crypto/index";
import { EvmCore } from "../exec/core";
import { createLogger, isLogLevel, type Logger } from "../log/logger";
import { startRpcServer } from "../rpc/index";
import { createSenderRecovery, WorkerPoolRecovery } from "../tx/index";
import { FifoPolicy, type OrderingPolicy, PriorityFeePolicy, TxPool } from "../txpool/index";
import { type BatchExecutor, ParallelExecutor, SerialExecutor } from "../parallel/index";
import { RecoveryBatcher } from "./intake";
import { LmdbSequencerStore } from "./lmdb-store";
import { SequencerNode } from "./node";
import { Sequencer } from "./sequencer";
import { startSequencerStream } from "../stream/sequencer-stream";

export const CLIENT_VERSION = `bunseq/v0.1.0/bun-${Bun.version}`;

export interface SequencerOptions {
  datadir: string;
  genesis?: string;
  "http-addr": string;
  "http-port": number;
  "mini-block-ms": number;
  "block-ms": number;
  "block-gas-limit": bigint;
  coinbase: string;
  "max-txs-per-mini-block": number;
  "min-priority-fee"?: bigint;
  ordering?: string;
  /** Execution workers; 1 or absent means serial. */
  workers?: number;
  /** "auto" (default) or "always": see the flag's help. */
  "parallel-mode"?: string;
  "receipt-timeout-ms": number;
  /** Prune unreachable trie nodes before starting. */
  "prune-trie"?: boolean;
  "prune-trie-every"?: number;
  "log-level": string;
  "log-format": string;
  // State-diff stream (src/stream).
  "stream-port"?: number;
  "stream-token"?: string;
  "stream-test-fault"?: string;
}

export interface RunningSequencer {
  url: string;
  wsUrl: string;
  genesis: Genesis;
  sequencer: Sequencer;
  node: SequencerNode;
  /** ws:// URL of the state-diff stream, when --stream-port is set. */
  streamUrl: string | null;
  stop(): Promise<void>;
}

function readGenesis(opts: SequencerOptions): { genesis: Genesis; dev: boolean } {
  if (!opts.genesis) return { genesis: loadGenesis(devGenesis(opts["block-gas-limit"])), dev: true };
  let json: GethGenesis;
  try {
    json = JSON.parse(readFileSync(opts.genesis, "utf8"));
  } catch (err) {
    throw new ConfigError(`--genesis ${opts.genesis}: ${(err as Error).message}`);
  }
  return { genesis: loadGenesis(json), dev: false };
}

function orderingPolicy(name: string): OrderingPolicy {
  if (name === "fifo") return new FifoPolicy();
  if (name === "priority-fee") return new PriorityFeePolicy();
  throw new ConfigError(`--ordering: expected fifo or priority-fee, got "${name}"`);
}

/** Whether the parallel executor picks its mode per batch (auto) or always tries Block-STM. */
function parallelMode(name: string): boolean {
  if (name === "auto" || name === "always") return name === "auto";
  throw new ConfigError(`--parallel-mode: expected auto or always, got "${name}"`);
}

export async function startSequencer(opts: SequencerOptions, log?: Logger): Promise<RunningSequencer> {
  if (!isLogLevel(opts["log-level"])) throw new ConfigError(`--log-level: expected debug, info, warn or error, got "${opts["log-level"]}"`);
  log ??= createLogger(opts["log-level"], opts["log-format"] === "auto" ? undefined : opts["log-format"] === "json");
  if (!/^0x[0-9a-fA-F]{40}$/.test(opts.coinbase)) throw new ConfigError(`--coinbase: expected a 20-byte hex address, got "${opts.coinbase}"`);
  const { genesis, dev } = readGenesis(opts);
  const cleanups: (() => Promise<void> | void)[] = [];
  let stopping: Promise<void> | null = null;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const c of cleanups.reverse()) await c();
    })());
  try {
    const store = await LmdbSequencerStore.open(opts.datadir, genesis, log);
    cleanups.push(() => store.close());
    log.info("chain opened", { datadir: opts.datadir, chainId: genesis.chainId.toString(), genesis: bytesToHex(genesis.hash), head: store.head().header.number.toString() });
    if (opts["prune-trie"]) store.pruneTrie(log);

    const core = await EvmCore.load("wasm");
    setKeccakImpl((data) => core.keccak256(data)); // the trie hashes through the core: ~5x faster
    const adaptive = parallelMode(opts["parallel-mode"] ?? "auto");
    const executor: BatchExecutor =
      (opts.workers ?? 1) > 1
        ? await ParallelExecutor.create({
            workers: opts.workers,
            core,
            adaptive,
            // "always" means every batch, however small.
            minParallelBatch: adaptive ? undefined : 1,
            log,
            lmdb: {
              path: `${opts.datadir}/chain`,
              isCommitted: () => store.isCommitted(),
              pendingChanges: () => store.pendingChanges(),
              version: () => store.stateVersion(),
            },
          })
        : new SerialExecutor(core);
    cleanups.push(() => executor.close());
    log.info("execution", {
      mode: executor instanceof SerialExecutor ? "serial" : `parallel (Block-STM, ${opts["parallel-mode"] ?? "auto"})`,
      workers: opts.workers ?? 1,
    });
    const pool = new TxPool(store.state, {
      chainId: genesis.chainId,
      blockGasLimit: genesis.header.gasLimit,
      minTip: opts["min-priority-fee"] ?? 0n,
      policy: orderingPolicy(opts.ordering ?? "fifo"),
    });
    const sync = createSenderRecovery();
    const workers = await WorkerPoolRecovery.create({ workers: 1 }).catch(() => null);
    if (workers) cleanups.push(() => workers.close());
    log.info("sender recovery", { backend: sync.name, workers: workers?.name ?? "none" });

    const sequencer = new Sequencer(
      store,
      core,
      executor,
      pool,
      new RecoveryBatcher(sync, workers),
      genesis.common,
      {
        miniBlockMs: opts["mini-block-ms"],
        blockMs: opts["block-ms"],
        blockGasLimit: genesis.header.gasLimit,
        coinbase: hexToBytes(opts.coinbase),
        maxTxsPerMiniBlock: opts["max-txs-per-mini-block"],
      },
      log.child({ component: "sequencer" }),
    );
    const node = new SequencerNode(sequencer, CLIENT_VERSION);
    const rpc = startRpcServer({ api: node, host: opts["http-addr"], port: opts["http-port"], receiptTimeoutMs: opts["receipt-timeout-ms"], log: log.child({ component: "rpc" }) });
    cleanups.push(() => rpc.stop());
    // State-diff stream to replicas (src/stream), before the loop starts: a bad flag stops nothing produced.
    let streamUrl: string | null = null;
    if (opts["stream-port"] !== undefined) {
      const stream = startSequencerStream(store, sequencer, genesis, { port: opts["stream-port"], token: opts["stream-token"], host: opts["http-addr"], datadir: opts.datadir, rpcUrl: rpc.url, faults: opts["stream-test-fault"] }, log.child({ component: "stream" }));
      cleanups.push(() => stream.stop());
      streamUrl = stream.url;
    }
    sequencer.start();
    cleanups.push(() => sequencer.stop());
    const pruneEvery = opts["prune-trie-every"] ?? 0;
    if (pruneEvery > 0) cleanups.push(store.pruneTrieEvery(pruneEvery, log.child({ component: "prune" })));
    if (dev) {
      const lines = devAccounts(10).map((a, i) => `(${i}) ${bytesToHex(a.address)}  key ${bytesToHex(a.privateKey)}`);
      console.log(`\nDev accounts (10,000 ETH each, mnemonic "test test ... junk"):\n${lines.join("\n")}\n`);
    }
    log.info("JSON-RPC listening", { http: rpc.url, ws: rpc.wsUrl });
    return { url: rpc.url, wsUrl: rpc.wsUrl, genesis, sequencer, node, streamUrl, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
