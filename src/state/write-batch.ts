import { bytesKey } from "./byte-keys";
import type { BinaryDatabase, DatabaseName } from "./chain-env";

/** One pending row: a new value, or null for a removal. */
export interface RowWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

/**
 * Writes gathered before an LMDB transaction starts, then replayed inside it.
 * Collecting first is what makes a commit all-or-nothing: lmdb-js commits the
 * writes a transaction callback made even when the callback then throws, so
 * caller code must never run inside it. Keys and values are kept by reference.
 */
export class WriteBatch {
  private readonly rows = new Map<DatabaseName, Map<string, RowWrite>>();

  /** Sets `key` to `value` in `db`. LMDB cannot tell an empty value from a missing one cheaply, so empty is refused. */
  put(db: DatabaseName, key: Uint8Array, value: Uint8Array): void {
    if (value.length === 0) throw new RangeError(`empty value for ${db}: use remove() instead`);
    this.table(db).set(bytesKey(key), { key, value });
  }

  /** Removes `key` from `db`. */
  remove(db: DatabaseName, key: Uint8Array): void {
    this.table(db).set(bytesKey(key), { key, value: null });
  }

  /** The batch's write for `key`: a value, null when removed, undefined when the batch does not touch it. */
  lookup(db: DatabaseName, key: Uint8Array): Uint8Array | null | undefined {
    return this.rows.get(db)?.get(bytesKey(key))?.value;
  }

  /** Number of rows written. */
  get size(): number {
    let n = 0;
    for (const t of this.rows.values()) n += t.size;
    return n;
  }

  /** Performs every write; call only inside an LMDB write transaction. */
  replay(dbs: Readonly<Record<DatabaseName, BinaryDatabase>>): void {
    for (const [name, table] of this.rows) {
      const db = dbs[name];
      for (const { key, value } of table.values()) {
        if (value === null) db.removeSync(key);
        else db.putSync(key, value);
      }
    }
  }

  private table(db: DatabaseName): Map<string, RowWrite> {
    let t = this.rows.get(db);
    if (t === undefined) this.rows.set(db, (t = new Map()));
    return t;
  }
}
