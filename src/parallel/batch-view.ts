// The batch's transactions as the Block-STM participants see them (mv-reads.ts BatchView):
// a worker decodes the inputs the main thread laid out in the shared heap (only to price a
// coinbase reader's view of earlier tips; executions run the encoded input itself), the main
// thread uses the caller's objects.
import type { BlockEnv, TxInput } from "../exec/abi";
import type { SharedHeap } from "./heap";
import type { BatchView } from "./mv-reads";
import type { Scheduler } from "./scheduler";
import { decodeTxInput } from "./tx-codec";
import { Txn } from "./txn-layout";
import type { TxnIndex } from "./types";

/** A worker's view: inputs decoded from the shared heap on first use. */
export class HeapBatch implements BatchView {
  env!: BlockEnv;
  private txs: (TxInput | undefined)[] = [];

  constructor(private readonly heap: SharedHeap, private readonly sched: Scheduler) {}

  begin(env: BlockEnv, n: number): void {
    this.env = env;
    this.txs = new Array(n);
  }

  tx(t: TxnIndex): TxInput {
    let tx = this.txs[t];
    if (tx === undefined) {
      const e = this.sched.entry(t);
      const at = this.heap.i32[e + Txn.INPUT]!;
      tx = this.txs[t] = decodeTxInput(this.heap.u8.subarray(at, at + this.heap.i32[e + Txn.INPUT_LEN]!));
    }
    return tx;
  }
}

/** The main thread's view: the caller's transactions. */
export class ArrayBatch implements BatchView {
  env!: BlockEnv;
  private txs: TxInput[] = [];

  begin(env: BlockEnv, txs: TxInput[]): void {
    this.env = env;
    this.txs = txs;
  }

  tx(t: TxnIndex): TxInput {
    return this.txs[t]!;
  }

  /** Drops the caller's transactions once the batch is over. */
  end(): void {
    this.txs = [];
  }
}
