// The JSON-RPC server: HTTP POST and WebSocket on one port, on Bun.serve (uWebSockets).
import type { Server, ServerWebSocket } from "bun";
import type { Logger } from "../../log/logger";
import { DEFAULT_RPC_LIMITS, resolveLimits, type RpcLimits } from "../limits";
import type { NodeApi } from "../node-api";
import { InvalidRequestError, LimitExceededError } from "../rpc-errors";
import type { InternalErrorHook } from "../to-rpc-error";
import { SubscriptionHub } from "../ws/subscription-hub";
import { WsConnection } from "../ws/ws-connection";
import { handlePayload, type PayloadContext } from "./handle-payload";
import { baseHeaders, httpError, preflight } from "./http-responses";
import { readBodyWithLimit } from "./read-body";

/** How to run the server. */
export interface RpcServerOptions {
  api: NodeApi;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Port to bind; 0 picks a free one. Default 8545. */
  port?: number;
  limits?: Partial<RpcLimits>;
  /**
   * eth_sendRawTransactionSync's default wait (the sequencer's --receipt-timeout-ms): shorthand for
   * limits.txSyncDefaultTimeoutMs, raising txSyncMaxTimeoutMs to match when it is lower.
   */
  receiptTimeoutMs?: number;
  /** Where unexpected exceptions are logged when onInternalError is not given. */
  log?: Pick<Logger, "error">;
  /** Access-Control-Allow-Origin for browser dapps; null sends no CORS headers. Default "*". */
  corsOrigin?: string | null;
  /** Receives exceptions that were not typed RPC errors; default logs them to stderr. */
  onInternalError?: InternalErrorHook;
}

/** A running server. */
export interface RpcServer {
  /** http://host:port/ for JSON-RPC over HTTP. */
  url: string;
  /** ws://host:port/ for JSON-RPC over WebSocket (subscriptions). */
  wsUrl: string;
  /** Open WebSocket connections and live subscriptions, for metrics and tests. */
  stats(): { wsConnections: number; subscriptions: number };
  /** Ends subscriptions, closes every connection and releases the port. */
  stop(): Promise<void>;
}

interface SocketData {
  connection: WsConnection | null;
}

const CLOSE_TRY_AGAIN_LATER = 1013;

