// A parallel-execution worker: its own instance of the WASM core (from the module the main
// thread compiled once), the shared heap, and the Block-STM loop. Messages cross only per
// batch ("run" in, "finished" out) and for the rare pre-state read the main thread serves;
// everything per transaction goes through shared memory and Atomics.
import type { BlockEnv } from "../exec/abi";
import { EvmCore } from "../exec/core";
import { LmdbBaseReader, MailboxBaseReader, type BaseReader, type LmdbBaseConfig } from "./base-reader";
import { Control, FailReason } from "./control-layout";
import { HeapFullError, SharedHeap } from "./heap";
import { MvHost } from "./mv-host";
import { VersionedReads } from "./mv-reads";
import { HeapBatch } from "./batch-view";
import { MvStore } from "./mv-store";
import { Scheduler } from "./scheduler";
import { TxnExecutor, type WorkerStats } from "./txn-executor";
import { Task, TaskKind } from "./types";

declare const self: Worker;

/** Messages from the main thread. */
export type ToWorker =
  | { type: "init"; id: number; module: WebAssembly.Module; heap: SharedArrayBuffer; mailbox: SharedArrayBuffer; lmdb: LmdbBaseConfig | null }
  | { type: "heap"; heap: SharedArrayBuffer }
  | { type: "run"; env: BlockEnv; useLmdb: boolean };

/** Messages to the main thread. */
export type FromWorker =
  | { type: "ready"; id: number }
  | { type: "miss"; id: number }
  | { type: "finished"; id: number; stats: WorkerStats; error: string | null };

let id = 0;
let module: WebAssembly.Module;
let mailbox: SharedArrayBuffer;
let lmdbConfig: LmdbBaseConfig | null = null;
let core: EvmCore;
let coreSuspect = false;
const codeCache = new Map<string, Uint8Array>();
let parts: {
  heap: SharedHeap;
  sched: Scheduler;
  mv: MvStore;
  batch: HeapBatch;
  mailboxReader: BaseReader;
  lmdbReader: BaseReader | null;
  build(base: BaseReader): TxnExecutor;
};

function assemble(buffer: SharedArrayBuffer): void {
  const heap = new SharedHeap(buffer);
  const sched = new Scheduler(heap);
  const mv = new MvStore(heap);
  const batch = new HeapBatch(heap, sched);
  const mailboxReader = new MailboxBaseReader(heap, mailbox, () => self.postMessage({ type: "miss", id } satisfies FromWorker), codeCache);
  const lmdbReader = lmdbConfig ? new LmdbBaseReader(heap, lmdbConfig, mailboxReader, codeCache) : null;
  const executors = new Map<BaseReader, TxnExecutor>();
  parts = {
    heap, sched, mv, batch, mailboxReader, lmdbReader,
    build(base) {
      let ex = executors.get(base);
      if (ex === undefined) {
        const versions = new VersionedReads(heap, mv, sched, batch);
        const host = new MvHost(heap, mv, versions, base);
        executors.set(base, (ex = new TxnExecutor(heap, mv, sched, versions, host, core, batch)));
      }
      return ex;
    },
  };
}

function run(env: BlockEnv, useLmdb: boolean): FromWorker {
  const { heap, sched, mv, batch } = parts;
  const base = useLmdb && parts.lmdbReader ? parts.lmdbReader : parts.mailboxReader;
  const ex = parts.build(base);
  heap.beginBatch();
  sched.beginBatch();
  mv.beginBatch();
  base.beginBatch();
  batch.begin(env, heap.i32[Control.N_TXNS]!);
  ex.beginBatch();
  const task = new Task();
  let error: string | null = null;
  try {
    for (;;) {
      if (task.kind === TaskKind.None) {
        const wake = sched.wakeCounter;
        if (sched.nextTask(task)) continue;
        if (sched.done) break;
        // Sleep only when nothing is left to hand out; otherwise the next index may be ready now.
        if (!sched.hasWork) sched.idle(wake, 1);
        continue;
      }
      if (task.txn >= sched.limit) {
        Atomics.sub(heap.i32, Control.ACTIVE, 1);
        task.kind = TaskKind.None;
        continue;
      }
      if (task.kind === TaskKind.Execute) ex.execute(task);
      else ex.validate(task);
      if (sched.done) break;
    }
  } catch (err) {
    // The core may have been unwound mid-transaction: replace it before the next batch.
    coreSuspect = true;
    if (!(err instanceof HeapFullError)) {
      error = String((err as Error)?.stack ?? err);
      Atomics.compareExchange(heap.i32, Control.FAIL, FailReason.None, FailReason.WorkerError);
    }
    sched.wake();
  }
  Atomics.add(heap.i32, Control.FINISHED, 1);
  return { type: "finished", id, stats: { ...ex.stats }, error };
}

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.type) {
    case "init":
      id = m.id;
      module = m.module;
      mailbox = m.mailbox;
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
      self.postMessage(run(m.env, m.useLmdb));
      break;
  }
};
