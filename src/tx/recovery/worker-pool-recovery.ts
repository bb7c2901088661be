import type { SignedTx } from "../signed-tx";
import type { RecoveryBackendChoice } from "./create-sender-recovery";
import { packSignatures, SENDER_RECORD_BYTES } from "./packed-signatures";
import { RecoveryWorkerError } from "./recovery-errors";
import type { InitRequest, RecoverRequest, WorkerReply } from "./recovery-worker-protocol";
import type { AsyncSenderRecovery } from "./sender-recovery";

/** Options for `WorkerPoolRecovery.create`. */
export interface WorkerPoolOptions {
  /** Number of workers; defaults to 2 (this machine class has 2 cores). */
  workers?: number;
  /** Backend each worker loads; `auto` = libsecp256k1, else noble. */
  backend?: RecoveryBackendChoice;
  /** Where workers look for libsecp256k1 (default: LIBSECP256K1_CANDIDATES). */
  libraryCandidates?: readonly string[];
  /** Batches smaller than this per worker are not split further: below it, messaging costs more than the parallelism saves. */
  minRecordsPerWorker?: number;
  /** How long to wait for the workers to load their backend. */
  startupTimeoutMs?: number;
}

interface PooledWorker {
  readonly worker: Worker;
  pendingRecords: number;
  pendingJobs: number;
}

interface Job {
  readonly slot: PooledWorker;
  readonly count: number;
  resolve(senders: Uint8Array): void;
  reject(err: Error): void;
}

const WORKER_URL = new URL("./recovery-worker.ts", import.meta.url);

function waitForReady(worker: Worker, index: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new RecoveryWorkerError(`recovery worker ${index} did not load its backend within ${timeoutMs} ms`)),
      timeoutMs,
    );
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      clearTimeout(timer);
      const reply = event.data;
      if (reply.kind === "ready") resolve(reply.backend);
      else reject(new RecoveryWorkerError(`recovery worker ${index} failed to start: ${reply.kind === "failed" ? reply.message : reply.kind}`));
    };
    worker.onerror = (event) => {
      clearTimeout(timer);
      reject(new RecoveryWorkerError(`recovery worker ${index} crashed while starting: ${event.message}`));
    };
  });
}

/**
 * Sender recovery on a small pool of Bun Workers, keeping the curve math off
 * the event loop. A batch is split across the workers; each piece travels as
 * packed signing hashes and signatures and comes back as packed addresses.
 * Idle workers are unref'd, so the pool alone never keeps the process alive.
 */
export class WorkerPoolRecovery implements AsyncSenderRecovery {
  /** e.g. "workers(2×libsecp256k1)". */
  readonly name: string;
  /** Backend the workers loaded. */
  readonly backend: string;
  readonly size: number;
  readonly #slots: PooledWorker[];
  readonly #jobs = new Map<number, Job>();
  readonly #minRecordsPerWorker: number;
  #nextId = 0;
  #failure: Error | null = null;

  private constructor(workers: Worker[], backend: string, minRecordsPerWorker: number) {
    this.size = workers.length;
    this.backend = backend;
    this.name = `workers(${workers.length}×${backend})`;
    this.#minRecordsPerWorker = minRecordsPerWorker;
    this.#slots = workers.map((worker) => ({ worker, pendingRecords: 0, pendingJobs: 0 }));
    this.#slots.forEach((slot, index) => {
      slot.worker.onmessage = (event: MessageEvent<WorkerReply>) => this.#onReply(event.data);
      slot.worker.onerror = (event) =>
        this.#fail(new RecoveryWorkerError(`recovery worker ${index} crashed: ${event.message}`));
      slot.worker.unref();
    });
  }

  /** Starts the workers and waits until each has loaded its backend. */
  static async create(options: WorkerPoolOptions = {}): Promise<WorkerPoolRecovery> {
    const count = options.workers ?? 2;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`worker count ${count} must be a positive integer`);
    const workers = Array.from({ length: count }, () => new Worker(WORKER_URL));
    try {
      const backends = await Promise.all(
        workers.map((worker, index) => {
          const ready = waitForReady(worker, index, options.startupTimeoutMs ?? 10_000);
          const init: InitRequest = { kind: "init", backend: options.backend ?? "auto", libraryCandidates: options.libraryCandidates };
          worker.postMessage(init);
          return ready;
        }),
      );
      return new WorkerPoolRecovery(workers, backends[0]!, options.minRecordsPerWorker ?? 64);
    } catch (err) {
      for (const worker of workers) worker.terminate();
      throw err;
    }
  }

  /** Recovers each transaction's sender off the main thread; `null` where the signature is invalid. */
  async recoverAsync(txs: SignedTx[]): Promise<(Uint8Array | null)[]> {
    if (this.#failure) throw this.#failure;
    const total = txs.length;
    const senders: (Uint8Array | null)[] = new Array(total);
    if (total === 0) return senders;
    const parts = Math.min(this.size, Math.ceil(total / this.#minRecordsPerWorker));
    const chunk = Math.ceil(total / parts);
    const pieces: Promise<void>[] = [];
    for (let start = 0; start < total; start += chunk) {
      const end = Math.min(total, start + chunk);
      pieces.push(
        this.#submit(packSignatures(txs, start, end), end - start).then((packed) => {
          for (let i = start, o = 0; i < end; i++, o += SENDER_RECORD_BYTES) {
            senders[i] = packed[o] === 1 ? packed.slice(o + 1, o + SENDER_RECORD_BYTES) : null;
          }
        }),
      );
    }
    await Promise.all(pieces);
    return senders;
  }

  /** Terminates the workers; batches still in flight are rejected with `RecoveryWorkerError`. */
  async close(): Promise<void> {
    this.#fail(new RecoveryWorkerError(`${this.name} was closed`));
  }

  #submit(sigs: Uint8Array, count: number): Promise<Uint8Array> {
    // Least-loaded worker, so concurrent batches from many callers spread out.
    let slot = this.#slots[0]!;
    for (const candidate of this.#slots) if (candidate.pendingRecords < slot.pendingRecords) slot = candidate;
    const id = this.#nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#jobs.set(id, { slot, count, resolve, reject });
      slot.pendingRecords += count;
      if (slot.pendingJobs++ === 0) slot.worker.ref();
      const request: RecoverRequest = { kind: "recover", id, count, sigs: sigs.buffer as ArrayBuffer };
      slot.worker.postMessage(request, [request.sigs]);
    });
  }

  #settle(id: number): Job | undefined {
    const job = this.#jobs.get(id);
    if (job === undefined) return undefined;
    this.#jobs.delete(id);
    job.slot.pendingRecords -= job.count;
    if (--job.slot.pendingJobs === 0) job.slot.worker.unref();
    return job;
  }

  #onReply(reply: WorkerReply): void {
    if (reply.kind === "recovered") {
      this.#settle(reply.id)?.resolve(new Uint8Array(reply.senders));
    } else if (reply.kind === "failed" && reply.id !== null) {
      this.#settle(reply.id)?.reject(new RecoveryWorkerError(`recovery worker failed on a batch: ${reply.message}`));
    }
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    for (const id of [...this.#jobs.keys()]) this.#settle(id)?.reject(error);
    for (const slot of this.#slots) slot.worker.terminate();
  }
}
