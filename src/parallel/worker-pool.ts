// The Bun workers of a ParallelExecutor: started on the shared heap, rung for each batch (or sent
// a message when they went back to their event loop), waited for at the batch's end while their
// pre-state reads are served, and replaced when one exits or stops answering. What each worker
// does with a batch is worker.ts.
import { type LmdbBaseConfig, type MailboxHost, serveMailbox } from "./base-reader";
import { Control } from "./control-layout";
import type { SharedHeap } from "./heap";
import { Doorbell, Mailbox, MAILBOX_WORDS, MailboxState, STATS_FIELDS } from "./mailbox-layout";
import { sleepOnWake } from "./scheduler";
import type { WorkerStats } from "./txn-executor";
import type { FromWorker, ToWorker } from "./worker";

export interface PoolWorker {
  worker: Worker;
  mailbox: SharedArrayBuffer;
  mb: Int32Array;
  /** The thread exited, or stopped answering (stallTimeoutMs): replaced before the next batch. */
  lost: boolean;
}

/** What the workers reported at the end of a batch (lost ones left out). */
export interface PoolReport {
  workers: WorkerStats[];
  errors: string[];
}

export class WorkerPool {
  private constructor(
    private workers: PoolWorker[],
    private nextId: number,
    private readonly module: WebAssembly.Module,
    private readonly lmdb: LmdbBaseConfig | null,
  ) {
    for (const w of workers) watch(w);
  }

