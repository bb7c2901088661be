// The vocabulary of the parallel executor (Block-STM): transaction indexes, incarnations,
// versions, scheduler tasks and the outcome of a speculative read, as plain types and values.
import type { AccountChange, BlockEnv, ExecResult, HostState, TxInput } from "../exec/abi";

/** Position of a transaction in its batch: the order serial execution would follow. */
export type TxnIndex = number;

/** How many times a transaction has been (re-)started; 0 for its first execution. */
export type Incarnation = number;

/** The writes of one incarnation of one transaction: what a read depends on. */
export interface Version {
  txn: TxnIndex;
  incarnation: Incarnation;
}

/** The txn recorded for reads that found no write of an earlier transaction: the batch's pre-state. */
export const BASE_TXN: TxnIndex = -1;

/** What a speculative read of the multi-version store found. */
export const enum ReadKind {
  /** No earlier transaction wrote the location: the pre-batch value applies. */
  Base = 0,
  /** The newest write by an earlier transaction (`txn`, `incarnation`). */
  Version = 1,
  /** An earlier transaction's write is an ESTIMATE: `txn` is being re-executed; wait for it. */
  Dependency = 2,
}

/** Reused out-parameter of the store's reads (no allocation per read on the hot path). */
export class ReadOutcome {
  kind: ReadKind = ReadKind.Base;
  txn: TxnIndex = BASE_TXN;
  incarnation: Incarnation = 0;
  /** Word index of the version entry (Version only). */
  entry = 0;
}

/** What a worker should do next. */
export const enum TaskKind {
  None = 0,
  Execute = 1,
  Validate = 2,
}

export class Task {
  kind: TaskKind = TaskKind.None;
  txn: TxnIndex = 0;
  incarnation: Incarnation = 0;
}

/**
 * The state a batch runs against: the host reads of the core plus `apply`, which an executor
 * calls with each valid transaction's account changes, in order, so that after `execute` the
 * state holds the whole batch (exactly what today's serial loop leaves behind).
 * `slotCount`, when present, gives an account's number of non-zero storage slots; the parallel
 * executor needs it only in the rare batch that clears a contract's last slots (without it such
 * a batch falls back to serial from that point).
 */
export interface BatchState extends HostState {
  /**
   * Applies one transaction's changes. `storageless`: bit i set (i < 31) when the caller knows
   * that, below the writes of this batch, account i of `changes` has no storage (it does not
   * exist, or has no non-zero slot), as read from the chain's LMDB with no commit in flight:
   * a state then need not read its record for the storage fields apply() carries over.
   */
  apply(changes: AccountChange[], storageless?: number): void;
  slotCount?(address: Uint8Array): number | undefined;
  /**
   * `row`, the account's row as the chain's LMDB holds it (null: none), read by a worker in
   * this batch: kept for apply() unless the state knows the account otherwise. Arguments are
   * views of shared memory, copied if kept.
   */
  primeAccount?(address: Uint8Array, row: Uint8Array | null): void;
  /** The same for a slot: its 32-byte value as LMDB holds it. */
  primeSlot?(address: Uint8Array, slot: Uint8Array, value: Uint8Array): void;
}

/** Runs an ordered batch of transactions; results are always those of serial execution. */
export interface BatchExecutor {
  /**
   * Executes `txs` in order against `state` and applies each valid transaction's changes to it.
   * Result `i` is byte-for-byte what `core.execute(env, txs[i], state)` returns when the
   * transactions before it have been executed and applied one by one.
   */
  execute(env: BlockEnv, txs: TxInput[], state: BatchState): Promise<ExecResult[]>;
  /** The same, synchronously (the main thread blocks while workers run). */
  executeSync(env: BlockEnv, txs: TxInput[], state: BatchState): ExecResult[];
  /** Releases workers; the executor is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * A parallel batch's time by thread and part, from clock reads around each part; what no part
 * covers is the scheduler's loop handing out tasks.
 */
export interface ThreadParts {
  /** Main thread: laying out the inputs (before it starts committing). */
  mainLayoutNs: number;
  /** Main thread: Block-STM tasks run between commits. */
  mainTaskNs: number;
  /** Main thread: asleep until the transaction to commit next has run elsewhere. */
  mainWaitNs: number;
  /** The Bun workers together: running tasks, and asleep with none to hand out. */
  workerTaskNs: number;
  workerWaitNs: number;
}

/** What one parallel batch did, for benchmarks and logs. */
export interface BatchStats {
  txs: number;
  /**
   * "serial": below the size threshold, or one sender dominates the batch; "parallel": Block-STM
   * (with a serial tail after a fallback or a failed attempt).
   */
  mode: "serial" | "parallel";
  executions: number;
  validations: number;
  /** Validations that found a changed read and aborted the transaction. */
  validationAborts: number;
  /** Executions that met an ESTIMATE and waited for the transaction that wrote it. */
  dependencyWaits: number;
  /** Transactions executed serially after the parallel prefix (0 normally). */
  serialTail: number;
  /** Why the batch (or its tail) ran serially, when it did. */
  fallback: string | null;
  /** Per transaction: executions it took (1 = never re-executed). */
  incarnations: Uint16Array;
  /**
   * Main-thread time spent committing (final validation, decoding, crediting tips, applying to
   * the state): the in-order part of a batch that no number of threads shortens. 0 when serial,
   * and unless the executor's `timeParts` is on.
   */
  commitNs: number;
  /** Where the rest of the threads' time went, with `timeParts` on; null otherwise and when serial. */
  parts: ThreadParts | null;
  /**
   * Where the workers read the pre-batch state: all from LMDB, from LMDB but for the accounts of
   * commits still being written, or all through the main thread. Null when serial.
   */
  preState: "lmdb" | "lmdb-except-pending" | "main-thread" | null;
  wallNs: number;
}
