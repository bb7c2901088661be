// Parallel execution of a batch of transactions with Block-STM over Bun workers.
//
// The algorithm (Gelashvili et al., "Block-STM", 2022) in brief. A batch is an ordered list of
// transactions, and the only acceptable result is the one serial execution in that order
// produces. Workers execute transactions optimistically and out of order, each against a
// multi-version store that holds, for every location written so far, the value written by
// each transaction of the batch. Transaction j reads the write of the highest transaction
// below j, or the pre-batch state when there is none, and records which version it read.
// A transaction whose reads turn out stale has its writes marked ESTIMATE and is re-executed
// as a new incarnation; one that reads an ESTIMATE waits for the writer to re-execute rather
// than run on a value known to be stale. What makes the result serial is the check at commit:
// the main thread commits in order, and commits transaction j only if every version it read is
// the newest write below j, now that all of those are final (committed-writes.ts: one probe of
// a table per read). The paper's validation tasks (resolve a finished transaction's reads again,
// and again for every higher one whenever a transaction is aborted or writes a new location)
// only find stale reads earlier, so that they are re-executed in parallel rather than one by
// one at commit; they cost a validation or more per transaction, so they start only once
// commits find stale reads more than rarely (STALE_SHARE). Execution and validation tasks come
// from one collaborative scheduler whose indexes and status words live in a SharedArrayBuffer
// and move with Atomics; no thread coordinates and no message crosses threads per transaction.
//
// What is particular to the EVM here:
//   - Locations are account fields (nonce, balance, code, existence, storage count) and
//     storage slots. The core reports whole final account states; a transaction's writes are
//     only the fields that differ from what it read (txn-executor.ts), so an ERC-20 transfer
//     conflicts with another only through the balances it shares.
//   - The coinbase would make every transaction conflict with every other: each one credits
//     its tip. Workers run the core with EVM_FLAG_DEFER_COINBASE, which skips the credit,
//     never loads the coinbase and reports the tip owed in the output, and the main thread
//     credits tips in order afterwards (coinbase-credit.ts), giving each result the coinbase
//     change serial would report. A transaction that reads the coinbase itself (pays it, is
//     sent by it, asks its balance) is detected when the core asks for it, and runs undeferred
//     against the coinbase as the tips of all earlier transactions leave it (mv-reads.ts
//     `coinbase`).
//   - Senders' nonces and balances conflict only when the same sender appears twice, which is
//     a real dependency: the second transaction waits for the first.
//   - Storage emptiness (EIP-7610, and whether the core asks for slots at all) is versioned as
//     a slot count with additive changes, and read only where a creation could collide (nonce
//     0, no code): a contract is reported as maybe having storage, so a busy token's count
//     never has to be summed, nor even written (an account with code keeps it through the
//     batch under EIP-6780, so its count is never read). In the rare batch where a count that
//     is read could go from non-zero to an unknown value (the base state cannot count slots),
//     the transactions from there on run serially.
//   - The pre-batch state comes from LMDB read by each worker when the caller vouches that it
//     is committed; when only commits still being written are missing from LMDB (the sequencer
//     commits each mini-block while the next executes), from LMDB for every account and slot but
//     theirs (pending-changes.ts); the rest from the main thread through a mailbox (base-reader.ts),
//     for which it also loads the batch's senders and recipients as it lays the batch out.
//     Either way a location is fetched once per batch and shared.
//
// Who does what. The main thread lays out the batch in the shared heap (the workers start once
// the first transactions are there, Control.LAID_OUT) and is itself one of the participants:
// with `workers: N` it runs Block-STM tasks next to N - 1 Bun workers (on a machine with few
// cores a thread that only waited would waste one). Between runs of a few tasks it commits:
// once every lower transaction is committed, it checks transaction j's reads (re-executing it
// on the spot if they are stale), marks it committed (a status bit no validation abort can
// clear), and right away decodes its output, credits its deferred tip and applies its changes
// to the state (handing it first the LMDB rows the workers read for the locations it wrote, so
// that applying reads none again: prime-state.ts), while the workers go on with later
// transactions. So the serial part of a batch (decoding and applying, which must happen on the
// main thread, in order) overlaps execution instead of following it. Workers wait for the next
// batch parked on a futex (worker.ts), so starting a batch costs no message. Small batches,
// batches whose senders alone leave little parallelism (one sender's transactions run one after
// another), the rest of a batch once its committed transactions turn out to form a chain (each
// reading what the one before wrote), the rest of a batch whose parallel attempt fails (heap
// full, worker error), and, with `adaptive`, batches of a size for which serial execution has
// measured faster on this machine (mode-chooser.ts) run on the serial path; the results are the
// same.
//
// What it costs (per transaction on a 2-core machine, timed part by part; the totals are what
// `npx bun run bench parallel` reports). A plain transfer took about 2.9 us serially (the core
// 1.5, encoding and decoding 0.8, applying 0.5), an ERC-20 transfer about 9.5 us (the core 6.7),
// before the state's account reads got cheaper (serial transfers 17% faster, ERC-20 8%).
// Block-STM adds, on the executing thread, 0.5 us (transfer) or 1 us (ERC-20) recording the
// writes, reads and output and 0.1 us finishing the execution in the scheduler; and on the main
// thread, whose commit otherwise decodes and applies as serial does, the check and its
// bookkeeping (0.3 us), the tip (0.15 us) and the cache misses of applying to records only the
// workers had read (0.3 us). Its own executions, in runs of up to MAIN_RUN between commit
// passes, cost about what a worker's do (1.87 against 1.97 us a transfer at commit 4a5ddd1; half
// again more when executions and commits alternated one by one). With two threads both stay
// busy: for transfers the main thread lays out (0.15 us) and commits (1.0 us) each transaction
// and runs about a quarter of the executions; they gain about 1.5x, ERC-20 transfers about 1.7x,
// swaps over 100 pools about 2x. The commit (about 1.0, 2.5 and 6.3 us in the latest full bench
// run) bounds any machine to about 2x, 3.5x and 6x.
import { type AccountChange, BLOCK_ENV_SIZE, decodeOutput, encodeBlockEnv, encodeTxBody, ExecStatus, inputFlags, inputSize, type BlockEnv, type ExecResult, type TxInput } from "../exec/abi";
import { compileWasm, EvmCore } from "../exec/core";
import { HostBaseReader, LmdbBaseReader, type MailboxHost } from "./base-reader";
import { bytesEqual } from "../crypto/hex";
import { CoinbaseCredit, owedTip } from "./coinbase-credit";
import { Control, FAIL_NAMES, FailReason, FallbackReason, FALLBACK_NAMES, LmdbUse } from "./control-layout";
import { writePendingChanges } from "./pending-changes";
import type { FrozenChanges } from "../state/index";
import { primeWrites } from "./prime-state";
import { hashAddress } from "../crypto/byte-hash";
import { HeapFullError, SharedHeap } from "./heap";
import { MvHost, WorkerStalledError } from "./mv-host";
import { VersionedReads } from "./mv-reads";
import { CommittedWrites } from "./committed-writes";
import { ModeChooser } from "./mode-chooser";
import { MvStore } from "./mv-store";
import { Scheduler } from "./scheduler";
import { executeInOrder } from "./serial-executor";
import { INC_SHIFT, READ_WORDS, ReadEntry, Txn, TxnFlags, TXN_WORDS, TxnStatus } from "./txn-layout";
import { type BatchExecutor, type BatchState, type BatchStats, Task, TaskKind } from "./types";
import type { Logger } from "../log/logger";
import { TxnExecutor, type WorkerStats } from "./txn-executor";
import { type PoolWorker, WorkerPool } from "./worker-pool";

