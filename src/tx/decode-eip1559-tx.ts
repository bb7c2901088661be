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

const WHAT = "EIP-1559 (type 0x02) transaction";

/**
 * Decodes `0x02 || rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas,
 * gasLimit, to, value, data, accessList, yParity, r, s])`. `raw` must be a
 * private copy: the returned fields are views into it.
 */
export function decodeEip1559Tx(raw: Uint8Array): SignedTx {
  const fields = decodeTxRlp(raw.subarray(1), WHAT, 1);
  expectFieldCount(fields, 12, WHAT);
  const maxPriorityFeePerGas = readUint(fields[2]!, "maxPriorityFeePerGas");
  const maxFeePerGas = readUint(fields[3]!, "maxFeePerGas");
  return {
    type: 2,
    chainId: readUint(fields[0]!, "chainId"),
    nonce: readNonce(fields[1]!),
    gasPrice: null,
    maxFeePerGas,
    maxPriorityFeePerGas,
    gasLimit: readGasLimit(fields[4]!),
    to: readTo(fields[5]!),
    value: readUint(fields[6]!, "value"),
    data: readBytes(fields[7]!, "data"),
    accessList: readAccessList(fields[8]!),
    yParity: readYParity(fields[9]!),
    r: readR(fields[10]!),
    s: readS(fields[11]!),
    raw,
    hash: keccak256(raw),
    signingHash: typedSigningHash(2, fields.slice(0, 9)),
  };
}
