import { keccak256 } from "../crypto";
import type { SignedTx } from "./signed-tx";
import { decodeTxRlp, expectFieldCount } from "./decode-tx-rlp";
import { typedSigningHash } from "./typed-signing-hash";
import {
  readAccessList,
  readBytes,
  readGasLimit,
  readNonce,
  readR,
  readS,
  readTo,
  readUint,
  readYParity,
} from "./tx-fields";

const WHAT = "EIP-2930 (type 0x01) transaction";

/**
 * Decodes `0x01 || rlp([chainId, nonce, gasPrice, gasLimit, to, value, data,
 * accessList, yParity, r, s])`. `raw` must be a private copy: the returned
 * fields are views into it.
 */
export function decodeEip2930Tx(raw: Uint8Array): SignedTx {
  const fields = decodeTxRlp(raw.subarray(1), WHAT, 1);
  expectFieldCount(fields, 11, WHAT);
  const gasPrice = readUint(fields[2]!, "gasPrice");
  return {
    type: 1,
    chainId: readUint(fields[0]!, "chainId"),
    nonce: readNonce(fields[1]!),
    gasPrice,
    maxFeePerGas: gasPrice,
    maxPriorityFeePerGas: gasPrice,
    gasLimit: readGasLimit(fields[3]!),
    to: readTo(fields[4]!),
    value: readUint(fields[5]!, "value"),
    data: readBytes(fields[6]!, "data"),
    accessList: readAccessList(fields[7]!),
    yParity: readYParity(fields[8]!),
    r: readR(fields[9]!),
    s: readS(fields[10]!),
    raw,
    hash: keccak256(raw),
    signingHash: typedSigningHash(1, fields.slice(0, 8)),
  };
}