export interface ParallelExecutorOptions {
  /**
   * Threads executing transactions, each with its own core instance: the main thread plus
   * `workers - 1` Bun workers. Default: the machine's core count.
   */
  workers?: number;
  /** The compiled core, shared by every worker (default: compileWasm()). */
  module?: WebAssembly.Module;
  /**
   * A core on the calling thread for serial batches and tails (default: a new instance). The
   * main thread's Block-STM tasks run on a core of their own.
   */
  core?: EvmCore;
  /**
   * Batches with fewer transactions run serially. Default 32: below it Block-STM measured slower
   * than serial on two threads for both workloads `npx bun run bench parallel` sizes when the
   * worker wakes from a futex for each batch, as at the mini-block cadence (ERC-20 transfers gained
   * from 32, plain transfers from 128 or 256; with batches back to back, the worker spinning
   * between them, from 2 and 16); above it the mode chooser decides.
   */
  minParallelBatch?: number;
  /**
   * Lets workers read the pre-batch state straight from the chain's LMDB environment
   * (`<datadir>/chain`) whenever `isCommitted()` says the state passed to execute() holds
   * nothing LMDB does not (no uncommitted overlay). Otherwise the main thread serves reads.
   */
  lmdb?: {
    path: string;
    isCommitted(): boolean;
    /**
     * When isCommitted() is false: what commits still being written change, if the state holds
     * nothing else LMDB does not (StateDb.pendingChanges), else null. Workers then read every
     * other account and slot from LMDB and ask the main thread only for these.
     */
    pendingChanges?(): FrozenChanges | null;
    /**
     * A number that changes whenever LMDB's state changes (a commit count): workers keep rows
     * they read from LMDB across batches while it stays the same. Without it they keep none.
     */
    version?(): number;
  };
  /**
   * A batch runs serially when its senders alone cap its parallelism below this: transactions
   * of one sender run one after another (each needs the previous nonce), so a batch of n
   * whose busiest sender has k of them cannot go faster than n / k. Default 2; 0 disables.
   */
  minSenderParallelism?: number;
  /** Initial shared heap in bytes; doubled whenever a batch runs out. Default 64 MiB. */
  heapBytes?: number;
  /**
   * Run each batch in whichever mode (Block-STM or serial) has measured faster for batches of
   * its size on this machine (mode-chooser.ts). Default true; false always tries Block-STM.
   */
  adaptive?: boolean;
  /** Initial value of `timeParts`. Default false. */
  timeParts?: boolean;
  /**
   * How long the main thread waits on workers without anything moving before it takes the
   * silent ones for dead (a worker thread that exited mid-batch would otherwise hang it): the
   * rest of the batch runs serially, and the workers are terminated and replaced before the next
   * one. Results never depend on it; a worker that is only slow costs a replacement. Default
   * 30,000 ms, far beyond any one transaction under a block gas limit.
   */
  stallTimeoutMs?: number;
  /** Where to report workers replaced (warn). */
  log?: Logger;
}

const MAX_HEAP_BYTES = 1 << 30;

/**
 * The rest of a batch runs serially once CHAIN_SHARE of a window of CHAIN_WINDOW committed
 * transactions each depended on a transaction right before it: Block-STM then mostly waits and
 * re-executes (all swaps on one pool, say), and serial execution is faster.
 */
const CHAIN_WINDOW = 32;
const CHAIN_SHARE = 0.75;

const PRE_STATE_NAMES = { [LmdbUse.None]: "main-thread", [LmdbUse.All]: "lmdb", [LmdbUse.ExceptPending]: "lmdb-except-pending" } as const;

