// Turns whatever a handler threw into the error object clients see. The node signals failures
// with its own typed errors (the pool's TxPoolError, for one), so anything carrying a plausible
// JSON-RPC code passes through unchanged; everything else is a bug and becomes -32603.
import { bytesToHex } from "../crypto";
import { RlpError } from "../rlp/rlp-error";
import { TxDecodeError } from "../tx/tx-decode-error";
import { RpcError } from "./rpc-errors";
import { toJsonValue } from "./format/json-value";

/** The `error` member of a JSON-RPC response. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** Called with every exception that was not a typed error, so the operator can find the bug. */
export type InternalErrorHook = (error: unknown, method: string) => void;

const MAX_INTERNAL_MESSAGE = 200;

// JSON-RPC's reserved range, EIP-1474's server range, geth's engine-API range, and the small
// positive codes of EIP-7966 / revert (3, 4, 5). A numeric `code` outside these (an LMDB status,
// an errno) is not meant for clients.
function isClientFacingCode(code: unknown): code is number {
  if (typeof code !== "number" || !Number.isSafeInteger(code)) return false;
  return (code >= -32768 && code <= -32000) || (code >= -39999 && code <= -38000) || (code > 0 && code < 1000);
}

function errorData(data: unknown): unknown {
  if (data instanceof Uint8Array) return bytesToHex(data);
  return toJsonValue(data);
}

/** The JSON-RPC error object for `error`, thrown while serving `method`. */
export function toRpcErrorObject(error: unknown, method: string, onInternalError: InternalErrorHook): RpcErrorObject {
  if (error instanceof RpcError) return withData(error.code, error.message, error.data);
  if (error instanceof TxDecodeError || error instanceof RlpError) {
    // geth answers undecodable raw transactions with its generic -32000 and the decoder's text.
    return { code: -32000, message: error.message };
  }
  if (error instanceof Error && isClientFacingCode((error as { code?: unknown }).code)) {
    return withData((error as unknown as { code: number }).code, error.message, (error as { data?: unknown }).data);
  }
  onInternalError(error, method);
  const text = error instanceof Error ? error.message : String(error);
  const short = text.length > MAX_INTERNAL_MESSAGE ? `${text.slice(0, MAX_INTERNAL_MESSAGE)}…` : text;
  return { code: -32603, message: short ? `internal error: ${short}` : "internal error" };
}

function withData(code: number, message: string, data: unknown): RpcErrorObject {
  const json = data === undefined ? undefined : errorData(data);
  return json === undefined ? { code, message } : { code, message, data: json };
}
