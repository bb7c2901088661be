// The transaction-call object of eth_call and eth_estimateGas.
import type { CallRequest } from "../node-api";
import { bytesEqual } from "../../crypto";
import { decodeAddress, decodeData, decodeHash } from "./decode-data";
import { decodeQuantity } from "./decode-quantity";
import { fieldPath, paramError } from "./param-error";

type AccessList = NonNullable<CallRequest["accessList"]>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** An EIP-2930 access list: [{address, storageKeys: [hash, …]}, …]. */
export function decodeAccessList(value: unknown, path: string): AccessList {
  const expected = 'an access list [{"address": …, "storageKeys": [ … ]}, …]';
  if (!Array.isArray(value)) throw paramError(path, expected, value);
  return value.map((entry, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(entry)) throw paramError(at, '{"address": …, "storageKeys": [ … ]}', entry);
    const keys = entry.storageKeys ?? [];
    if (!Array.isArray(keys)) throw paramError(fieldPath(at, "storageKeys"), "an array of 32-byte hashes", keys);
    return {
      address: decodeAddress(entry.address, fieldPath(at, "address")),
      storageKeys: keys.map((k, j) => decodeHash(k, `${fieldPath(at, "storageKeys")}[${j}]`)),
    };
  });
}

/**
 * Decodes a call object. Unknown fields (nonce, type, chainId, …) are ignored as geth ignores
 * them; every field this node uses is checked strictly.
 */
export function decodeCallRequest(value: unknown, path: string): CallRequest {
  if (!isObject(value)) throw paramError(path, 'a transaction call object such as {"to": "0x…", "data": "0x…"}', value);
  const req: CallRequest = {};
  if (present(value.from)) req.from = decodeAddress(value.from, fieldPath(path, "from"));
  if (value.to === null) req.to = null;
  else if (value.to !== undefined) req.to = decodeAddress(value.to, fieldPath(path, "to"));
  if (present(value.gas)) req.gas = decodeQuantity(value.gas, fieldPath(path, "gas"), 64);
  if (present(value.gasPrice)) req.gasPrice = decodeQuantity(value.gasPrice, fieldPath(path, "gasPrice"));
  if (present(value.maxFeePerGas)) req.maxFeePerGas = decodeQuantity(value.maxFeePerGas, fieldPath(path, "maxFeePerGas"));
  if (present(value.maxPriorityFeePerGas)) {
    req.maxPriorityFeePerGas = decodeQuantity(value.maxPriorityFeePerGas, fieldPath(path, "maxPriorityFeePerGas"));
  }
  if (req.gasPrice !== undefined && (req.maxFeePerGas !== undefined || req.maxPriorityFeePerGas !== undefined)) {
    throw paramError(path, "either gasPrice or maxFeePerGas/maxPriorityFeePerGas", value, "both were specified, keep one");
  }
  if (present(value.value)) req.value = decodeQuantity(value.value, fieldPath(path, "value"));
  const input = present(value.input) ? decodeData(value.input, fieldPath(path, "input")) : undefined;
  const data = present(value.data) ? decodeData(value.data, fieldPath(path, "data")) : undefined;
  if (input !== undefined && data !== undefined && !bytesEqual(input, data)) {
    throw paramError(path, '"data" or "input" (or both, equal)', value, 'they differ; pass the call data in "input" only');
  }
  const callData = input ?? data;
  if (callData !== undefined) req.data = callData;
  if (present(value.accessList)) req.accessList = decodeAccessList(value.accessList, fieldPath(path, "accessList"));
  return req;
}