/**
 * Validation tasks start once at least 1 in STALE_SHARE of the commits so far (and two at least)
 * found stale reads. Below that, re-executing the few at commit costs less than validating every
 * transaction ahead of it (paired runs on 2 cores with timing probes in place, validation tasks
 * always on against only on stale reads: transfers 1.10x against 1.25x, ERC-20 1.47x against
 * 1.50x, swaps over 100 pools 1.86x against 1.90x). The share is a judgement, not a
 * measurement: no workload here is stale that rarely yet often enough to tell.
 */
const STALE_SHARE = 64;

/**
 * The main thread runs up to MAIN_RUN tasks in a row before its next commit pass, unless the
 * batch's end is near: executions in a row, and then commits in a row, each find more of their
 * code and data still in the core's caches than when the two alternate one by one. Paired runs
 * on 2 cores against a commit pass after every task (bench parallel's parts: the main thread's
 * commit 3.25 -> 2.96 us an ERC-20 transfer, the worker's tasks 5.75 -> 5.46): ERC-20 transfers
 * 2.3-5.5% faster in seven runs, plain transfers -2% to +10% (noise), swaps over 100 pools within
 * 2%; runs of 16 and 32 gained less.
 */
const MAIN_RUN = 8;

/**
 * The hash table of the multi-version store gets BUCKETS_PER_RECORD buckets for each record the
 * last batch used (at least MIN_BUCKETS_PER_TXN per transaction). It is zeroed before the workers
 * start, so its size is wall time: at 64 buckets a transaction (the former fixed size) a batch of
 * 1,000 plain transfers (2 records each) zeroed 256 KiB on the main thread before the ring.
 */
const BUCKETS_PER_RECORD = 8;
const MIN_BUCKETS_PER_TXN = 16;
const MAX_BUCKETS_PER_TXN = 4096;

/** Words of an output touch() reads ahead (a line in 16): a plain transfer's output is about 340 bytes. */
const TOUCHED_OUTPUT_WORDS = 128;

/** Transactions laid out before the workers start: enough that they rarely wait for the rest. */
const LAID_OUT_FIRST = 32;

/** The main thread's Block-STM participant over the current heap. */
interface MainParts {
  sched: Scheduler;
  mv: MvStore;
  reader: HostBaseReader;
  /** The same reads straight from LMDB, for batches whose pre-state is all committed (as the workers do). */
  lmdbReader: LmdbBaseReader | null;
  host: MvHost;
  ex: TxnExecutor;
}

export class ParallelExecutor implements BatchExecutor {
  private stats: BatchStats | null = null;
  /** The last parallel batch, until its workers' reports are in (settle()). */
  private unreported: { gen: number; host: MailboxHost; withdrawn: Set<PoolWorker>; committed: number; stats: BatchStats | null } | null = null;
  /**
   * Whether parallel batches record where each thread's time goes (BatchStats.commitNs and
   * .parts): two clock reads around every commit pass, task and wait, on every thread, which
   * slows a batch by a few percent. Read when a batch starts.
   */
  timeParts: boolean;
  private heap: SharedHeap;
  /** Hash-table buckets reserved per transaction (sizeTable: from the last batch's records). */
  private bucketsPerTxn = 64;
  private gen = 0;
  private closed = false;
  private main!: MainParts;
  /** The main thread's core was unwound mid-transaction: load a fresh one before the next batch. */
  private mainSuspect = false;
  private mainReload: Promise<void> | null = null;
  /** Lost workers being replaced (replaceLost): batches run serially until it settles. */
  private replacing: Promise<void> | null = null;
  private readonly codeCache = new Map<string, Uint8Array>();
  /** Answers the workers' pending mailbox requests (beginMain binds it to the batch's state). */
  private serve: () => void = () => {};
  /** The running batch's BatchStats.commitNs and main-thread parts, with timeParts. */
  private commitNs = 0;
  private readonly mainParts = { layoutNs: 0, taskNs: 0, waitNs: 0 };
  /** Per transaction of the batch: the sender's previous transaction plus one (0: none). */
  private prevSameSender = new Int32Array(0);
  private lastBySender = new Int32Array(0);
  private readonly chooser: ModeChooser | null;
  private readonly committed: CommittedWrites;
  /** What touch() read, kept so that its reads are not optimised away. */
  private touched = 0;

  private constructor(
    private readonly pool: WorkerPool,
    readonly core: EvmCore,
    private mainCore: EvmCore,
    private readonly module: WebAssembly.Module,
    private readonly minParallelBatch: number,
    private readonly minSenderParallelism: number,
    private readonly lmdb: ParallelExecutorOptions["lmdb"],
    heap: SharedHeap,
    adaptive: boolean,
    timeParts: boolean,
    private readonly stallMs: number,
    private readonly log: Logger | null,
  ) {
    this.chooser = adaptive ? new ModeChooser() : null;
    this.timeParts = timeParts;
    this.heap = heap;
    this.committed = new CommittedWrites();
    this.buildMain();
  }

  /** Starts the workers and waits until each has loaded its core. */
  static async create(options: ParallelExecutorOptions = {}): Promise<ParallelExecutor> {
    const n = Math.max(1, options.workers ?? navigator.hardwareConcurrency);
    const module = options.module ?? (await compileWasm());
    const core = options.core ?? (await EvmCore.load("wasm", module));
    const mainCore = await mainThreadCore(module, false);
    const heap = SharedHeap.create(options.heapBytes ?? 64 << 20);
    const pool = await WorkerPool.start(n - 1, module, heap.buffer, options.lmdb ? { path: options.lmdb.path } : null);
    return new ParallelExecutor(
      pool, core, mainCore, module, options.minParallelBatch ?? 32, options.minSenderParallelism ?? 2, options.lmdb, heap,
      options.adaptive ?? true, options.timeParts ?? false, options.stallTimeoutMs ?? 30_000,
      options.log ?? null,
    );
  }

