import { bytesToHex } from "../crypto/hex";

/** Base class of every error raised by the persistent state, so callers can catch them as a family. */
export class StateStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The datadir belongs to another chain. Refused rather than repaired: mixing two
 * chains' state in one file can only produce wrong roots later.
 */
export class GenesisMismatchError extends StateStoreError {
  constructor(
    readonly datadir: string,
    readonly storedGenesis: Uint8Array,
    readonly requestedGenesis: Uint8Array,
  ) {
    super(
      `datadir ${datadir} holds the chain with genesis ${bytesToHex(storedGenesis)}, ` +
        `but genesis ${bytesToHex(requestedGenesis)} was requested; use another datadir or the matching genesis`,
    );
  }
}

/**
 * An LMDB write transaction failed after its overlay had been handed over. Later
 * state was built on top of data that never reached disk, so the StateDb refuses
 * all further use; reopening the datadir restores the last good commit.
 */
export class StateCommitFailedError extends StateStoreError {
  constructor(cause: unknown) {
    super(`state commit failed; reopen the datadir to continue from the last durable commit: ${String(cause)}`, {
      cause,
    });
  }
}

/**
 * The datadir holds a commit that was only partly written (its in-progress
 * marker is still set). Only a bug in queuing a commit can cause this; the
 * state no longer matches its root, so the datadir must be rebuilt.
 */
export class IncompleteCommitError extends StateStoreError {
  constructor(
    readonly datadir: string,
    readonly commitNumber: bigint,
  ) {
    super(`datadir ${datadir} holds a partly written commit (#${commitNumber}); its state cannot be trusted`);
  }
}

/** A record read back from LMDB does not decode; the file is damaged or from an incompatible version. */
export class CorruptRecordError extends StateStoreError {
  constructor(
    readonly database: string,
    readonly key: Uint8Array,
    why: string,
  ) {
    super(`corrupt record in ${database} at ${bytesToHex(key)}: ${why}`);
  }
}

/** Use of a StateDb or ChainDb after close(). */
export class StoreClosedError extends StateStoreError {
  constructor() {
    super("chain store is closed");
  }
}
