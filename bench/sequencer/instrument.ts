// Finer timers for the in-process sequencer, on top of Sequencer.times: wraps a few synchronous
// methods of the running instance (and BlockBuilder's prototype) to add up their time. Read-only
// with respect to behaviour; a method that is missing (the code moved on) is simply not timed.
import { BlockBuilder } from "../../src/sequencer/block-builder";
import type { RunningSequencer } from "../../src/sequencer/start";

export interface SyncTimes {
  /** EvmCore.execute: the WASM core, per transaction. */
  coreNs: number;
  /** State view apply of each transaction's account changes. */
  applyNs: number;
  /** TxPool.next: choosing each mini-block's transactions. */
  poolNextNs: number;
  /** StateDb.computeStateRoot: trie hashing (every commit and every seal). */
  stateRootNs: number;
  /** StateDb.commit's synchronous part, less its state root: encoding and queueing the write. */
  commitSyncNs: number;
  /** BlockBuilder.add: receipts and blooms. */
  receiptNs: number;
  /** BlockBuilder.seal: header with transactions and receipts tries. */
  blockTriesNs: number;
  /** Sequencer listeners (the node's miniBlock/newHeads/logs feeds: formatting and WebSocket sends). */
  listenersNs: number;
  /** Main-thread side of sender recovery: packing a batch for the worker, or recovering inline. */
  recoveryDispatchNs: number;
}

type AnyFn = (...args: any[]) => any;

/** Count, total and longest duration of an async step (wall, until its promise settles). */
export interface Pauses {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Durations of every call, for percentiles. */
  all: number[];
}

export const newPauses = (): Pauses => ({ count: 0, totalMs: 0, maxMs: 0, all: [] });

function wrapAsync(obj: any, method: string, get: () => Pauses): boolean {
  if (!obj || typeof obj[method] !== "function") return false;
  const orig: AnyFn = obj[method];
  obj[method] = function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    const note = () => {
      const p = get();
      const ms = performance.now() - t0;
      p.count++;
      p.totalMs += ms;
      if (ms > p.maxMs) p.maxMs = ms;
      if (p.all.length < 100_000) p.all.push(ms);
    };
    const r = orig.apply(this, args);
    // produceMiniBlock resolves null when the pool had nothing: not a mini-block.
    if (r && typeof r.then === "function") r.then((v: unknown) => v !== null && note(), note);
    else note();
    return r;
  };
  return true;
}

function wrap(obj: any, method: string, onTime: (ns: number) => void): boolean {
  if (!obj || typeof obj[method] !== "function") return false;
  const orig: AnyFn = obj[method];
  obj[method] = function (this: unknown, ...args: unknown[]) {
    const t0 = Bun.nanoseconds();
    try {
      return orig.apply(this, args);
    } finally {
      onTime(Bun.nanoseconds() - t0);
    }
  };
  return true;
}

/** Installs the timers; returns the live counters and which ones could not be installed. */
export function instrument(running: RunningSequencer): {
  times: SyncTimes;
  missing: string[];
  /** Replaced by the caller per phase: every mini-block and seal, start to durable. */
  steps: { miniBlocks: Pauses; seals: Pauses };
} {
  const steps = { miniBlocks: newPauses(), seals: newPauses() };
  const times: SyncTimes = {
    coreNs: 0,
    applyNs: 0,
    poolNextNs: 0,
    stateRootNs: 0,
    commitSyncNs: 0,
    receiptNs: 0,
    blockTriesNs: 0,
    listenersNs: 0,
    recoveryDispatchNs: 0,
  };
  const missing: string[] = [];
  const seq: any = running.sequencer;
  const stateDb = seq.store?.store?.state; // LmdbSequencerStore → ChainStore → StateDb
  if (!wrap(seq.core, "execute", (ns) => (times.coreNs += ns))) missing.push("core.execute");
  if (!wrap(seq.store?.state, "apply", (ns) => (times.applyNs += ns))) missing.push("state.apply");
  if (!wrap(seq.pool, "next", (ns) => (times.poolNextNs += ns))) missing.push("pool.next");
  if (!wrap(stateDb, "computeStateRoot", (ns) => (times.stateRootNs += ns))) missing.push("StateDb.computeStateRoot");
  // commit() calls computeStateRoot() itself: count only the rest.
  let rootBefore = 0;
  if (stateDb && typeof stateDb.commit === "function") {
    const orig: AnyFn = stateDb.commit;
    stateDb.commit = function (this: unknown, ...args: unknown[]) {
      rootBefore = times.stateRootNs;
      const t0 = Bun.nanoseconds();
      try {
        return orig.apply(this, args);
      } finally {
        times.commitSyncNs += Bun.nanoseconds() - t0 - (times.stateRootNs - rootBefore);
      }
    };
  } else missing.push("StateDb.commit");
  // Listeners registered from now on (the RPC server subscribes to the node when a client does).
  if (typeof seq.on === "function") {
    const on: AnyFn = seq.on;
    seq.on = function (this: unknown, listener: Record<string, AnyFn>) {
      const timed: Record<string, AnyFn> = {};
      for (const [k, fn] of Object.entries(listener)) {
        timed[k] = (...args: unknown[]) => {
          const t0 = Bun.nanoseconds();
          try {
            return fn(...args);
          } finally {
            times.listenersNs += Bun.nanoseconds() - t0;
          }
        };
      }
      return on.call(this, timed);
    };
  } else missing.push("sequencer.on");
  const recovery = seq.recovery; // RecoveryBatcher: { sync, pool }
  if (!wrap(recovery?.sync, "recover", (ns) => (times.recoveryDispatchNs += ns))) missing.push("recovery.sync.recover");
  if (recovery?.pool && !wrap(recovery.pool, "recoverAsync", (ns) => (times.recoveryDispatchNs += ns))) missing.push("recovery.pool.recoverAsync");
  if (!wrapAsync(seq, "produceMiniBlock", () => steps.miniBlocks)) missing.push("sequencer.produceMiniBlock");
  if (!wrapAsync(seq, "seal", () => steps.seals)) missing.push("sequencer.seal");
  const proto: any = BlockBuilder.prototype;
  if (!proto.__benchWrapped) {
    proto.__benchWrapped = true;
    wrap(proto, "add", (ns) => (current?.receiptNs !== undefined ? (current.receiptNs += ns) : 0));
    wrap(proto, "seal", (ns) => (current?.blockTriesNs !== undefined ? (current.blockTriesNs += ns) : 0));
  }
  current = times;
  return { times, missing, steps };
}

// BlockBuilder is wrapped once per process; its timers feed the latest instrumented sequencer.
let current: SyncTimes | null = null;
