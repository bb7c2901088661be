// Parallel execution of a batch of transactions with Block-STM over Bun workers.
//
// The algorithm (Gelashvili et al., "Block-STM", 2022) in brief. A batch is an ordered list of
// transactions, and the only acceptable result is the one serial execution in that order
// produces. Workers execute transactions optimistically and out of order, each against a
// multi-version store that holds, for every location written so far, the value written by
// each transaction of the batch. Transaction j reads the write of the highest transaction
// below j, or the pre-batch state when there is none, and records which version it read.
// After executing, a transaction is validated: its reads are resolved again and, if any now
// resolves to a different version, its writes are marked ESTIMATE and it is re-executed as a
// new incarnation. A transaction that reads an ESTIMATE waits for the writer to re-execute
// rather than run on a value that is known to be stale. Whenever a transaction is aborted or
// writes a location its previous incarnation did not, every higher transaction is validated
// again, so when the scheduler runs out of work (both indexes past the end and no task in
// flight) every transaction's reads are exactly what its predecessors wrote: the serial
// result. Execution and validation tasks come from one collaborative scheduler whose indexes
// and status words live in a SharedArrayBuffer and move with Atomics; no thread coordinates
// and no message crosses threads per transaction.
//
// What is particular to the EVM here:
//   - Locations are account fields (nonce, balance, code, existence, storage count) and
//     storage slots. The core reports whole final account states; a transaction's writes are
//     only the fields that differ from what it read (txn-executor.ts), so an ERC-20 transfer
//     conflicts with another only through the balances it shares.
//   - The coinbase would make every transaction conflict with every other: each one credits
//     its tip. Workers run the core with EVM_FLAG_DEFER_COINBASE, which skips the credit and
//     never loads the coinbase, and the main thread credits tips in order afterwards
//     (coinbase-credit.ts), giving each result the coinbase change serial would report. A
//     transaction that reads the coinbase itself (pays it, is sent by it, asks its balance)
//     is detected when the core asks for it, and runs undeferred against the coinbase as the
//     tips of all earlier transactions leave it (mv-reads.ts `coinbase`).
//   - Senders' nonces and balances conflict only when the same sender appears twice, which is
//     a real dependency: the second transaction waits for the first.
//   - Storage emptiness (EIP-7610, and whether the core asks for slots at all) is versioned as
//     a slot count with additive changes. In the rare batch where a count could go from
//     non-zero to an unknown value (the base state cannot count slots), the transactions from
//     there on run serially.
//   - The pre-batch state comes from LMDB read by each worker when the caller vouches that it
//     is committed, else from the main thread through a mailbox (base-reader.ts); either way a
//     location is fetched once per batch and shared.
//
// The main thread lays out the batch in the shared heap, lets the workers run, then decodes
// the final outputs, credits deferred tips and applies every transaction's changes to the
// state in order. Small batches, and batches whose parallel attempt fails (heap full, worker
// error), run on the serial executor instead; the results are the same either way.
import { decodeOutput, encodeInput, ExecStatus, inputSize, type BlockEnv, type ExecResult, type TxInput } from "../exec/abi";
import { compileWasm, EvmCore } from "../exec/core";
import { type MailboxHost, serveMailbox } from "./base-reader";
import { bytesKey } from "../state/byte-keys";
import { CoinbaseCredit } from "./coinbase-credit";
import { Control, FAIL_NAMES, FailReason, FALLBACK_NAMES } from "./control-layout";
import { SharedHeap } from "./heap";
import { MAILBOX_WORDS } from "./mailbox-layout";
import { SerialExecutor } from "./serial-executor";
import { READ_WORDS, ReadEntry, Txn, TXN_WORDS } from "./txn-layout";
import type { BatchExecutor, BatchState, BatchStats } from "./types";
import type { FromWorker, ToWorker } from "./worker";
import type { WorkerStats } from "./txn-executor";

