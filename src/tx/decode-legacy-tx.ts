import { keccak256 } from "../crypto";
import { bigintToMinimalBytes, encode } from "../rlp";
import type { SignedTx } from "./signed-tx";
import { TxDecodeError } from "./tx-decode-error";
import { decodeTxRlp, expectFieldCount } from "./decode-tx-rlp";
import { readBytes, readGasLimit, readNonce, readR, readS, readTo, readUint } from "./tx-fields";

const WHAT = "legacy transaction";
const EMPTY = new Uint8Array(0);

/**
 * Decodes a legacy transaction `rlp([nonce, gasPrice, gasLimit, to, value,
 * data, v, r, s])`. v = 27/28 is pre-EIP-155 (no chain id, signed over the
 * six fields); v = 35 + 2·chainId + yParity is EIP-155 (chain id, 0, 0 are
 * appended to what was signed). Any other v is refused.
 * `raw` must be a private copy: the returned fields are views into it.
 */
export function decodeLegacyTx(raw: Uint8Array): SignedTx {
  const fields = decodeTxRlp(raw, WHAT, 0);
  expectFieldCount(fields, 9, WHAT);
  const nonce = readNonce(fields[0]!);
  const gasPrice = readUint(fields[1]!, "gasPrice");
  const gasLimit = readGasLimit(fields[2]!);
  const to = readTo(fields[3]!);
  const value = readUint(fields[4]!, "value");
  const data = readBytes(fields[5]!, "data");
  const v = readUint(fields[6]!, "v");
  const r = readR(fields[7]!);
  const s = readS(fields[8]!);

  let chainId: bigint | null;
  let yParity: 0 | 1;
  let signed: Uint8Array;
  if (v === 27n || v === 28n) {
    chainId = null;
    yParity = v === 27n ? 0 : 1;
    signed = encode(fields.slice(0, 6));
  } else if (v >= 35n) {
    chainId = (v - 35n) >> 1n;
    yParity = (v - 35n) & 1n ? 1 : 0;
    signed = encode([...fields.slice(0, 6), bigintToMinimalBytes(chainId), EMPTY, EMPTY]);
  } else {
    throw new TxDecodeError(`legacy v ${v} is invalid: must be 27/28 (pre-EIP-155) or 35 + 2*chainId + yParity (EIP-155)`, "v");
  }

  return {
    type: 0,
    chainId,
    nonce,
    gasPrice,
    maxFeePerGas: gasPrice,
    maxPriorityFeePerGas: gasPrice,
    gasLimit,
    to,
    value,
    data,
    accessList: [],
    yParity,
    r,
    s,
    raw,
    hash: keccak256(raw),
    signingHash: keccak256(signed),
  };
}
