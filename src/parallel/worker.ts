// A parallel-execution worker: its own instance of the WASM core (from the module the main
// thread compiled once), the shared heap, and the Block-STM loop. Between batches the worker
// spins on its doorbell (mailbox-layout.ts) for PARK_SPIN_MS, then parks on it for PARK_MS, so
// a batch that follows soon starts with a futex wake rather than a message (one that follows at
// once, with neither; one due at the pace of the last ones, spinning: PREWAKE_MS), and the main
// thread nudges it awake as it starts preparing the batch, so that the wake overlaps the
// preparation; after that it goes back to its event loop and the next batch comes as a "run"
// message. Everything per transaction, and each batch's counters, go through shared memory
// (pre-state reads the main thread serves included); messages cross only for setup and heap
// growth.
import { EvmCore } from "../exec/core";
import { ExceptPendingReader, LmdbBaseReader, MailboxBaseReader, type BaseReader, type LmdbBaseConfig } from "./base-reader";
import { Control, FailReason, LmdbUse } from "./control-layout";
import { HeapFullError, SharedHeap } from "./heap";
import { Doorbell, Mailbox, MAILBOX_ERROR_BYTES, STATS_FIELDS } from "./mailbox-layout";
import { MvHost } from "./mv-host";
import { VersionedReads } from "./mv-reads";
import { MvStore } from "./mv-store";
import { Scheduler, spinWhile, wakeSleepers } from "./scheduler";
import { TxnExecutor } from "./txn-executor";
import { Task, TaskKind } from "./types";

declare const self: Worker;

/** Messages from the main thread. */
export type ToWorker =
  | { type: "init"; id: number; module: WebAssembly.Module; heap: SharedArrayBuffer; mailbox: SharedArrayBuffer; lmdb: LmdbBaseConfig | null }
  | { type: "heap"; heap: SharedArrayBuffer }
  | { type: "run" };

/** Messages to the main thread. */
export type FromWorker = { type: "ready"; id: number };

/**
 * How long a worker stays parked on its doorbell after a batch. Long enough to outlast a run of
 * serial batches (--parallel-mode auto re-tries Block-STM every 16): a batch that has to wake a
 * worker by message starts late and makes Block-STM look slower than it is. Parked costs no CPU;
 * growing the heap and closing send the worker away at once.
 */
const PARK_MS = 1000;
/**
 * How long a worker spins on its doorbell before it parks: batches that come back to back (a
 * busy sequencer, the bench) then start on the worker within a few microseconds of the ring,
 * not after a futex wake-up (about 50 us on the 2-core VM: 2% of a batch of 1,000 transfers).
 * Paired blocks of 10 batches: transfers 1.1% and 1.6%, ERC-20 transfers 1.5% faster.
 */
const PARK_SPIN_MS = 0.3;

let id = 0;
let module: WebAssembly.Module;
let mailbox: SharedArrayBuffer;
let mb: Int32Array;
let lmdbConfig: LmdbBaseConfig | null = null;
let core: EvmCore;
let coreSuspect = false;
const codeCache = new Map<string, Uint8Array>();
let parts: {
  heap: SharedHeap;
  sched: Scheduler;
  mv: MvStore;
  mailboxReader: BaseReader;
  lmdbReader: BaseReader | null;
  exceptPendingReader: BaseReader | null;
  build(base: BaseReader): TxnExecutor;
};

function assemble(buffer: SharedArrayBuffer): void {
  const heap = new SharedHeap(buffer);
  const sched = new Scheduler(heap);
  const mv = new MvStore(heap);
  const mailboxReader = new MailboxBaseReader(heap, mailbox, codeCache);
  const lmdbReader = lmdbConfig ? new LmdbBaseReader(heap, lmdbConfig, mailboxReader, codeCache) : null;
  const exceptPendingReader = lmdbReader ? new ExceptPendingReader(heap, lmdbReader, mailboxReader) : null;
  const executors = new Map<BaseReader, TxnExecutor>();
  parts = {
    heap, sched, mv, mailboxReader, lmdbReader, exceptPendingReader,
    build(base) {
      let ex = executors.get(base);
      if (ex === undefined) {
        const versions = new VersionedReads(heap, mv, sched);
        const host = new MvHost(heap, mv, versions, base);
        executors.set(base, (ex = new TxnExecutor(heap, mv, sched, versions, host, core)));
      }
      return ex;
    },
  };
}

/**
 * Runs the batch laid out in the heap; its counters and any error go to the mailbox. Whatever
 * throws, the worker reports itself finished: the main thread waits for every worker.
 */
function runBatch(): void {
  const i32 = parts.heap.i32;
  let error: string | null = null;
  let ex: TxnExecutor | null = null;
  try {
    const use = i32[Control.USE_LMDB] as LmdbUse;
    const base = (use === LmdbUse.All ? parts.lmdbReader : use === LmdbUse.ExceptPending ? parts.exceptPendingReader : null) ?? parts.mailboxReader;
    ex = parts.build(base);
    runTasks(ex, base);
  } catch (err) {
    // The core may have been unwound mid-transaction: replace it before the next batch.
    coreSuspect = true;
    if (!(err instanceof HeapFullError)) {
      error = String((err as Error)?.stack ?? err);
      Atomics.compareExchange(i32, Control.FAIL, FailReason.None, FailReason.WorkerError);
    }
  } finally {
    STATS_FIELDS.forEach((f, k) => (mb[Mailbox.STATS + k] = ex?.stats[f] ?? 0));
    const bytes = new TextEncoder().encode(error ?? "").subarray(0, MAILBOX_ERROR_BYTES);
    new Uint8Array(mailbox).set(bytes, Mailbox.ERROR * 4);
    mb[Mailbox.ERROR_LEN] = bytes.length;
    mb[Mailbox.FINISHED_GEN] = i32[Control.GEN]!;
    parts.mv.endBatch();
    // Parked before finished: once the main thread sees every worker finished, it may ring.
    Atomics.store(mb, Mailbox.DOORBELL, coreSuspect ? Doorbell.Away : Doorbell.Parked);
    Atomics.add(i32, Control.FINISHED, 1);
    wakeSleepers(i32);
  }
}