export interface ParallelExecutorOptions {
  /** Worker threads, each with its own core instance. Default: the machine's core count. */
  workers?: number;
  /** The compiled core, shared by every worker (default: compileWasm()). */
  module?: WebAssembly.Module;
  /** A core on the calling thread for serial batches and tails (default: a new instance). */
  core?: EvmCore;
  /** Batches with fewer transactions run serially (see `npx bun run bench parallel`). Default 8. */
  minParallelBatch?: number;
  /**
   * Lets workers read the pre-batch state straight from the chain's LMDB environment
   * (`<datadir>/chain`) whenever `isCommitted()` says the state passed to execute() holds
   * nothing LMDB does not (no uncommitted overlay). Otherwise the main thread serves reads.
   */
  lmdb?: { path: string; isCommitted(): boolean };
  /** Initial shared heap in bytes; doubled whenever a batch runs out. Default 64 MiB. */
  heapBytes?: number;
}

const MAX_HEAP_BYTES = 1 << 30;

interface PoolWorker {
  worker: Worker;
  mailbox: SharedArrayBuffer;
}

export class ParallelExecutor implements BatchExecutor {
  /** What the last batch did. */
  lastStats: BatchStats | null = null;
  private readonly serial: SerialExecutor;
  private heap: SharedHeap;
  /** Hash-table buckets reserved per transaction (grows when a batch fills the table). */
  private bucketsPerTxn = 64;
  private gen = 0;
  private state: MailboxHost | null = null;
  private finished: { count: number; stats: WorkerStats[]; errors: string[]; resolve: () => void } | null = null;
  private closed = false;

  private constructor(
    private readonly pool: PoolWorker[],
    readonly core: EvmCore,
    private readonly minParallelBatch: number,
    private readonly lmdb: ParallelExecutorOptions["lmdb"],
    heap: SharedHeap,
  ) {
    this.serial = new SerialExecutor(core);
    this.heap = heap;
    for (const w of pool) w.worker.onmessage = (e: MessageEvent<FromWorker>) => this.onMessage(w, e.data);
  }

  /** Starts the workers and waits until each has loaded its core. */
  static async create(options: ParallelExecutorOptions = {}): Promise<ParallelExecutor> {
    const n = Math.max(1, options.workers ?? navigator.hardwareConcurrency);
    const module = options.module ?? (await compileWasm());
    const core = options.core ?? (await EvmCore.load("wasm", module));
    const heap = SharedHeap.create(options.heapBytes ?? 64 << 20);
    const pool: PoolWorker[] = [];
    const ready: Promise<void>[] = [];
    for (let id = 0; id < n; id++) {
      const worker = new Worker(new URL("./worker.ts", import.meta.url).href);
      const mailbox = new SharedArrayBuffer(MAILBOX_WORDS * 4);
      pool.push({ worker, mailbox });
      ready.push(
        new Promise((resolve, reject) => {
          worker.onmessage = (e: MessageEvent<FromWorker>) => e.data.type === "ready" && resolve();
          worker.onerror = (e) => reject(new Error(`parallel worker ${id} failed to start: ${e.message}`));
        }),
      );
      const init: ToWorker = { type: "init", id, module, heap: heap.buffer, mailbox, lmdb: options.lmdb ? { path: options.lmdb.path } : null };
      worker.postMessage(init);
    }
    await Promise.all(ready);
    return new ParallelExecutor(pool, core, options.minParallelBatch ?? 8, options.lmdb, heap);
  }

  get workers(): number {
    return this.pool.length;
  }

  async execute(env: BlockEnv, txs: TxInput[], state: BatchState): Promise<ExecResult[]> {
    if (this.closed) throw new Error("ParallelExecutor is closed");
    const t0 = Bun.nanoseconds();
    if (txs.length < this.minParallelBatch) return this.runSerial(env, txs, state, t0, null);
    try {
      this.layOut(env, txs);
    } catch {
      this.grow();
      return this.runSerial(env, txs, state, t0, FAIL_NAMES[FailReason.HeapFull]!);
    }
    const stats = await this.runWorkers(env, state);
    const i32 = this.heap.i32;
    const fail = i32[Control.FAIL]!;
    if (fail !== FailReason.None) {
      if (fail === FailReason.HeapFull) this.grow();
      const why = stats.errors.length ? `${FAIL_NAMES[fail]}: ${stats.errors[0]}` : FAIL_NAMES[fail]!;
      return this.runSerial(env, txs, state, t0, why);
    }
    return this.assemble(env, txs, state, stats.workers, t0);
  }

