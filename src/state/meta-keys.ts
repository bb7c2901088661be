// Row names in the meta database. ASCII so a hex dump of the file stays readable.
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

export const META_STATE_ROOT = ascii("stateRoot");
export const META_HEAD_BLOCK = ascii("headBlock");
export const META_HEAD_MINI_BLOCK = ascii("headMiniBlock");
export const META_GENESIS_HASH = ascii("genesisHash");
export const META_CHAIN_CONFIG = ascii("chainConfig");
