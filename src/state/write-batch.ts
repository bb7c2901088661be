import { bytesKey } from "./byte-keys";
import { MAX_KEY_BYTES, type BinaryDatabase, type DatabaseName } from "./chain-env";

/** One pending row: a new value, or null for a removal. */
export interface RowWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

/**
 * Rows gathered before a commit is handed to LMDB, then queued in one go.
 * Collecting first is what makes a commit all-or-nothing: lmdb-js commits the
 * writes queued in a block even when the code queuing them throws half-way, so
 * caller code must never run while a commit is being queued, and every row is
 * validated here, up front. Keys and values are kept by reference.
 */
export class WriteBatch {
  private readonly rows = new Map<DatabaseName, Map<string, RowWrite>>();

  /** Sets `key` to `value` in `db`. LMDB cannot tell an empty value from a missing one cheaply, so empty is refused. */
  put(db: DatabaseName, key: Uint8Array, value: Uint8Array): void {
    checkKey(db, key);
    if (!(value instanceof Uint8Array) || value.length === 0) {
      throw new RangeError(`value for ${db} must be non-empty bytes: use remove() to delete`);
    }
    this.table(db).set(bytesKey(key), { key, value });
  }

  /** Removes `key` from `db`. */
  remove(db: DatabaseName, key: Uint8Array): void {
    checkKey(db, key);
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

  /** Queues every write on lmdb-js's write thread, inside the caller's batch. */
  queue(dbs: Readonly<Record<DatabaseName, BinaryDatabase>>): void {
    for (const [name, table] of this.rows) {
      const db = dbs[name];
      for (const { key, value } of table.values()) {
        if (value === null) void db.remove(key);
        else void db.put(key, value);
      }
    }
  }

  private table(db: DatabaseName): Map<string, RowWrite> {
    let t = this.rows.get(db);
    if (t === undefined) this.rows.set(db, (t = new Map()));
    return t;
  }
}

function checkKey(db: DatabaseName, key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length === 0 || key.length > MAX_KEY_BYTES) {
    throw new RangeError(`key for ${db} must be 1-${MAX_KEY_BYTES} bytes`);
  }
}