  /** Threads executing a parallel batch: the main thread and the workers. */
  get workers(): number {
    return this.pool.size + 1;
  }

  private buildMain(): void {
    const heap = this.heap;
    const sched = new Scheduler(heap);
    const mv = new MvStore(heap);
    const reader = new HostBaseReader(heap, this.codeCache);
    this.main?.lmdbReader?.close();
    const lmdbReader = this.lmdb ? new LmdbBaseReader(heap, { path: this.lmdb.path }, reader, this.codeCache) : null;
    const versions = new VersionedReads(heap, mv, sched);
    const host = new MvHost(heap, mv, versions, reader);
    host.stallMs = this.stallMs;
    const ex = new TxnExecutor(heap, mv, sched, versions, host, this.mainCore);
    this.main = { sched, mv, reader, lmdbReader, host, ex };
  }

  async execute(env: BlockEnv, txs: TxInput[], state: BatchState): Promise<ExecResult[]> {
    this.settle();
    if (this.mainReload) await this.mainReload;
    if (this.replacementPending()) await this.replacing;
    return this.executeSync(env, txs, state);
  }

  executeSync(env: BlockEnv, txs: TxInput[], state: BatchState): ExecResult[] {
    if (this.closed) throw new Error("ParallelExecutor is closed");
    const t0 = Bun.nanoseconds();
    this.settle();
    if (txs.length < this.minParallelBatch) return this.runSerial(env, txs, state, t0, null);
    const chosen = this.chooser?.choose(txs.length) ?? "parallel";
    if (chosen === "serial") return this.runSerial(env, txs, state, t0, "serial measured faster for batches of this size");
    if (this.mainSuspect) return this.runSerial(env, txs, state, t0, "main thread's core reloading after an error");
    if (this.replacementPending()) return this.runSerial(env, txs, state, t0, "replacing a worker that exited or stopped responding");
    // A parked worker takes tens of microseconds to wake: it does so while the batch is prepared
    // (paired runs on 2 cores, three each: transfers 1.36x -> 1.40x, ERC-20 1.67x -> 1.69x).
    this.pool.nudge();
    const longestRun = this.linkSenders(txs);
    if (this.minSenderParallelism > 0 && txs.length < this.minSenderParallelism * longestRun) {
      return this.runSerial(env, txs, state, t0, "one sender's transactions dominate the batch");
    }
    try {
      this.layOut(env, txs, Math.min(txs.length, LAID_OUT_FIRST));
    } catch {
      this.grow();
      return this.runSerial(env, txs, state, t0, FAIL_NAMES[FailReason.HeapFull]!);
    }
    const host = mailboxHost(state);
    // Here rather than in runMain: counted even if laying out the rest fails before it starts.
    this.main.ex.beginBatch();
    // The workers start on the first transactions while the main thread lays out the rest.
    this.pool.ring();
    this.beginMain(host);
    let committed: ExecResult[] = [];
    let failure: unknown = null;
    try {
      const first = Math.min(txs.length, LAID_OUT_FIRST);
      // Workers without LMDB ask the main thread for every account they meet, one request at
      // a time; the senders and recipients it knows already are loaded for them as it goes.
      const preload = this.heap.i32[Control.USE_LMDB] !== LmdbUse.All;
      if (preload) this.preloadAccounts(txs, 0, first);
      this.layOutInputs(txs, first, txs.length, preload);
      if (this.heap.i32[Control.TIME_PARTS]) this.mainParts.layoutNs = Bun.nanoseconds() - t0;
      committed = this.runMain(env, txs, state);
    } catch (err) {
      // A heap too small for the inputs is marked failed and the batch runs serially.
      if (!(err instanceof HeapFullError)) failure = err;
    } finally {
      this.main.mv.endBatch();
      // Everything the batch needs is committed (or it failed): release the workers.
      Atomics.store(this.heap.i32, Control.DONE, 1);
      this.main.sched.wake();
    }
    const unreported = { gen: this.gen, host, withdrawn: this.pool.withdraw(), committed: committed.length, stats: null as BatchStats | null };
    this.unreported = unreported;
    if (failure !== null) {
      this.settle();
      throw failure;
    }
    const results = this.finish(env, txs, state, committed, t0);
    unreported.stats = this.stats;
    // A batch fully committed leaves no worker mid-execution (every transaction below LIMIT is
    // final, so none can be handed out): the workers' reports, a few microseconds after DONE,
    // need not be waited for before the results go back; the next batch (or lastStats) does.
    // Any other batch waits here: a worker may still be executing, and a heap that filled is
    // replaced.
    const fail = this.heap.i32[Control.FAIL]!;
    if (committed.length < txs.length || fail !== FailReason.None) this.settle();
    if (fail === FailReason.HeapFull) this.grow();
    this.chooser?.record(txs.length, "parallel", this.stats!.wallNs);
    return results;
  }

  /** What the last batch did (with the workers' counters: waits for their reports if need be). */
  get lastStats(): BatchStats | null {
    this.settle();
    return this.stats;
  }

