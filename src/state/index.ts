export { ChainStore, type ChainStoreOptions, type ChainHead } from "./chain-store";
export { StateDb, type StateDbOptions } from "./state-db";
export { type FrozenChanges } from "./state-layer";
export { ChainDb, type TxLocation } from "./chain-db";
export { openChainEnv, DATABASE_NAMES, type ChainEnv, type DatabaseName, type BinaryDatabase } from "./chain-env";
export { WriteBatch } from "./write-batch";
export { type AccountRecord, encodeAccountRecord, decodeAccountRecord } from "./account-record";
export { LmdbNodeStore } from "./lmdb-node-store";
export { recomputeStateRoot } from "./recompute-state-root";
export {
  StateStoreError,
  GenesisMismatchError,
  StateCommitFailedError,
  IncompleteCommitError,
  CorruptRecordError,
  StoreClosedError,
} from "./errors";
