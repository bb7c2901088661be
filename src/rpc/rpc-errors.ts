// Every error the RPC layer answers with. The JSON-RPC code lives on the class (as viem's
// errors/rpc.ts does) so a thrown error carries the exact code, message and data clients see.
import { bytesToHex } from "../crypto";
import { decodeRevertReason } from "./revert-reason";

/** Base of every error this layer turns into a JSON-RPC error object. */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.data = data;
  }
}

/** -32700: the request text is not JSON. */
export class ParseError extends RpcError {
  static readonly code = -32700;
  constructor(detail: string) {
    super(ParseError.code, `parse error: ${detail}`);
  }
}

/** -32600: JSON, but not a JSON-RPC 2.0 request (or a batch the server will not take). */
export class InvalidRequestError extends RpcError {
  static readonly code = -32600;
  constructor(message: string) {
    super(InvalidRequestError.code, message);
  }
}

/** -32601: no such method (geth's wording, which tooling matches on). */
export class MethodNotFoundError extends RpcError {
  static readonly code = -32601;
  constructor(method: string) {
    super(MethodNotFoundError.code, `the method ${method} does not exist/is not available`);
  }
}

/** -32601: a subscription method over a transport that cannot push (geth: "notifications not supported"). */
export class NotificationsUnsupportedError extends RpcError {
  static readonly code = -32601;
  constructor(method: string) {
    super(
      NotificationsUnsupportedError.code,
      `notifications not supported: ${method} needs a WebSocket connection (ws://), not HTTP`,
    );
  }
}

/** -32601: eth_subscribe with a kind this node does not offer (geth's wording). */
export class UnknownSubscriptionError extends RpcError {
  static readonly code = -32601;
  constructor(kind: string, known: readonly string[]) {
    super(
      UnknownSubscriptionError.code,
      `no ${JSON.stringify(kind)} subscription in eth namespace; available: ${known.join(", ")}`,
    );
  }
}

/** -32602: a parameter is missing, extra, or malformed; the message names it and what was expected. */
export class InvalidParamsError extends RpcError {
  static readonly code = -32602;
  constructor(message: string) {
    super(InvalidParamsError.code, message);
  }
}

/** -32603: an unexpected failure inside the node; details go to the node's log, not the client. */
export class InternalError extends RpcError {
  static readonly code = -32603;
  constructor(message = "internal error") {
    super(InternalError.code, message);
  }
}

/** -32000: geth's generic server error, for node failures that carry no code of their own. */
export class ServerError extends RpcError {
  static readonly code = -32000;
  constructor(message: string, data?: unknown) {
    super(ServerError.code, message, data);
  }
}

/** -32005 (EIP-1474 "limit exceeded"): a per-connection resource bound was hit. */
export class LimitExceededError extends RpcError {
  static readonly code = -32005;
  constructor(message: string) {
    super(LimitExceededError.code, message);
  }
}

/**
 * 3: the call reverted. geth's shape, which viem and ethers decode: message "execution reverted"
 * plus ": <reason>" when the data is Error(string) or Panic(uint256); data is the raw revert data.
 * The node throws this from `call` / `estimateGas`.
 */
export class ExecutionRevertedError extends RpcError {
  static readonly code = 3;
  readonly revertData: Uint8Array;

  constructor(revertData: Uint8Array) {
    const reason = decodeRevertReason(revertData);
    super(
      ExecutionRevertedError.code,
      reason === null ? "execution reverted" : `execution reverted: ${reason}`,
      bytesToHex(revertData),
    );
    this.revertData = revertData;
  }
}

/**
 * 4 (EIP-7966): eth_sendRawTransactionSync waited its whole window without a receipt. geth's
 * message; data is the transaction hash so the client can fall back to polling.
 */
export class TxSyncTimeoutError extends RpcError {
  static readonly code = 4;
  constructor(txHash: Uint8Array, timeoutMs: number) {
    super(
      TxSyncTimeoutError.code,
      `The transaction was added to the transaction pool but wasn't processed in ${formatDuration(timeoutMs)}`,
      bytesToHex(txHash),
    );
  }
}

// Go's time.Duration formatting for whole milliseconds, as geth prints the window.
function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}