  /**
   * Waits until every worker has left the last parallel batch (serving their reads meanwhile),
   * and adds their counters to its statistics. Before the heap is laid out again.
   */
  private settle(): void {
    const u = this.unreported;
    if (u === null) return;
    this.unreported = null;
    const report = this.pool.waitFinished(this.heap, u.gen, u.host, this.stallMs, u.withdrawn);
    this.main.reader.host = null;
    const i32 = this.heap.i32;
    const fail = i32[Control.FAIL]!;
    // A table that filled is sized from the transactions that had started by then.
    const n = i32[Control.N_TXNS]!;
    if (fail === FailReason.TableFull) this.sizeTable(i32[Control.RECORDS]! / Math.max(1, Math.min(n, i32[Control.EXEC_IDX]!)), true);
    else this.sizeTable(i32[Control.RECORDS]! / n, false);
    const s = u.stats;
    if (s === null) return;
    const workers = [...report.workers, this.main.ex.stats];
    const sum = (k: keyof WorkerStats) => workers.reduce((a, w) => a + w[k], 0);
    s.executions = sum("executions") + (n - u.committed);
    s.validations = sum("validations");
    s.validationAborts = sum("validationAborts");
    s.dependencyWaits = sum("dependencyWaits");
    if (fail !== FailReason.None && report.errors.length) s.fallback = `${FAIL_NAMES[fail]}: ${report.errors[0]}`;
    if (s.parts !== null) {
      s.parts.workerTaskNs = report.workers.reduce((a, w) => a + w.taskUs * 1000, 0);
      s.parts.workerWaitNs = report.workers.reduce((a, w) => a + w.waitUs * 1000, 0);
    }
  }

  /**
   * Replaces the main thread's core, which an error unwound mid-transaction: execute() waits for
   * it, executeSync() runs serially meanwhile.
   */
  private reloadMainCore(): void {
    this.mainReload ??= mainThreadCore(this.module, true).then((core) => {
      this.mainCore = core;
      this.mainSuspect = false;
      this.mainReload = null;
      this.buildMain();
    });
  }

  /** Whether lost workers are being replaced (this.replacing), starting it if some are lost. */
  private replacementPending(): boolean {
    if (this.replacing === null && this.pool.anyLost) this.replacing = this.replaceLost();
    return this.replacing !== null;
  }

  /**
   * Terminates the lost workers and starts new ones. A thread that stopped responding may still
   * be running: every worker moves to a fresh heap, so nothing it writes can reach a later batch.
   * A replacement that fails to start is left out: the executor goes on with fewer threads.
   */
  private async replaceLost(): Promise<void> {
    const lost = this.pool.dropLost();
    this.replaceHeap(this.heap.buffer.byteLength);
    const { added, error } = await this.pool.add(lost, this.heap.buffer, () => this.closed);
    this.log?.warn("replaced parallel workers that exited or stopped responding", { lost, replaced: added, ...(error ? { error } : {}) });
    this.replacing = null;
  }

  /** Writes the batch's geometry into a fresh heap, and the inputs of its first `first` transactions. */
  private layOut(env: BlockEnv, txs: TxInput[], first: number): void {
    const heap = this.heap;
    const { i32, u8 } = heap;
    heap.reset();
    this.commitNs = 0;
    this.mainParts.layoutNs = this.mainParts.taskNs = this.mainParts.waitNs = 0;
    i32[Control.TIME_PARTS] = this.timeParts ? 1 : 0;
    const n = txs.length;
    // Two 64-byte cache lines per transaction, the table line-aligned: threads working on neighbours share no line.
    const table = (heap.alloc(n * TXN_WORDS + 16) + 15) & ~15;
    let buckets = 1024;
    while (buckets < n * this.bucketsPerTxn) buckets *= 2;
    i32[Control.HASH_TABLE] = heap.alloc(buckets);
    i32[Control.HASH_MASK] = buckets - 1;
    i32[Control.TXN_TABLE] = table;
    i32[Control.N_TXNS] = n;
    i32[Control.LIMIT] = n;
    i32[Control.VAL_IDX] = n; // no validation tasks until commits find stale reads
    i32[Control.GEN] = ++this.gen;
    i32[Control.THREADS] = this.pool.size + 1;
    u8.set(env.coinbase, Control.COINBASE * 4);
    const envAt = heap.allocRaw(BLOCK_ENV_SIZE >> 2) * 4;
    encodeBlockEnv(env, u8, envAt, heap.view);
    i32[Control.ENV_AT] = envAt;
    this.choosePreState();
    this.layOutInputs(txs, 0, first);
  }

  /** Where the workers read the pre-batch state (Control.USE_LMDB, LmdbUse). */
  private choosePreState(): void {
    const lmdb = this.lmdb;
    let use = LmdbUse.None;
    if (lmdb?.isCommitted()) {
      use = LmdbUse.All;
    } else {
      const pending = lmdb?.pendingChanges?.() ?? null;
      if (pending !== null) {
        writePendingChanges(this.heap, pending);
        use = LmdbUse.ExceptPending;
      }
    }
    this.heap.i32[Control.USE_LMDB] = use;
    this.heap.i32[Control.LMDB_VERSION] = use !== LmdbUse.None ? (lmdb!.version?.() ?? -1) : -1;
  }

  /**
   * Links each transaction to its sender's previous one in the batch (prevSameSender) and
   * returns the most transactions any one sender has.
   */
  private linkSenders(txs: TxInput[]): number {
    const n = txs.length;
    if (this.prevSameSender.length < n) this.prevSameSender = new Int32Array(Math.max(n, 2 * this.prevSameSender.length));
    const prev = this.prevSameSender;
    const run = new Int32Array(n);
    // Open addressing over the senders' bytes (each bucket: the sender's latest transaction
    // plus one): this runs before the workers start, so every nanosecond here is wall time.
    let size = 64;
    while (size < 2 * n) size *= 2;
    if (this.lastBySender.length < size) this.lastBySender = new Int32Array(size);
    const last = this.lastBySender;
    last.fill(0, 0, size);
    const mask = size - 1;
    let longest = 0;
    for (let i = 0; i < n; i++) {
      const a = txs[i]!.sender;
      let b = hashAddress(a) & mask;
      while (last[b] !== 0 && !bytesEqual(txs[last[b]! - 1]!.sender, a)) b = (b + 1) & mask;
      const p = last[b]! - 1;
      prev[i] = p + 1;
      run[i] = p < 0 ? 1 : run[p]! + 1;
      if (run[i]! > longest) longest = run[i]!;
      last[b] = i + 1;
    }
    return longest;
  }

