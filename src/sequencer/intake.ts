// Transaction intake: raw bytes → decoded → sender recovered (batched, off the main thread when
// workers are available) → pool. Submissions arriving together are recovered together.
import type { SignedTx } from "../tx/index";
import type { AsyncSenderRecovery, SenderRecovery } from "../tx/index";
import { SequencerError } from "./errors";

export class InvalidSenderError extends SequencerError {
  constructor() {
    super("invalid sender");
  }
}

interface Waiting {
  tx: SignedTx;
  resolve: (sender: Uint8Array) => void;
  reject: (err: Error) => void;
}

/** Collects signatures for one turn of the event loop, then recovers them as one batch. */
export class RecoveryBatcher {
  private queue: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly sync: SenderRecovery,
    private readonly pool: AsyncSenderRecovery | null,
    /** Below this batch size, recovering inline beats a worker round trip. */
    private readonly minWorkerBatch = 16,
  ) {}

  recover(tx: SignedTx): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ tx, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const txs = batch.map((w) => w.tx);
    let senders: (Uint8Array | null)[];
    try {
      senders = this.pool && batch.length >= this.minWorkerBatch ? await this.pool.recoverAsync(txs) : this.sync.recover(txs);
    } catch (err) {
      for (const w of batch) w.reject(err as Error);
      return;
    }
    batch.forEach((w, i) => (senders[i] ? w.resolve(senders[i]!) : w.reject(new InvalidSenderError())));
  }
}
