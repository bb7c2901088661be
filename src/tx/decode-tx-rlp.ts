import { decode, RlpError, type RlpInput } from "../rlp";
import { TxDecodeError } from "./tx-decode-error";

/**
 * Strictly decodes the RLP list that holds a transaction's fields, turning
 * RLP faults into `TxDecodeError` so intake has one error type to catch.
 * `what` names the envelope and `offsetBase` maps offsets back to the raw
 * bytes (1 for typed transactions, whose RLP follows the type byte).
 */
export function decodeTxRlp(bytes: Uint8Array, what: string, offsetBase: number): RlpInput[] {
  let item: RlpInput;
  try {
    item = decode(bytes);
  } catch (err) {
    if (!(err instanceof RlpError)) throw err;
    const reason = err.message.replace(/ at offset \d+$/, "");
    throw new TxDecodeError(`${what}: malformed RLP: ${reason} at byte ${err.offset + offsetBase}`, null, { cause: err });
  }
  if (!Array.isArray(item)) throw new TxDecodeError(`${what}: expected an RLP list of fields, got a byte string`);
  return item;
}

/** Throws unless `fields` has exactly `count` entries. */
export function expectFieldCount(fields: RlpInput[], count: number, what: string): void {
  if (fields.length !== count) throw new TxDecodeError(`${what} must have ${count} fields, got ${fields.length}`);
}
