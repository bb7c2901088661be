// Messages between the pool (main thread) and recovery-worker.ts. Batches
// travel as transferred ArrayBuffers, never as SignedTx objects.
import type { RecoveryBackendChoice } from "./create-sender-recovery";

/** Main → worker: pick a backend (sent once, first). */
export interface InitRequest {
  kind: "init";
  backend: RecoveryBackendChoice;
  libraryCandidates?: readonly string[];
}

/** Main → worker: recover `count` packed signature records. */
export interface RecoverRequest {
  kind: "recover";
  id: number;
  count: number;
  sigs: ArrayBuffer;
}

/** Worker → main: the backend is loaded. */
export interface ReadyReply {
  kind: "ready";
  backend: string;
}

/** Worker → main: `count` packed sender records for request `id`. */
export interface RecoveredReply {
  kind: "recovered";
  id: number;
  senders: ArrayBuffer;
}

/** Worker → main: something threw; `id` is null when it was the init. */
export interface FailedReply {
  kind: "failed";
  id: number | null;
  message: string;
}

export type WorkerRequest = InitRequest | RecoverRequest;
export type WorkerReply = ReadyReply | RecoveredReply | FailedReply;
