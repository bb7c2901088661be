import { bytesKey } from "./byte-keys";
import { MAX_KEY_BYTES, type BinaryDatabase, type DatabaseName } from "./chain-env";
import { ValueSlab } from "./value-slab";

/** One pending row: a new value, or null for a removal. */
export interface RowWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

interface Row extends RowWrite {
  readonly db: DatabaseName;
}

/**
 * Rows gathered before a commit is handed to LMDB, then queued in one go.
 * Collecting first is what makes a commit all-or-nothing: lmdb-js commits the
 * writes queued in a block even when the code queuing them throws half-way, so
 * caller code must never run while a commit is being queued, and every row is
 * validated here, up front. Keys and values are kept by reference.
 */
export class WriteBatch {
  /** In the order written: a later write of a key wins, here and in LMDB, which applies them in order. */
  private readonly rows: Row[] = [];
  /** Rows by database and key, built by the first lookup: reads of pending rows are rare, writes are many. */
  private index: Map<DatabaseName, Map<string, RowWrite>> | null = null;

  /** Sets `key` to `value` in `db`. LMDB cannot tell an empty value from a missing one cheaply, so empty is refused. */
  put(db: DatabaseName, key: Uint8Array, value: Uint8Array): void {
    checkKey(db, key);
    if (!(value instanceof Uint8Array) || value.length === 0) {
      throw new RangeError(`value for ${db} must be non-empty bytes: use remove() to delete`);
    }
    this.add({ db, key, value });
  }

  /** Removes `key` from `db`. */
  remove(db: DatabaseName, key: Uint8Array): void {
    checkKey(db, key);
    this.add({ db, key, value: null });
  }

  /** The batch's write for `key`: a value, null when removed, undefined when the batch does not touch it. */
  lookup(db: DatabaseName, key: Uint8Array): Uint8Array | null | undefined {
    return this.indexed().get(db)?.get(bytesKey(key))?.value;
  }

  /** Number of rows written. */
  get size(): number {
    let n = 0;
    for (const t of this.indexed().values()) n += t.size;
    return n;
  }

  /** Queues every write on lmdb-js's write thread, inside the caller's batch. */
  queue(dbs: Readonly<Record<DatabaseName, BinaryDatabase>>, slab = new ValueSlab()): void {
    for (const { db, key, value } of this.rows) {
      if (value === null) void dbs[db].remove(key);
      else void dbs[db].put(key, slab.place(value));
    }
  }

  private add(row: Row): void {
    this.rows.push(row);
    if (this.index !== null) this.indexRow(this.index, row);
  }

  private indexed(): Map<DatabaseName, Map<string, RowWrite>> {
    if (this.index === null) {
      const index = new Map<DatabaseName, Map<string, RowWrite>>();
      for (const row of this.rows) this.indexRow(index, row);
      this.index = index;
    }
    return this.index;
  }

  private indexRow(index: Map<DatabaseName, Map<string, RowWrite>>, row: Row): void {
    let t = index.get(row.db);
    if (t === undefined) index.set(row.db, (t = new Map()));
    t.set(bytesKey(row.key), row);
  }
}

function checkKey(db: DatabaseName, key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length === 0 || key.length > MAX_KEY_BYTES) {
    throw new RangeError(`key for ${db} must be 1-${MAX_KEY_BYTES} bytes`);
  }
}
