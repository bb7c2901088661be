import { bytesToHex } from "../crypto";

// Wire input can be megabytes; quoting all of it would flood logs.
const MAX_QUOTED_BYTES = 48;

/** Hex of `bytes` for error messages, cut after a few dozen bytes. */
export function quoteBytes(bytes: Uint8Array): string {
  if (bytes.length <= MAX_QUOTED_BYTES) return bytesToHex(bytes);
  return `${bytesToHex(bytes.subarray(0, MAX_QUOTED_BYTES))}… (${bytes.length} bytes)`;
}

/**
 * A raw transaction was rejected: malformed RLP, wrong shape, or a field out
 * of range. `field` names the offending field when there is one.
 */
export class TxDecodeError extends Error {
  readonly field: string | null;

  constructor(message: string, field: string | null = null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TxDecodeError";
    this.field = field;
  }
}

/**
 * The EIP-2718 type byte names an envelope this L2 sequencer does not take
 * (blob transactions, set-code transactions, or anything unknown).
 */
export class UnsupportedTxTypeError extends TxDecodeError {
  readonly txType: number;

  constructor(txType: number) {
    const hex = `0x${txType.toString(16).padStart(2, "0")}`;
    const what = txType === 3 ? " (EIP-4844 blob transaction)" : txType === 4 ? " (EIP-7702 set-code transaction)" : "";
    super(
      `transaction type ${hex}${what} is not supported by this L2 sequencer; accepted: legacy, 0x01 (EIP-2930), 0x02 (EIP-1559)`,
      "type",
    );
    this.name = "UnsupportedTxTypeError";
    this.txType = txType;
  }
}
