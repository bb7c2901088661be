// One HTTP body or WebSocket message in, its response text out: parse, split batches, check
// each request's envelope, dispatch, and never throw whatever the bytes were.
import { METHOD_TABLE } from "../method-table";
import type { MethodContext } from "../method-context";
import { describeValue } from "../params/describe-value";
import { InvalidParamsError, InvalidRequestError, MethodNotFoundError, ParseError, type RpcError } from "../rpc-errors";
import { toRpcErrorObject, type InternalErrorHook } from "../to-rpc-error";
import { errorResponse, resultResponse, type RpcId } from "./json-rpc-response";

/** Everything a payload needs: the method context plus where unexpected exceptions go. */
export interface PayloadContext extends MethodContext {
  onInternalError: InternalErrorHook;
}

interface Call {
  id: RpcId;
  /** False for notifications (no "id" member), which get no response. */
  wantsResponse: boolean;
  method: string;
  params: readonly unknown[];
}

function isValidId(id: unknown): id is RpcId {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

function rejection(id: RpcId, error: RpcError): string {
  return errorResponse(id, { code: error.code, message: error.message });
}

// Either a call to run, or the finished error response for a malformed request.
function readCall(item: unknown): Call | string {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return rejection(null, new InvalidRequestError(`invalid request: expected a JSON-RPC request object, got ${describeValue(item)}`));
  }
  const req = item as Record<string, unknown>;
  const hasId = Object.hasOwn(req, "id");
  if (hasId && !isValidId(req.id)) {
    return rejection(null, new InvalidRequestError(`invalid request: "id" must be a string, a number or null, got ${describeValue(req.id)}`));
  }
  const id = hasId ? (req.id as RpcId) : null;
  if (req.jsonrpc !== "2.0") {
    return rejection(id, new InvalidRequestError(`invalid request: "jsonrpc" must be "2.0", got ${describeValue(req.jsonrpc)}`));
  }
  if (typeof req.method !== "string" || req.method.length === 0) {
    return rejection(id, new InvalidRequestError(`invalid request: "method" must be a non-empty string, got ${describeValue(req.method)}`));
  }
  const params = req.params;
  if (params !== undefined && params !== null && !Array.isArray(params)) {
    if (typeof params === "object") {
      return rejection(id, new InvalidParamsError("invalid params: pass parameters by position in an array; named (object) params are not supported"));
    }
    return rejection(id, new InvalidRequestError(`invalid request: "params" must be an array, got ${describeValue(params)}`));
  }
  return { id, wantsResponse: hasId, method: req.method, params: (params as unknown[] | undefined | null) ?? [] };
}

async function runCall(call: Call, ctx: PayloadContext): Promise<string | null> {
  let text: string | null;
  try {
    const handler = METHOD_TABLE.get(call.method);
    if (handler === undefined) throw new MethodNotFoundError(call.method);
    const result = await handler(call.params, ctx);
    text = resultResponse(call.id, result);
    if (text === null) throw new TypeError(`result of ${call.method} is not serializable as JSON`);
  } catch (err) {
    text = errorResponse(call.id, toRpcErrorObject(err, call.method, ctx.onInternalError));
  }
  return call.wantsResponse ? text : null;
}

async function handleItem(item: unknown, ctx: PayloadContext): Promise<string | null> {
  const call = readCall(item);
  return typeof call === "string" ? call : runCall(call, ctx);
}

/**
 * The response text for a request payload, or null when nothing is owed (only notifications).
 * Batch members all start in order before any is awaited, so submissions keep the client's
 * order while slow calls (eth_sendRawTransactionSync) do not hold up the rest.
 */
export async function handlePayload(text: string, ctx: PayloadContext): Promise<string | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof RangeError ? "JSON nested too deeply" : "the request is not valid JSON";
    return rejection(null, new ParseError(detail));
  }
  if (!Array.isArray(parsed)) return handleItem(parsed, ctx);
  if (parsed.length === 0) return rejection(null, new InvalidRequestError("invalid request: empty batch"));
  if (parsed.length > ctx.limits.maxBatchLength) {
    return rejection(null, new InvalidRequestError(`batch too large: ${parsed.length} > ${ctx.limits.maxBatchLength}`));
  }
  const responses = await Promise.all(parsed.map((item) => handleItem(item, ctx)));
  const owed = responses.filter((r): r is string => r !== null);
  return owed.length === 0 ? null : `[${owed.join(",")}]`;
}