  /**
   * Encodes transactions [from, to) into the heap (after the batch's block environment), each
   * with its link to the sender's previous one (linkSenders), and publishes each as laid out
   * (Control.LAID_OUT) once complete.
   */
  private layOutInputs(txs: TxInput[], from: number, to = txs.length, preload = false): void {
    const heap = this.heap;
    const { i32, u8, view } = heap;
    const table = i32[Control.TXN_TABLE]!;
    const prev = this.prevSameSender;
    for (let i = from; i < to; i++) {
      i32[table + i * TXN_WORDS + Txn.PREV_SAME_SENDER] = prev[i]!;
      if (txs[i]!.noValidation) i32[table + i * TXN_WORDS + Txn.FLAGS] = TxnFlags.PaysNothing;
      const at = heap.allocRaw((inputSize(txs[i]!) - BLOCK_ENV_SIZE + 3) >> 2) * 4;
      i32[table + i * TXN_WORDS + Txn.INPUT] = at;
      i32[table + i * TXN_WORDS + Txn.INPUT_FLAGS] = inputFlags(txs[i]!);
      i32[table + i * TXN_WORDS + Txn.INPUT_LEN] = encodeTxBody(txs[i]!, u8, at, view);
      if (preload) {
        this.preloadAccounts(txs, i, i + 1);
        this.serve();
      }
      if ((i & 7) !== 7 && i !== to - 1) continue;
      // Published eight at a time: the workers read the word before every execution, and each
      // store after such a read takes its line back from their core.
      Atomics.store(i32, Control.LAID_OUT, i + 1);
      // A notify costs even with nobody waiting: only when a worker caught up (LAID_OUT_WAITERS).
      if ((i & 15) === 15 && Atomics.load(i32, Control.LAID_OUT_WAITERS) !== 0) Atomics.notify(i32, Control.LAID_OUT);
    }
    if (Atomics.load(i32, Control.LAID_OUT_WAITERS) !== 0) Atomics.notify(i32, Control.LAID_OUT);
  }

  /** Readies the main thread's participant for the batch laid out in the heap. */
  private beginMain(host: MailboxHost): void {
    const { sched, mv, reader, lmdbReader, host: mvHost } = this.main;
    const heap = this.heap;
    const pool = this.pool;
    sched.beginBatch();
    mv.beginBatch();
    reader.host = host;
    // As the workers do: LMDB's rows, kept decoded across batches, beat the state's records.
    mvHost.base = heap.i32[Control.USE_LMDB] === LmdbUse.All && lmdbReader !== null ? lmdbReader : reader;
    mvHost.base.beginBatch();
    this.serve = () => pool.serveRequests(heap, host);
    mvHost.whileWaiting = pool.size > 0 ? this.serve : null;
    // Without LMDB every worker read the batch has not seen yet waits for the main thread:
    // it answers between the reads of its own executions too.
    mvHost.poll = pool.size > 0 && heap.i32[Control.USE_LMDB] !== LmdbUse.All ? this.serve : null;
  }

  /** Loads the pre-batch accounts of txs[from, to)'s senders and recipients into the store. */
  private preloadAccounts(txs: TxInput[], from: number, to: number): void {
    const mvHost = this.main.host;
    for (let i = from; i < to; i++) {
      mvHost.preload(txs[i]!.sender);
      const recipient = txs[i]!.to;
      if (recipient !== null) mvHost.preload(recipient);
    }
  }