  /** Writes the batch's geometry and inputs into a fresh heap. */
  private layOut(env: BlockEnv, txs: TxInput[]): void {
    const heap = this.heap;
    const { i32, u8 } = heap;
    heap.reset();
    const n = txs.length;
    const table = heap.alloc(n * TXN_WORDS);
    let buckets = 1024;
    while (buckets < n * this.bucketsPerTxn) buckets *= 2;
    i32[Control.HASH_TABLE] = heap.alloc(buckets);
    i32[Control.HASH_MASK] = buckets - 1;
    i32[Control.TXN_TABLE] = table;
    i32[Control.N_TXNS] = n;
    i32[Control.LIMIT] = n;
    i32[Control.GEN] = ++this.gen;
    u8.set(env.coinbase, Control.COINBASE * 4);
    const lastBySender = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const sender = bytesKey(txs[i]!.sender);
      const prev = lastBySender.get(sender);
      if (prev !== undefined) i32[table + i * TXN_WORDS + Txn.PREV_SAME_SENDER] = prev + 1;
      lastBySender.set(sender, i);
      const size = inputSize(txs[i]!);
      const at = heap.alloc((size + 3) >> 2) * 4;
      i32[table + i * TXN_WORDS + Txn.INPUT] = at;
      i32[table + i * TXN_WORDS + Txn.INPUT_LEN] = encodeInput(env, txs[i]!, u8.subarray(at, at + size));
    }
  }

  private runWorkers(env: BlockEnv, state: BatchState): Promise<{ workers: WorkerStats[]; errors: string[] }> {
    this.state = mailboxHost(state);
    const useLmdb = this.lmdb?.isCommitted() ?? false;
    return new Promise((resolve) => {
      const f = {
        count: 0,
        stats: [] as WorkerStats[],
        errors: [] as string[],
        resolve: () => {
          this.finished = null;
          this.state = null;
          resolve({ workers: f.stats, errors: f.errors });
        },
      };
      this.finished = f;
      const run: ToWorker = { type: "run", env, useLmdb };
      for (const w of this.pool) w.worker.postMessage(run);
    });
  }

  private onMessage(w: PoolWorker, m: FromWorker): void {
    if (m.type === "miss") {
      if (this.state) serveMailbox(w.mailbox, this.heap, this.state);
    } else if (m.type === "finished" && this.finished) {
      const f = this.finished;
      f.stats.push(m.stats);
      if (m.error) f.errors.push(m.error);
      if (++f.count === this.pool.length) f.resolve();
    }
  }

  /** Final outputs in order: tips credited, changes applied; then the serial tail, if any. */
  private assemble(env: BlockEnv, txs: TxInput[], state: BatchState, workers: WorkerStats[], t0: number): ExecResult[] {
    const { i32, u8 } = this.heap;
    const n = txs.length;
    const limit = i32[Control.LIMIT]!;
    const table = i32[Control.TXN_TABLE]!;
    const credit = new CoinbaseCredit(env, state);
    const results: ExecResult[] = [];
    const incarnations = new Uint16Array(n);
    const execNs = new Float64Array(n);
    for (let i = 0; i < limit; i++) {
      const e = table + i * TXN_WORDS;
      const at = i32[e + Txn.OUTPUT]!;
      const r = decodeOutput(u8.subarray(at, at + i32[e + Txn.OUTPUT_LEN]!));
      if (i32[e + Txn.OUTPUT_DEFERRED]) credit.credit(txs[i]!, r);
      else credit.observe(r);
      if (r.status !== ExecStatus.Invalid) state.apply(r.accounts);
      results.push(r);
      incarnations[i] = i32[e + Txn.EXECUTIONS]!;
      execNs[i] = i32[e + Txn.EXEC_NS]!;
    }
    for (let i = limit; i < n; i++) {
      const s = Bun.nanoseconds();
      const r = this.core.execute(env, txs[i]!, state);
      if (r.status !== ExecStatus.Invalid) state.apply(r.accounts);
      results.push(r);
      incarnations[i] = 1;
      execNs[i] = Bun.nanoseconds() - s;
    }
    const sum = (k: keyof WorkerStats) => workers.reduce((a, w) => a + w[k], 0);
    this.lastStats = {
      txs: n,
      mode: "parallel",
      executions: sum("executions") + (n - limit),
      validations: sum("validations"),
      validationAborts: sum("validationAborts"),
      dependencyWaits: sum("dependencyWaits"),
      serialTail: n - limit,
      fallback: limit < n ? FALLBACK_NAMES[i32[Control.LIMIT_REASON]!]! : null,
      incarnations,
      execNs,
      wallNs: Bun.nanoseconds() - t0,
    };
    return results;
  }

  /**
   * The dependency graph the last parallel batch found: for each transaction, the earlier
   * transactions whose writes its final execution read (a coinbase reader depends on all of
   * them). Read from the shared heap, so valid until the next execute(); empty after a serial batch.
   */
  lastDependencies(): number[][] {
    const { i32 } = this.heap;
    if (this.lastStats?.mode !== "parallel") return [];
    const table = i32[Control.TXN_TABLE]!;
    const limit = i32[Control.LIMIT]!;
    const deps: number[][] = [];
    for (let j = 0; j < this.lastStats.txs; j++) {
      const found = new Set<number>();
      const rs = j < limit ? i32[table + j * TXN_WORDS + Txn.READS]! : 0;
      for (let k = 0, n = rs ? i32[rs]! : 0; k < n; k++) {
        const at = rs + 1 + k * READ_WORDS;
        if (i32[at + 1] === ReadEntry.Coinbase) for (let t = 0; t < j; t++) found.add(t);
        else if (i32[at + 1] !== ReadEntry.HasStorage && i32[at + 2]! >= 0) found.add(i32[at + 2]!);
      }
      const prev = i32[table + j * TXN_WORDS + Txn.PREV_SAME_SENDER]! - 1;
      if (prev >= 0) found.add(prev);
      if (j >= limit) for (let t = 0; t < j; t++) found.add(t);
      deps.push([...found].sort((a, b) => a - b));
    }
    return deps;
  }

  private runSerial(env: BlockEnv, txs: TxInput[], state: BatchState, t0: number, why: string | null): ExecResult[] {
    const n = txs.length;
    const execNs = new Float64Array(n);
    const results: ExecResult[] = [];
    for (let i = 0; i < n; i++) {
      const s = Bun.nanoseconds();
      const r = this.core.execute(env, txs[i]!, state);
      if (r.status !== ExecStatus.Invalid) state.apply(r.accounts);
      results.push(r);
      execNs[i] = Bun.nanoseconds() - s;
    }
    this.lastStats = {
      txs: n,
      mode: "serial",
      executions: n,
      validations: 0,
      validationAborts: 0,
      dependencyWaits: 0,
      serialTail: 0,
      fallback: why,
      incarnations: new Uint16Array(n).fill(1),
      execNs,
      wallNs: Bun.nanoseconds() - t0,
    };
    return results;
  }

  /** Doubles the heap (and the hash table's share) for the next batch. */
  private grow(): void {
    this.bucketsPerTxn = Math.min(this.bucketsPerTxn * 2, 4096);
    const bytes = Math.min(this.heap.buffer.byteLength * 2, MAX_HEAP_BYTES);
    if (bytes === this.heap.buffer.byteLength) return;
    this.heap = SharedHeap.create(bytes);
    const m: ToWorker = { type: "heap", heap: this.heap.buffer };
    for (const w of this.pool) w.worker.postMessage(m);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.pool) w.worker.terminate();
  }
}

/** The batch state as the mailbox serves it, with the best slot count the state can give. */
function mailboxHost(state: BatchState): MailboxHost {
  const s = state as BatchState & { accountRecord?(a: Uint8Array): { slotCount: number } | undefined };
  return {
    account: (a) => state.account(a),
    storage: (a, k, out) => state.storage(a, k, out),
    blockHash: (n) => state.blockHash(n),
    slotCount: (a) => {
      if (state.slotCount) return state.slotCount(a);
      if (s.accountRecord) return s.accountRecord(a)?.slotCount ?? 0;
      const storage = (state.account(a) as { storage?: unknown } | undefined)?.storage;
      return storage instanceof Map ? storage.size : undefined;
    },
  };
}