function internalErrorHook(log: Pick<Logger, "error"> | undefined): InternalErrorHook {
  if (log === undefined) return (error, method) => console.error(`rpc: unexpected error in ${method}:`, error);
  return (error, method) =>
    log.error("unexpected error in RPC method", {
      method,
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
}

function limitsWithReceiptTimeout(limits: Partial<RpcLimits> = {}, receiptTimeoutMs?: number): Partial<RpcLimits> {
  if (receiptTimeoutMs === undefined) return limits;
  const max = limits.txSyncMaxTimeoutMs ?? DEFAULT_RPC_LIMITS.txSyncMaxTimeoutMs;
  return { ...limits, txSyncDefaultTimeoutMs: receiptTimeoutMs, txSyncMaxTimeoutMs: Math.max(max, receiptTimeoutMs) };
}

function hostForUrl(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Starts serving `api` over JSON-RPC 2.0 (HTTP POST and WebSocket, batches on both). */
export function startRpcServer(options: RpcServerOptions): RpcServer {
  const limits = resolveLimits(limitsWithReceiptTimeout(options.limits, options.receiptTimeoutMs));
  const host = options.host ?? "127.0.0.1";
  const cors = options.corsOrigin === undefined ? "*" : options.corsOrigin;
  const onInternalError = options.onInternalError ?? internalErrorHook(options.log);
  const hub = new SubscriptionHub(options.api, limits.maxSubscriptionsPerConnection, onInternalError);
  const httpContext: PayloadContext = { api: options.api, limits, connection: null, hub, onInternalError };
  const decoder = new TextDecoder("utf-8");
  let openSockets = 0;

  const tooLargeMessage = (size: number) =>
    `request too large: ${size} bytes > ${limits.maxBodyBytes}-byte limit; send smaller requests or batches, or raise limits.maxBodyBytes`;

  async function handlePost(req: Request): Promise<Response> {
    const body = await readBodyWithLimit(req, limits.maxBodyBytes);
    if (!(body instanceof Uint8Array)) {
      return httpError(413, InvalidRequestError.code, tooLargeMessage(body.tooLarge), cors, { connection: "close" });
    }
    const response = await handlePayload(decoder.decode(body), httpContext);
    return new Response(response ?? "", { status: 200, headers: baseHeaders(cors) });
  }

  function handleUpgrade(req: Request, srv: Server<SocketData>): Response | undefined {
    if (openSockets >= limits.maxWsConnections) {
      return httpError(
        503,
        LimitExceededError.code,
        `too many WebSocket connections: ${openSockets} open, limit ${limits.maxWsConnections}; retry later or raise limits.maxWsConnections`,
        cors,
      );
    }
    if (srv.upgrade(req, { data: { connection: null } satisfies SocketData })) return undefined;
    return httpError(400, InvalidRequestError.code, "WebSocket upgrade failed: send a valid WebSocket handshake", cors);
  }

  function onMessage(ws: ServerWebSocket<SocketData>, message: string | Buffer): void {
    const connection = ws.data.connection;
    if (connection === null) return;
    const size = typeof message === "string" ? Buffer.byteLength(message) : message.byteLength;
    if (size > limits.maxBodyBytes) {
      connection.send(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: InvalidRequestError.code, message: tooLargeMessage(size) } }));
      return;
    }
    // Binary frames are read as UTF-8 JSON too, as geth does; garbage just gets a parse error.
    const text = typeof message === "string" ? message : decoder.decode(message);
    handlePayload(text, { ...httpContext, connection })
      .then((response) => {
        if (response !== null) connection.send(response);
      })
      .catch((err) => onInternalError(err, "websocket message"));
  }

  const server = Bun.serve<SocketData, never>({
    hostname: host,
    port: options.port ?? 8545,
    // Bun's own cap would answer without a JSON body; readBodyWithLimit enforces ours.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    // An HTTP eth_sendRawTransactionSync may legitimately stay silent for its whole window.
    idleTimeout: Math.min(255, Math.ceil(limits.txSyncMaxTimeoutMs / 1000) + 10),
    async fetch(req, srv) {
      try {
        const upgrade = req.headers.get("upgrade");
        if (req.method === "GET" && upgrade !== null && upgrade.toLowerCase() === "websocket") return handleUpgrade(req, srv);
        if (req.method === "POST") return await handlePost(req);
        if (req.method === "OPTIONS") return preflight(cors);
        // geth answers a bare GET with 200 so load balancers can health-check the port.
        if (req.method === "GET" || req.method === "HEAD") return new Response(null, { status: 200 });
        return httpError(405, InvalidRequestError.code, `HTTP method ${req.method} not allowed: send JSON-RPC requests with POST`, cors, {
          allow: "POST, GET, OPTIONS",
        });
      } catch (err) {
        onInternalError(err, "http request");
        return httpError(500, -32603, "internal error", cors);
      }
    },
    websocket: {
      // Messages between the limit and twice it get a JSON-RPC error; beyond, uWS closes with 1009.
      maxPayloadLength: limits.maxBodyBytes * 2,
      // WsConnection enforces the send-buffer bound itself (with a close reason); this only
      // keeps Bun from dropping messages silently before that check runs.
      backpressureLimit: limits.maxWsSendBufferBytes * 2 + limits.maxBodyBytes * 2,
      closeOnBackpressureLimit: false,
      open(ws) {
        // Upgrades racing past handleUpgrade's check are refused here.
        if (openSockets >= limits.maxWsConnections) {
          ws.close(CLOSE_TRY_AGAIN_LATER, `too many WebSocket connections (limit ${limits.maxWsConnections})`);
          return;
        }
        openSockets++;
        ws.data.connection = new WsConnection(ws, limits.maxWsSendBufferBytes);
      },
      message: onMessage,
      close(ws) {
        const connection = ws.data.connection;
        if (connection === null) return;
        ws.data.connection = null;
        openSockets--;
        connection.markClosed();
        hub.dropConnection(connection);
      },
    },
  });

  const base = `${hostForUrl(host)}:${server.port}`;
  return {
    url: `http://${base}/`,
    wsUrl: `ws://${base}/`,
    stats: () => ({ wsConnections: openSockets, subscriptions: hub.size }),
    async stop() {
      hub.close();
      await server.stop(true);
    },
  };
}
