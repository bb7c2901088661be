// Response serialization. Each response is stringified on its own so one unserializable result
// costs its own request an internal error instead of failing the whole batch.
import type { RpcErrorObject } from "../to-rpc-error";

/** A request id as JSON-RPC allows it. */
export type RpcId = string | number | null;

/** The JSON text of an error response. */
export function errorResponse(id: RpcId, error: RpcErrorObject): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error });
}

/** The JSON text of a result response, or null if the result cannot be written as JSON. */
export function resultResponse(id: RpcId, result: unknown): string | null {
  try {
    return JSON.stringify({ jsonrpc: "2.0", id, result: result === undefined ? null : result });
  } catch {
    return null;
  }
}
