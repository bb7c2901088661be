// Row names in the meta database. ASCII so a hex dump of the file stays readable.
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

export const META_STATE_ROOT = ascii("stateRoot");
export const META_HEAD_BLOCK = ascii("headBlock");
export const META_HEAD_MINI_BLOCK = ascii("headMiniBlock");
export const META_GENESIS_HASH = ascii("genesisHash");
export const META_CHAIN_CONFIG = ascii("chainConfig");
/** Present only while a commit is being queued; found at open, it means a commit landed half-written. */
export const META_COMMIT_IN_PROGRESS = ascii("commitInProgress");
/** The single row of the commitCounter database. */
export const COMMIT_COUNTER_KEY = ascii("commits");
