// Bounds that keep one client from exhausting the node. Every one is configurable; the defaults
// follow geth where geth has one (5 MiB body, 1000-item batches) and EIP-7966 for tx sync waits.

/** Resource bounds of the RPC server. */
export interface RpcLimits {
  /** Largest HTTP body or WebSocket message, in bytes. */
  maxBodyBytes: number;
  /** Most requests in one batch. */
  maxBatchLength: number;
  /** Most WebSocket connections open at once; further upgrades get HTTP 503. */
  maxWsConnections: number;
  /** Bytes queued for a WebSocket client that is not reading before it is dropped. */
  maxWsSendBufferBytes: number;
  /** Most subscriptions one WebSocket connection may hold. */
  maxSubscriptionsPerConnection: number;
  /** eth_sendRawTransactionSync's wait when the client gives none (EIP-7966 recommends 2 s). */
  txSyncDefaultTimeoutMs: number;
  /** Longest wait a client may ask eth_sendRawTransactionSync for; longer requests are clamped. */
  txSyncMaxTimeoutMs: number;
}

/** The limits used where the caller sets none. */
export const DEFAULT_RPC_LIMITS: Readonly<RpcLimits> = Object.freeze({
  maxBodyBytes: 5 * 1024 * 1024,
  maxBatchLength: 1000,
  maxWsConnections: 1000,
  maxWsSendBufferBytes: 16 * 1024 * 1024,
  maxSubscriptionsPerConnection: 1000,
  txSyncDefaultTimeoutMs: 2000,
  txSyncMaxTimeoutMs: 10_000,
});

/** `overrides` on top of the defaults; throws on a limit that is not a positive integer. */
export function resolveLimits(overrides: Partial<RpcLimits> = {}): RpcLimits {
  const limits: RpcLimits = { ...DEFAULT_RPC_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof RpcLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_RPC_LIMITS)) throw new TypeError(`unknown RPC limit "${key}"; known: ${Object.keys(DEFAULT_RPC_LIMITS).join(", ")}`);
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`RPC limit ${key} must be a positive integer, got ${String(value)}`);
    }
    limits[key] = value;
  }
  if (limits.txSyncDefaultTimeoutMs > limits.txSyncMaxTimeoutMs) {
    throw new RangeError(
      `RPC limit txSyncDefaultTimeoutMs (${limits.txSyncDefaultTimeoutMs}) exceeds txSyncMaxTimeoutMs (${limits.txSyncMaxTimeoutMs})`,
    );
  }
  return limits;
}
