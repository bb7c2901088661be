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
    executeInOrder(this.core, env, txs, 0, state, results);
    return results;
  }

  async close(): Promise<void> {}
}

/**
 * Executes txs[from..] one after another on `core`, applying each valid transaction's changes
 * before the next runs, and appends their results to `results`: the serial path, also the
 * parallel executor's for serial batches and for the rest of a batch it gave up on.
 */
export function executeInOrder(core: EvmCore, env: BlockEnv, txs: TxInput[], from: number, state: BatchState, results: ExecResult[]): void {
  for (let i = from; i < txs.length; i++) {
    const r = core.execute(env, txs[i]!, state);
    if (r.status !== ExecStatus.Invalid) state.apply(r.accounts);
    results.push(r);
  }
}
