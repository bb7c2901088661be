/** An RLP item: a byte string, or a (possibly nested) list of items. */
export type RlpInput = Uint8Array | RlpInput[];