  /**
   * The main thread's part of a batch: commit every transaction as soon as it is final, in
   * order, and run Block-STM tasks in between. Returns the committed prefix's results (all of
   * [0, LIMIT) unless the attempt failed).
   */
  private runMain(env: BlockEnv, txs: TxInput[], state: BatchState): ExecResult[] {
    const { sched, host: mvHost, ex } = this.main;
    const heap = this.heap;
    const { i32, u8 } = heap;
    const timed = i32[Control.TIME_PARTS] === 1;
    const parts = this.mainParts;
    const serve = this.serve;
    const results: ExecResult[] = [];
    const task = new Task();
    const check = new Task();
    let spins = 0;
    /** When the main thread started waiting with nothing moving (0: it is not waiting). */
    let stalledSince = 0;
    /** A coinbase credit not applied yet (a later one will supersede it), and whether one was. */
    let pendingCredit: AccountChange | null = null;
    let credited = false;
    /** Commits that found stale reads (and re-executed the transaction here). */
    let stale = 0;
    /** Transactions of the current window that could not run alongside their predecessors (Txn.NEIGHBOUR). */
    let chained = 0;
    try {
      // Credits change the coinbase in the state without any execution reading it first.
      mvHost.preload(env.coinbase);
      const credit = new CoinbaseCredit(env, state);
      const table = i32[Control.TXN_TABLE]!;
      const committed = this.committed;
      committed.begin(i32);
      // Txn.STORAGELESS describes the pre-batch state the workers read: passed on when that is LMDB's.
      const fromLmdb = i32[Control.USE_LMDB] === LmdbUse.All;
      const runsUntil = sched.limit - MAIN_RUN * i32[Control.THREADS]!;
      /** Tasks run since the last commit pass. */
      let run = 0;
      for (;;) {
        // Observed before the mailboxes are polled: a request made after the poll bumps WAKE,
        // so sleeping on this value below cannot miss it.
        const wake = sched.wakeCounter;
        serve();
        if (run > 0 && run < MAIN_RUN && task.kind === TaskKind.None) sched.nextTask(task);
        const another = run > 0 && run < MAIN_RUN && task.kind !== TaskKind.None && task.txn < runsUntil;
        if (!another) run = 0;
        // Commit what is final, in order.
        let next = results.length;
        let c0 = 0;
        while (!another && next < sched.limit) {
          const s = sched.status(next);
          if ((s & 3) !== TxnStatus.Executed) break;
          if (c0 === 0 && timed) c0 = Bun.nanoseconds();
          const inc = s >>> INC_SHIFT;
          const e = table + next * TXN_WORDS;
          // A plain read: the status only decides whether to prefetch.
          if (next + 1 < sched.limit && (i32[e + TXN_WORDS + Txn.STATUS]! & 3) === TxnStatus.Executed) this.touch(e + TXN_WORDS);
          // Every lower transaction is final: if this one read what they left, so is it.
          if (!ex.readsHoldAtCommit(next, committed)) {
            // Stale: abort and re-execute it here. Once that is more than a rare event, let
            // validation tasks find the next ones early, while the threads can still re-execute
            // them in parallel.
            if (++stale >= 2 && stale * STALE_SHARE >= next && !sched.validating) sched.startValidating(next + 1);
            check.kind = TaskKind.Validate;
            check.txn = next;
            check.incarnation = inc;
            // conclude() and run() leave the next task in `check` (TaskKind.None: none).
            ex.conclude(check, false);
            while ((check.kind as TaskKind) !== TaskKind.None) ex.run(check, false);
            break;
          }
          if (!sched.tryCommit(next, inc)) break;
          committed.add(next, inc, i32[e + Txn.WRITES]!);
          const at = i32[e + Txn.OUTPUT]!;
          const r = decodeOutput(u8, at, heap.view);
          // Plain: tryCommit's compare-and-swap orders this after the loads of every record this transaction wrote.
          if (r.status !== ExecStatus.Invalid && i32[Control.FROM_DISK] !== 0) primeWrites(heap, i32[e + Txn.WRITES]!, state, fromLmdb);
          const storageless = fromLmdb ? i32[e + Txn.STORAGELESS]! : 0;
          if (i32[e + Txn.OUTPUT_DEFERRED]) {
            // A deferred run never changes the coinbase itself: its own changes go first, then
            // the tip credit() adds (none to an invalid result).
            if (r.status !== ExecStatus.Invalid && r.accounts.length > 0) state.apply(r.accounts, storageless);
            const own = r.accounts.length;
            const owed = owedTip(heap, e);
            if (owed !== null) credit.credit(r, owed);
            const tip = own < r.accounts.length ? r.accounts[own]! : null;
            if (tip !== null && !tip.deleted && credited) {
              // Only the latest of consecutive credits needs applying: it holds the coinbase's whole account.
              pendingCredit = tip;
            } else if (tip !== null) {
              if (pendingCredit !== null) state.apply([pendingCredit]);
              pendingCredit = null;
              state.apply([tip]);
              credited = true;
            }
          } else {
            credit.observe(r);
            if (pendingCredit !== null) state.apply([pendingCredit]);
            pendingCredit = null;
            if (r.status !== ExecStatus.Invalid) state.apply(r.accounts, storageless);
          }
          results.push(r);
          if (mvHost.poll !== null) serve(); // a long run of commits must not keep a worker waiting
          chained += i32[e + Txn.NEIGHBOUR]!;
          next++;
          spins = 0;
          stalledSince = 0;
          if (next % CHAIN_WINDOW === 0) {
            if (chained >= CHAIN_WINDOW * CHAIN_SHARE && next < sched.limit) sched.lowerLimit(next, FallbackReason.Chain);
            chained = 0;
          }
        }
        if (c0 !== 0) this.commitNs += Bun.nanoseconds() - c0;
        if (next >= sched.limit || i32[Control.FAIL]! !== FailReason.None) break;
        if (task.kind === TaskKind.None) {
          if (!sched.nextTask(task)) {
            // Nothing to hand out: the transaction to commit next is running elsewhere. Spin a
            // little, then sleep until it finishes (or new work appears).
            if (++spins > 64) {
              Atomics.store(i32, Control.MAIN_WAIT, next + 1);
              const w0 = timed ? Bun.nanoseconds() : 0;
              if ((sched.status(next) & 3) !== TxnStatus.Executed && !sched.hasWork) sched.idle(wake, 1);
              if (timed) parts.waitNs += Bun.nanoseconds() - w0;
              Atomics.store(i32, Control.MAIN_WAIT, 0);
              if (stalledSince === 0) stalledSince = performance.now();
              else if (performance.now() - stalledSince > this.stallMs) {
                // The thread running transaction `next` is gone (or hopelessly slow): the rest runs serially.
                Atomics.compareExchange(i32, Control.FAIL, FailReason.None, FailReason.WorkerStalled);
                break;
              }
            }
            continue;
          }
        }
        stalledSince = 0;
        if (task.txn >= sched.limit) {
          task.kind = TaskKind.None;
          continue;
        }
        parts.taskNs += ex.run(task, timed);
        run++;
      }
    } catch (err) {
      this.mainSuspect = true;
      this.reloadMainCore();
      if (err instanceof WorkerStalledError) Atomics.compareExchange(i32, Control.FAIL, FailReason.None, FailReason.WorkerStalled);
      else if (!(err instanceof HeapFullError)) {
        Atomics.compareExchange(i32, Control.FAIL, FailReason.None, FailReason.WorkerError);
        throw err;
      }
    }
    if (pendingCredit !== null) state.apply([pendingCredit]);
    return results;
  }

