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
  "meta", // ASCII name → value (see meta-keys.ts)
] as const;

export type DatabaseName = (typeof DATABASE_NAMES)[number];

/** A sub-database with byte keys and byte values. */
export type BinaryDatabase = Database<Uint8Array, Uint8Array>;

/** The open LMDB environment at `<datadir>/chain` and its databases. */
export interface ChainEnv {
  readonly datadir: string;
  readonly root: RootDatabase<Uint8Array, Uint8Array>;
  readonly dbs: Readonly<Record<DatabaseName, BinaryDatabase>>;
  /** Write batches handed to LMDB but not yet committed; readers consult them so nothing seems to vanish meanwhile. */
  readonly pending: PendingBatches;
}

/**
 * Opens (creating if needed) the chain environment.
 *
 * Durability: lmdb-js's defaults are kept on purpose. Commits run on its write
 * thread with `overlappingSync`: a transaction's promise resolves once it is
 * committed (written to the file through the OS page cache) and the fsync
 * follows in the background (`flushed`). A committed transaction survives kill -9
 * of this process, since the kernel still holds its pages and lmdb-js reopens
 * at the latest committed meta page while the boot id is unchanged; after a
 * power loss it falls back to the latest *flushed* transaction, losing at most
 * the last moments but never integrity. `noSync` would make commits a little
 * cheaper but let a power loss corrupt the whole file, so it stays off.
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
  return { datadir, root, dbs, pending: new PendingBatches() };
}
