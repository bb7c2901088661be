// Worker entry for WorkerPoolRecovery: owns one backend and recovers packed
// batches, sending results back as a transferred buffer.
import { createSenderRecovery } from "./create-sender-recovery";
import { SENDER_RECORD_BYTES } from "./packed-signatures";
import type { WorkerReply, WorkerRequest } from "./recovery-worker-protocol";
import type { PackedSenderRecovery } from "./sender-recovery";

declare const self: Worker;

let backend: PackedSenderRecovery | null = null;

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  self.postMessage(message, transfer);
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.kind === "init") {
    try {
      backend = createSenderRecovery(request.backend, request.libraryCandidates);
      reply({ kind: "ready", backend: backend.name });
    } catch (err) {
      reply({ kind: "failed", id: null, message: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  try {
    if (backend === null) throw new Error("recover request arrived before init");
    const senders = new Uint8Array(request.count * SENDER_RECORD_BYTES);
    backend.recoverPacked(new Uint8Array(request.sigs), request.count, senders);
    reply({ kind: "recovered", id: request.id, senders: senders.buffer }, [senders.buffer]);
  } catch (err) {
    reply({ kind: "failed", id: request.id, message: err instanceof Error ? err.message : String(err) });
  }
};
