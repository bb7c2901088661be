import type { RpcLimits } from "./limits";
import type { NodeApi } from "./node-api";
import type { SubscriptionHub } from "./ws/subscription-hub";
import type { WsConnection } from "./ws/ws-connection";

/** What a method handler may use besides its params. */
export interface MethodContext {
  api: NodeApi;
  limits: RpcLimits;
  /** The WebSocket the call arrived on; null over HTTP, where nothing can be pushed. */
  connection: WsConnection | null;
  hub: SubscriptionHub;
}

/** One JSON-RPC method: decoded params in, a JSON-ready result out (or a thrown error). */
export type MethodHandler = (params: readonly unknown[], ctx: MethodContext) => unknown;
