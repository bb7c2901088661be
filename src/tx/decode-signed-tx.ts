import type { SignedTx } from "./signed-tx";
import { TxDecodeError, UnsupportedTxTypeError } from "./tx-decode-error";
import { decodeLegacyTx } from "./decode-legacy-tx";
import { decodeTypedTx } from "./decode-typed-tx";

/**
 * Decodes the bytes given to `eth_sendRawTransaction` into a `SignedTx`:
 * legacy (EIP-155 or pre-EIP-155), EIP-2930 or EIP-1559. Strict: anything
 * non-canonical or out of range throws `TxDecodeError`, and other EIP-2718
 * types (blob transactions included) throw `UnsupportedTxTypeError`.
 * The input is copied, so the caller may reuse its buffer.
 */
export function decodeSignedTx(input: Uint8Array): SignedTx {
  if (input.length === 0) {
    throw new TxDecodeError("empty input: expected a transaction type byte or a legacy RLP list");
  }
  const first = input[0]!;
  // EIP-2718: a legacy transaction starts with an RLP list prefix (≥ 0xc0),
  // a typed one with its type byte (≤ 0x7f).
  if (first >= 0xc0) return decodeLegacyTx(input.slice());
  if (first === 0x01 || first === 0x02) return decodeTypedTx(input.slice(), first);
  if (first <= 0x7f) throw new UnsupportedTxTypeError(first);
  throw new TxDecodeError(
    `first byte 0x${first.toString(16)} is an RLP string prefix: expected a transaction type (0x00-0x7f) or a legacy RLP list (0xc0-0xff)`,
  );
}
