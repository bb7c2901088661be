import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { open, type Database, type RootDatabase } from "lmdb";
import { PendingBatches } from "./pending-batches";

/** Every named database in the chain environment; all share its transactions. */
export const DATABASE_NAMES = [
  "accounts", // address → compact account record
  "storage", // address ‖ slot → value without leading zeros (absent = zero)
  "code", // code hash → bytecode
  "trieNodes", // node hash → node encoding, for the account trie and every storage trie
  "headers", // block number → header RLP
  "headerNumbers", // block hash → block number
  "bodies", // block number → RLP list of raw transactions
  "receipts", // block number → RLP list of encoded receipts
  "txIndex", // tx hash → block number ‖ index in block
  "miniBlocks", // sequence number → opaque bytes from the sequencer
  "blockEntries", // block number → first and last log seq of the block, when its transactions and receipts are kept only in the log (a replica)
  "poolJournal", // tx hash → sender ‖ raw tx: accepted but not yet in a mini-block
  "meta", // ASCII name → value (see meta-keys.ts)
] as const;

export type DatabaseName = (typeof DATABASE_NAMES)[number];

/** A sub-database with byte keys and byte values. */
export type BinaryDatabase = Database<Uint8Array, Uint8Array>;

/** Largest key lmdb-js accepts; checked before a commit starts so none is refused half-way through. */
export const MAX_KEY_BYTES = 1978;

/** The open LMDB environment at `<datadir>/chain` and its databases. */
export interface ChainEnv {
  readonly datadir: string;
  readonly root: RootDatabase<Uint8Array, Uint8Array>;
  readonly dbs: Readonly<Record<DatabaseName, BinaryDatabase>>;
  /**
   * One row whose lmdb-js *version* is the number of state commits on disk.
   * Each commit's writes are conditional on it (ifVersion), so if one commit
   * fails, those queued behind it are skipped instead of landing on a hole.
   */
  readonly commitCounter: BinaryDatabase;
  /** Write batches handed to LMDB but not yet committed; readers consult them so nothing seems to vanish meanwhile. */
  readonly pending: PendingBatches;
}

/**
 * Opens (creating if needed) the chain environment.
 *
 * Durability: lmdb-js's defaults are kept on purpose. Writes are queued to its
 * write thread; with `overlappingSync` a transaction is committed without
 * holding the write lock through the fsync, and its promise resolves once it
 * is committed (in the file, via the OS page cache), while `flushed` resolves
 * once it is fsynced. A committed transaction survives kill -9 of this
 * process: the kernel still holds its pages, and lmdb-js reopens at the latest
 * committed meta page while the boot id is unchanged. After a power loss it
 * falls back to the latest flushed transaction: the last moments are lost,
 * integrity is not. `noSync` would make commits a little cheaper but let a
 * power loss corrupt the whole file, so it stays off.
 */
export function openChainEnv(datadir: string): ChainEnv {
  const path = join(datadir, "chain");
  mkdirSync(path, { recursive: true });
  const root = open<Uint8Array, Uint8Array>({
    path,
    maxDbs: DATABASE_NAMES.length + 4,
    keyEncoding: "binary",
    encoding: "binary",
    overlappingSync: true,
  });
  const dbs = {} as Record<DatabaseName, BinaryDatabase>;
  for (const name of DATABASE_NAMES) {
    dbs[name] = root.openDB<Uint8Array, Uint8Array>({ name, keyEncoding: "binary", encoding: "binary" });
  }
  const commitCounter = root.openDB<Uint8Array, Uint8Array>({
    name: "commitCounter",
    keyEncoding: "binary",
    encoding: "binary",
    useVersions: true,
  });
  return { datadir, root, dbs, commitCounter, pending: new PendingBatches() };
}
