import { ChainDb } from "./chain-db";
import { openChainEnv, type ChainEnv } from "./chain-env";
import { StateDb, type StateDbOptions } from "./state-db";
import type { WriteBatch } from "./write-batch";

export interface ChainStoreOptions extends StateDbOptions {
  /** When given, opening a datadir initialised for another genesis throws GenesisMismatchError. */
  genesisHash?: Uint8Array;
}

/** What a reopened datadir resumes from. */
export interface ChainHead {
  block: bigint | undefined;
  miniBlock: bigint | undefined;
  stateRoot: Uint8Array;
}

/** The sequencer's persistent store: one LMDB environment holding state and chain data. */
export class ChainStore {
  private constructor(
    readonly env: ChainEnv,
    readonly chain: ChainDb,
    readonly state: StateDb,
  ) {}

  /** Opens (or creates) `<datadir>/chain`. */
  static open(datadir: string, options: ChainStoreOptions = {}): ChainStore {
    const env = openChainEnv(datadir);
    try {
      const chain = new ChainDb(env);
      if (options.genesisHash !== undefined) chain.checkGenesis(options.genesisHash);
      const state = new StateDb(env, { blockHash: (n) => chain.blockHash(n), ...options });
      return new ChainStore(env, chain, state);
    } catch (e) {
      void env.root.close();
      throw e;
    }
  }

  /** StateDb.commit: state plus the rows `extra` adds, in one transaction. */
  commit(extra?: (batch: WriteBatch) => void): Promise<Uint8Array> {
    return this.state.commit(extra);
  }

  /** The durable head: last block, last mini-block and the state root, as a restart finds them. */
  head(): ChainHead {
    return {
      block: this.chain.getHeadBlock(),
      miniBlock: this.chain.getHeadMiniBlock(),
      stateRoot: this.state.durableRoot,
    };
  }

  /** Waits for in-flight commits, then closes the environment. Idempotent. */
  async close(): Promise<void> {
    if (this.closing === null) {
      this.closing = (async () => {
        await this.state.close();
        await this.env.root.close();
      })();
    }
    return this.closing;
  }

  private closing: Promise<void> | null = null;
}
