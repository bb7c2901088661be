export { startRpcServer, type RpcServer, type RpcServerOptions } from "./server/start-rpc-server";
export { DEFAULT_RPC_LIMITS, resolveLimits, type RpcLimits } from "./limits";
export {
  RpcError,
  ParseError,
  InvalidRequestError,
  MethodNotFoundError,
  NotificationsUnsupportedError,
  UnknownSubscriptionError,
  InvalidParamsError,
  InternalError,
  ServerError,
  LimitExceededError,
  ExecutionRevertedError,
  TxSyncTimeoutError,
} from "./rpc-errors";
export { decodeRevertReason } from "./revert-reason";
export { toRpcErrorObject, type RpcErrorObject, type InternalErrorHook } from "./to-rpc-error";
export { handlePayload, type PayloadContext } from "./server/handle-payload";
export { METHOD_TABLE } from "./method-table";
export type { MethodContext, MethodHandler } from "./method-context";
export { SUBSCRIPTION_KINDS, type SubscriptionKind } from "./ws/subscription-hub";
export { formatBlock, type RpcBlock } from "./format/format-block";
export { formatHeader, type RpcHeader } from "./format/format-header";
export { formatTransaction, type RpcTransaction, type TxPosition } from "./format/format-transaction";
export { formatReceipt, type RpcReceipt } from "./format/format-receipt";
export { formatLog, type RpcLog } from "./format/format-log";
export { blockSize } from "./format/block-size";
export type {
  NodeApi,
  CallRequest,
  LogFilter,
  LogWithPosition,
  TxLocation,
  ReceiptWithBlock,
  FeeHistory,
  Unsubscribe,
} from "./node-api";
