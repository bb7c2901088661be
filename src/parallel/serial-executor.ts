// The baseline every parallel result is held to: transactions one after another on one core,
// each seeing the state its predecessors left, exactly as the sequencer's loop has always run.
import { ExecStatus, type BlockEnv, type ExecResult, type TxInput } from "../exec/abi";
import type { EvmCore } from "../exec/core";
import type { BatchExecutor, BatchState } from "./types";

export class SerialExecutor implements BatchExecutor {
  constructor(readonly core: EvmCore) {}

  /** Executes `txs` in order, applying each valid transaction's changes before the next runs. */
  async execute(env: BlockEnv, txs: TxInput[], state: BatchState): Promise<ExecResult[]> {
    return this.executeSync(env, txs, state);
  }

  executeSync(env: BlockEnv, txs: TxInput[], state: BatchState): ExecResult[] {
    const results: ExecResult[] = [];
    for (const tx of txs) {
      const r = this.core.execute(env, tx, state);
      if (r.status !== ExecStatus.Invalid) state.apply(r.accounts);
      results.push(r);
    }
    return results;
  }

  async close(): Promise<void> {}
}