  /**
   * Reads a word of every cache line the commit of the executed transaction at table entry `e`
   * will read (its read set, write set and output), one commit ahead. Another thread wrote them:
   * each line is a miss here, and touched together the misses overlap, where the commit would
   * take them one at a time as it goes (about 0.4 us a transfer on the 2-core VM).
   */
  private touch(e: number): void {
    const i32 = this.heap.i32;
    const last = i32.length - 1;
    const output = i32[e + Txn.OUTPUT]! >> 2;
    let sink = i32[Math.min(last, i32[e + Txn.READS]!)]! | i32[Math.min(last, i32[e + Txn.WRITES]!)]!;
    for (let w = output, end = Math.min(last, output + TOUCHED_OUTPUT_WORDS); w < end; w += 16) sink |= i32[w]!;
    this.touched = sink;
  }

  /**
   * The committed prefix, then the serial tail (if any), and the batch's statistics but for the
   * workers' counters (settle() adds them).
   */
  private finish(env: BlockEnv, txs: TxInput[], state: BatchState, results: ExecResult[], t0: number): ExecResult[] {
    const i32 = this.heap.i32;
    const n = txs.length;
    const committed = results.length;
    const table = i32[Control.TXN_TABLE]!;
    const incarnations = new Uint16Array(n);
    for (let i = 0; i < committed; i++) incarnations[i] = i32[table + i * TXN_WORDS + Txn.EXECUTIONS]!;
    executeInOrder(this.core, env, txs, committed, state, results);
    incarnations.fill(1, committed);
    const fail = i32[Control.FAIL]!;
    let fallback: string | null = null;
    if (fail !== FailReason.None) fallback = FAIL_NAMES[fail]!;
    else if (committed < n) fallback = FALLBACK_NAMES[i32[Control.LIMIT_REASON]!]!;
    this.stats = {
      txs: n,
      mode: "parallel",
      executions: n,
      validations: 0,
      validationAborts: 0,
      dependencyWaits: 0,
      serialTail: n - committed,
      fallback,
      incarnations,
      commitNs: this.commitNs,
      parts: i32[Control.TIME_PARTS]
        ? { mainLayoutNs: this.mainParts.layoutNs, mainTaskNs: this.mainParts.taskNs, mainWaitNs: this.mainParts.waitNs, workerTaskNs: 0, workerWaitNs: 0 }
        : null,
      preState: PRE_STATE_NAMES[i32[Control.USE_LMDB] as LmdbUse],
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
    const limit = this.lastStats.txs - this.lastStats.serialTail;
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
    const results: ExecResult[] = [];
    executeInOrder(this.core, env, txs, 0, state, results);
    this.stats = {
      txs: n,
      mode: "serial",
      executions: n,
      validations: 0,
      validationAborts: 0,
      dependencyWaits: 0,
      serialTail: 0,
      fallback: why,
      incarnations: new Uint16Array(n).fill(1),
      commitNs: 0,
      parts: null,
      preState: null,
      wallNs: Bun.nanoseconds() - t0,
    };
    this.chooser?.record(n, "serial", this.stats.wallNs);
    return results;
  }

  /**
   * Sizes the next batch's hash table from this one's records per transaction: BUCKETS_PER_RECORD
   * buckets a record, never below MIN_BUCKETS_PER_TXN, and at most halving per batch, so that a
   * batch heavier than the last still fits (the table counts as full at three quarters); at least
   * doubling after a batch that `filled` it.
   */
  private sizeTable(recordsPerTxn: number, filled: boolean): void {
    const want = Math.max(MIN_BUCKETS_PER_TXN, Math.ceil(BUCKETS_PER_RECORD * recordsPerTxn));
    const bound = filled ? this.bucketsPerTxn * 2 : this.bucketsPerTxn >> 1;
    this.bucketsPerTxn = Math.min(MAX_BUCKETS_PER_TXN, Math.max(want, bound));
  }

  /** Doubles the heap for the next batch. */
  private grow(): void {
    const bytes = Math.min(this.heap.buffer.byteLength * 2, MAX_HEAP_BYTES);
    if (bytes !== this.heap.buffer.byteLength) this.replaceHeap(bytes);
  }

  /** Moves the main thread and every worker to a new heap of `bytes` for the next batch. */
  private replaceHeap(bytes: number): void {
    this.heap = SharedHeap.create(bytes);
    this.buildMain();
    this.pool.moveTo(this.heap.buffer);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.settle();
    this.closed = true;
    this.pool.close();
    this.main.lmdbReader?.close();
  }
}

/**
 * The core the main thread runs its Block-STM tasks on, one per module for every executor in
 * the process: main-thread execution never interleaves (it is synchronous), and every extra
 * WebAssembly instance costs memory (past a few, engines fall back to slower bounds-checked
 * memories). `fresh` replaces it after an execution was unwound mid-transaction.
 */
const mainCores = new Map<WebAssembly.Module, Promise<EvmCore>>();
function mainThreadCore(module: WebAssembly.Module, fresh: boolean): Promise<EvmCore> {
  let core = fresh ? undefined : mainCores.get(module);
  if (core === undefined) {
    core = EvmCore.load("wasm", module);
    mainCores.set(module, core);
  }
  return core;
}

/** The batch state as the mailbox serves it, with the best slot count the state can give. */
function mailboxHost(state: BatchState): MailboxHost {
  const s = state as BatchState & {
    accountRecord?(a: Uint8Array): { nonce: bigint; balance: bigint; codeHash: Uint8Array; slotCount: number } | undefined;
    code?(codeHash: Uint8Array): Uint8Array;
  };
  // A state with account records (StateDb) gives the account and its slot count in one read.
  const account: MailboxHost["account"] =
    !state.slotCount && s.accountRecord && s.code
      ? (a) => {
          const r = s.accountRecord!(a);
          if (r === undefined) return undefined;
          return { nonce: r.nonce, balance: r.balance, codeHash: r.codeHash, code: s.code!(r.codeHash), hasStorage: r.slotCount > 0, slotCount: r.slotCount };
        }
      : (a) => state.account(a);
  return {
    account,
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