/**
 * How long a worker out of work spins before it sleeps: long enough to see most batches end
 * without a futex wake-up. With the main thread also spinning for the workers' reports, the end
 * of a batch (DONE to the last report) went from 60-190 to 6-25 us on 2 cores; paired runs:
 * plain transfers 0-6% faster, ERC-20 transfers -0.5% to +1.8% (noise).
 */
const END_SPIN_MS = 0.25;

/** Runs Block-STM tasks on `ex` (reading the pre-batch state through `base`) until the batch is done. */
function runTasks(ex: TxnExecutor, base: BaseReader): void {
  const { heap, sched, mv } = parts;
  heap.beginBatch();
  sched.beginBatch();
  mv.beginBatch();
  base.beginBatch();
  ex.beginBatch();
  const task = new Task();
  const timed = heap.i32[Control.TIME_PARTS] === 1;
  const stats = ex.stats;
  for (;;) {
    if (task.kind === TaskKind.None) {
      const wake = sched.wakeCounter;
      if (sched.nextTask(task)) continue;
      if (sched.done) break;
      // Sleep only when nothing is left to hand out; otherwise the next index may be ready now.
      if (!sched.hasWork) {
        const t0 = timed ? Bun.nanoseconds() : 0;
        // Out of work means the batch's end, where the main thread is finishing its commits.
        sched.idle(wake, 1, END_SPIN_MS);
        if (timed) stats.waitUs += (Bun.nanoseconds() - t0) / 1000;
      }
      continue;
    }
    if (task.txn >= sched.limit) {
      task.kind = TaskKind.None;
      continue;
    }
    stats.taskUs += ex.run(task, timed) / 1000;
    if (sched.done) break;
  }
}

/**
 * Batches that come at a steady pace (the sequencer's mini-blocks) are met spinning: a worker
 * that took its last two batches less than PREWAKE_MAX_INTERVAL_MS apart sleeps only until
 * PREWAKE_MS before the next is due, then spins until PREWAKE_MS after. The ring then finds it
 * running, so neither the main thread's futex wake (10-20 us of its time on the 2-core VM) nor
 * the worker's wake-up (20-60 us, milliseconds in the VM's slow spells) delays the batch. The
 * spin costs at most 2 * PREWAKE_MS of a core per interval.
 */
const PREWAKE_MS = 0.25;
const PREWAKE_MAX_INTERVAL_MS = 50;
/** When this worker took its last batch (performance.now()), and the interval before it. */
let lastTaken = -Infinity;
let interval = Infinity;
/** Whether the next batch's due time was spun through already (or is unknown). */
let dueSpent = true;

function took(): void {
  const now = performance.now();
  interval = now - lastTaken;
  lastTaken = now;
  dueSpent = interval > PREWAKE_MAX_INTERVAL_MS;
}

/** Runs batches for as long as the doorbell rings within PARK_MS of the last one. */
function park(): void {
  while (Atomics.load(mb, Mailbox.DOORBELL) !== Doorbell.Away) {
    spinWhile(mb, Mailbox.DOORBELL, Doorbell.Parked, PARK_SPIN_MS);
    const lead = dueSpent ? 0 : lastTaken + interval - PREWAKE_MS - performance.now();
    dueSpent = true;
    if (lead > 0) {
      if (Atomics.wait(mb, Mailbox.DOORBELL, Doorbell.Parked, lead) === "timed-out") spinWhile(mb, Mailbox.DOORBELL, Doorbell.Parked, 2 * PREWAKE_MS);
      // Nudged, or not rung in time: park as usual.
      if (Atomics.load(mb, Mailbox.DOORBELL) === Doorbell.Parked) continue;
    } else {
      // Woken while still parked: nudged (WorkerPool.nudge), a batch is being laid out.
      if (Atomics.wait(mb, Mailbox.DOORBELL, Doorbell.Parked, PARK_MS) === "ok" && Atomics.load(mb, Mailbox.DOORBELL) === Doorbell.Parked) continue;
      // Leave unless rung; the main thread may also have sent the worker away (a new heap).
      if (Atomics.compareExchange(mb, Mailbox.DOORBELL, Doorbell.Parked, Doorbell.Away) !== Doorbell.Rung) return;
    }
    // Taking the batch races the main thread withdrawing it (WorkerPool.withdraw).
    if (Atomics.compareExchange(mb, Mailbox.DOORBELL, Doorbell.Rung, Doorbell.Taken) !== Doorbell.Rung) continue;
    took();
    runBatch();
  }
}

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.type) {
    case "init":
      id = m.id;
      module = m.module;
      mailbox = m.mailbox;
      mb = new Int32Array(mailbox);
      lmdbConfig = m.lmdb;
      core = await EvmCore.load("wasm", module);
      assemble(m.heap);
      self.postMessage({ type: "ready", id } satisfies FromWorker);
      break;
    case "heap":
      assemble(m.heap);
      break;
    case "run":
      if (coreSuspect) {
        core = await EvmCore.load("wasm", module);
        coreSuspect = false;
        assemble(parts.heap.buffer);
      }
      took();
      runBatch();
      park();
      break;
  }
};
