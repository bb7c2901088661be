// Errors the sequencer raises at its edges, with JSON-RPC codes and geth's wording.

export class SequencerError extends Error {
  override name = "SequencerError";
  constructor(
    message: string,
    readonly code = -32000,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** The transaction was accepted but could not be executed when its turn came. */
export class TxDroppedError extends SequencerError {
  override name = "TxDroppedError";
}

/** EIP-7966: the receipt did not arrive in time; the transaction may still be included. */
export class ReceiptTimeoutError extends SequencerError {
  override name = "ReceiptTimeoutError";
}