  /** Starts `n` workers on `heap` and waits until each has loaded its core. */
  static async start(n: number, module: WebAssembly.Module, heap: SharedArrayBuffer, lmdb: LmdbBaseConfig | null): Promise<WorkerPool> {
    const spawned = Array.from({ length: n }, (_, id) => spawnWorker(id, module, heap, lmdb));
    await Promise.all(spawned.map((s) => s.ready));
    return new WorkerPool(spawned.map((s) => s.w), n, module, lmdb);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Whether a worker exited or stopped answering (dropLost, then add, replace it). */
  get anyLost(): boolean {
    return this.workers.some((w) => w.lost);
  }

  /**
   * Wakes each parked worker without ringing: it spins on its doorbell again (worker.ts park), so
   * the ring that follows within PARK_SPIN_MS finds it running rather than asleep on a futex.
   */
  nudge(): void {
    for (const w of this.workers) Atomics.notify(w.mb, Mailbox.DOORBELL);
  }

  /** Rings each parked worker's doorbell, or sends it a message when it is back in its event loop. */
  ring(): void {
    for (const w of this.workers) {
      if (Atomics.compareExchange(w.mb, Mailbox.DOORBELL, Doorbell.Parked, Doorbell.Rung) === Doorbell.Parked) Atomics.notify(w.mb, Mailbox.DOORBELL);
      else w.worker.postMessage({ type: "run" } satisfies ToWorker);
    }
  }

  /** Answers the pending pre-state reads of the workers (from `host`, into `heap`). */
  serveRequests(heap: SharedHeap, host: MailboxHost): void {
    const workers = this.workers;
    for (let k = 0; k < workers.length; k++) {
      if (Atomics.load(workers[k]!.mb, Mailbox.STATE) === MailboxState.Request) serveMailbox(workers[k]!.mailbox, heap, host);
    }
  }

  /**
   * Withdraws the batch from every worker still asleep on the doorbell it was rung on, as the
   * batch ends: waiting for it to wake (0.5-5 ms in slow spells of the 2-core VM, where the main
   * thread had run a batch of 128 transfers alone in 0.4 ms) would only make the batch late.
   * Returns them, for waitFinished.
   */
  withdraw(): Set<PoolWorker> {
    return new Set(this.workers.filter((w) => Atomics.compareExchange(w.mb, Mailbox.DOORBELL, Doorbell.Rung, Doorbell.Parked) === Doorbell.Rung));
  }

  /**
   * Serves the workers' reads until every one but the `withdrawn` has left batch `gen`; returns
   * their reports. One that has not left after `stallMs` is taken for dead: terminated, and
   * replaced before the next batch (which moves everyone to a fresh heap, as it might still be
   * writing to this one).
   */
  waitFinished(heap: SharedHeap, gen: number, host: MailboxHost, stallMs: number, withdrawn: Set<PoolWorker>): PoolReport {
    const i32 = heap.i32;
    const since = performance.now();
    for (;;) {
      const wake = Atomics.load(i32, Control.WAKE);
      this.serveRequests(heap, host);
      if (Atomics.load(i32, Control.FINISHED) + withdrawn.size >= this.workers.length) break;
      if (performance.now() - since > stallMs) {
        for (const w of this.workers) {
          if (withdrawn.has(w) || Atomics.load(w.mb, Mailbox.FINISHED_GEN) === gen) continue;
          w.lost = true;
          w.worker.terminate();
        }
        break;
      }
      // The workers report within microseconds of the end when they spin (worker.ts END_SPIN_MS).
      sleepOnWake(i32, wake, 5, 0.5);
    }
    const workers: WorkerStats[] = [];
    const errors: string[] = [];
    for (const w of this.workers) {
      if (w.lost || withdrawn.has(w)) continue;
      const stats = {} as WorkerStats;
      STATS_FIELDS.forEach((f, k) => (stats[f] = w.mb[Mailbox.STATS + k]!));
      workers.push(stats);
      const len = w.mb[Mailbox.ERROR_LEN]!;
      if (len > 0) errors.push(new TextDecoder().decode(new Uint8Array(w.mailbox, Mailbox.ERROR * 4, len)));
    }
    return { workers, errors };
  }

  /** Terminates the lost workers and leaves them out; returns how many there were. */
  dropLost(): number {
    const lost = this.workers.filter((w) => w.lost);
    for (const w of lost) w.worker.terminate();
    this.workers = this.workers.filter((w) => !w.lost);
    return lost.length;
  }

  /**
   * Starts `count` more workers on `heap`. One that fails to start, or starts once `closed()`, is
   * left out: the pool goes on with fewer workers. Returns how many joined, and the first failure.
   */
  async add(count: number, heap: SharedArrayBuffer, closed: () => boolean): Promise<{ added: number; error?: string }> {
    const spawned = Array.from({ length: count }, () => spawnWorker(this.nextId++, this.module, heap, this.lmdb));
    const started = await Promise.allSettled(spawned.map((s) => s.ready));
    let added = 0;
    spawned.forEach((s, k) => {
      if (closed() || started[k]!.status === "rejected") {
        s.w.worker.terminate();
        return;
      }
      watch(s.w);
      this.workers.push(s.w);
      added++;
    });
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    return { added, ...(failed ? { error: String(failed.reason) } : {}) };
  }

  /** Moves every worker to `heap` for the next batch. */
  moveTo(heap: SharedArrayBuffer): void {
    const m: ToWorker = { type: "heap", heap };
    for (const w of this.workers) {
      // A parked worker would run the next batch on the old heap.
      sendAway(w);
      w.worker.postMessage(m);
    }
  }

  close(): void {
    for (const w of this.workers) {
      // A parked worker would otherwise hold its thread until PARK_MS.
      sendAway(w);
      w.worker.terminate();
    }
  }
}

/** Starts worker `id` on `heap`; `ready` settles once it has loaded its core. */
function spawnWorker(id: number, module: WebAssembly.Module, heap: SharedArrayBuffer, lmdb: LmdbBaseConfig | null): { w: PoolWorker; ready: Promise<void> } {
  const worker = new Worker(new URL("./worker.ts", import.meta.url).href);
  const mailbox = new SharedArrayBuffer(MAILBOX_WORDS * 4);
  const w: PoolWorker = { worker, mailbox, mb: new Int32Array(mailbox), lost: false };
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<FromWorker>) => e.data.type === "ready" && resolve();
    worker.onerror = (e) => reject(new Error(`parallel worker ${id} failed to start: ${e.message}`));
  });
  const init: ToWorker = { type: "init", id, module, heap, mailbox, lmdb };
  worker.postMessage(init);
  return { w, ready };
}

/** Marks `w` lost when its thread exits (seen between batches: the main thread's loops are synchronous). */
function watch(w: PoolWorker): void {
  w.worker.addEventListener("close", () => (w.lost = true));
}

/** Sends a worker from its doorbell back to its event loop. */
function sendAway(w: PoolWorker): void {
  Atomics.store(w.mb, Mailbox.DOORBELL, Doorbell.Away);
  Atomics.notify(w.mb, Mailbox.DOORBELL);
}
