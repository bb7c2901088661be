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

const WHAT = { 1: "EIP-2930 (type 0x01) transaction", 2: "EIP-1559 (type 0x02) transaction" } as const;

/**
 * Decodes `0x01 || rlp([chainId, nonce, gasPrice, gasLimit, to, value, data,
 * accessList, yParity, r, s])`, or `0x02 || rlp([chainId, nonce,
 * maxPriorityFeePerGas, maxFeePerGas, gasLimit, ...the same])`: the two differ
 * only in their fee fields. `raw` must be a private copy: the returned fields
 * are views into it.
 */
export function decodeTypedTx(raw: Uint8Array, type: 1 | 2): SignedTx {
  const what = WHAT[type];
  const fields = decodeTxRlp(raw.subarray(1), what, 1);
  expectFieldCount(fields, 10 + type, what);
  let gasPrice: bigint | null;
  let maxPriorityFeePerGas: bigint;
  let maxFeePerGas: bigint;
  if (type === 1) {
    gasPrice = maxPriorityFeePerGas = maxFeePerGas = readUint(fields[2]!, "gasPrice");
  } else {
    gasPrice = null;
    maxPriorityFeePerGas = readUint(fields[2]!, "maxPriorityFeePerGas");
    maxFeePerGas = readUint(fields[3]!, "maxFeePerGas");
  }
  const at = 2 + type; // gasLimit
  return {
    type,
    chainId: readUint(fields[0]!, "chainId"),
    nonce: readNonce(fields[1]!),
    gasPrice,
    maxFeePerGas,
    maxPriorityFeePerGas,
    gasLimit: readGasLimit(fields[at]!),
    to: readTo(fields[at + 1]!),
    value: readUint(fields[at + 2]!, "value"),
    data: readBytes(fields[at + 3]!, "data"),
    accessList: readAccessList(fields[at + 4]!),
    yParity: readYParity(fields[at + 5]!),
    r: readR(fields[at + 6]!),
    s: readS(fields[at + 7]!),
    raw,
    hash: keccak256(raw),
    signingHash: typedSigningHash(type, fields.slice(0, at + 5)),
  };
}
