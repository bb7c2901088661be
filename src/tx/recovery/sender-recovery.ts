import type { SignedTx } from "../signed-tx";

/** Recovers each transaction's sender; `null` where the signature does not verify. */
export interface SenderRecovery {
  /** Which backend does the work, e.g. "libsecp256k1" or "noble". */
  readonly name: string;
  recover(txs: SignedTx[]): (Uint8Array | null)[];
}

/**
 * A backend that works on packed batches (see packed-signatures.ts): reads
 * `count` input records from `sigs` and writes `count` output records to `out`.
 */
export interface PackedSenderRecovery extends SenderRecovery {
  recoverPacked(sigs: Uint8Array, count: number, out: Uint8Array): void;
}

/** Sender recovery that runs off the calling thread. */
export interface AsyncSenderRecovery {
  readonly name: string;
  recoverAsync(txs: SignedTx[]): Promise<(Uint8Array | null)[]>;
  /** Stops the background threads; pending batches are rejected. */
  close(): Promise<void>;
}
