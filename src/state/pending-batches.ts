import type { DatabaseName } from "./chain-env";
import type { WriteBatch } from "./write-batch";

/**
 * Batches whose LMDB transaction is queued or running. Commits resolve later
 * than they are issued; until then their rows are served from here so a read
 * right after commit() sees them.
 */
export class PendingBatches {
  private readonly batches: WriteBatch[] = [];

  add(batch: WriteBatch): void {
    this.batches.push(batch);
  }

  delete(batch: WriteBatch): void {
    const i = this.batches.indexOf(batch);
    if (i >= 0) this.batches.splice(i, 1);
  }

  /** The newest pending write of `key` (null when removed), or undefined when no pending batch touches it. */
  lookup(db: DatabaseName, key: Uint8Array): Uint8Array | null | undefined {
    for (let i = this.batches.length - 1; i >= 0; i--) {
      const v = this.batches[i]!.lookup(db, key);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}
