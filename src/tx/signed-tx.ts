/** Envelope types this sequencer accepts: 0 = legacy, 1 = EIP-2930, 2 = EIP-1559. */
export type TxType = 0 | 1 | 2;

/** One EIP-2930 access-list entry: a 20-byte address and its 32-byte storage keys. */
export interface AccessListEntry {
  address: Uint8Array;
  storageKeys: Uint8Array[];
}

/**
 * A decoded, structurally valid signed transaction. Byte fields are views
 * into `raw`, itself a private copy of the input, so they stay valid if the
 * caller reuses its buffer.
 */
export interface SignedTx {
  type: TxType;
  /** `null` only for pre-EIP-155 legacy transactions (v = 27/28), which are replayable on any chain. */
  chainId: bigint | null;
  nonce: bigint;
  /** Set for legacy and EIP-2930; `null` for EIP-1559. */
  gasPrice: bigint | null;
  /** For legacy/EIP-2930 equal to `gasPrice`, so fee logic can treat all types alike. */
  maxFeePerGas: bigint;
  /** For legacy/EIP-2930 equal to `gasPrice`, so fee logic can treat all types alike. */
  maxPriorityFeePerGas: bigint;
  gasLimit: bigint;
  /** `null` for contract creation. */
  to: Uint8Array | null;
  value: bigint;
  data: Uint8Array;
  /** Empty for legacy transactions. */
  accessList: AccessListEntry[];
  yParity: 0 | 1;
  r: bigint;
  s: bigint;
  /** The exact bytes that were decoded. */
  raw: Uint8Array;
  /** keccak256(raw): the transaction hash clients know it by. */
  hash: Uint8Array;
  /** The 32-byte digest the sender signed (depends on the type and, for legacy, on EIP-155). */
  signingHash: Uint8Array;
}
