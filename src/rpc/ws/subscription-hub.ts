// Fans node events out to WebSocket subscribers. The hub listens to the node once per kind and
// only while someone is subscribed, and formats each event once however many clients receive it.
import type { Block } from "../../chain/types";
import { formatHeader } from "../format/format-header";
import { formatLog } from "../format/format-log";
import { formatMiniBlock, type MiniBlockEvent } from "../format/format-mini-block";
import type { LogFilter, LogWithPosition, NodeApi, Unsubscribe } from "../node-api";
import { LimitExceededError } from "../rpc-errors";
import type { InternalErrorHook } from "../to-rpc-error";
import { logMatchesFilter } from "./log-filter-match";
import { newSubscriptionId } from "./subscription-id";
import type { WsConnection } from "./ws-connection";

/** The subscription kinds eth_subscribe accepts. */
export const SUBSCRIPTION_KINDS = ["newHeads", "logs", "miniBlocks"] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

type SubscriptionFilter = Pick<LogFilter, "address" | "topics">;

interface Subscription {
  id: string;
  kind: SubscriptionKind;
  connection: WsConnection;
  filter: SubscriptionFilter;
}

function notification(id: string, resultJson: string): string {
  return `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"${id}","result":${resultJson}}}`;
}

/** All live subscriptions of one server. */
export class SubscriptionHub {
  private readonly byId = new Map<string, Subscription>();
  private readonly byKind: Record<SubscriptionKind, Set<Subscription>> = {
    newHeads: new Set(),
    logs: new Set(),
    miniBlocks: new Set(),
  };
  private readonly nodeListeners: Partial<Record<SubscriptionKind, Unsubscribe>> = {};

  constructor(
    private readonly api: NodeApi,
    private readonly maxPerConnection: number,
    private readonly onInternalError: InternalErrorHook,
  ) {}

  /** Subscribes `connection` to `kind`; returns the id its notifications will carry. */
  subscribe(connection: WsConnection, kind: SubscriptionKind, filter: SubscriptionFilter): string {
    if (connection.subscriptions.size >= this.maxPerConnection) {
      throw new LimitExceededError(
        `too many subscriptions on this connection: ${connection.subscriptions.size} of ${this.maxPerConnection}; eth_unsubscribe some first`,
      );
    }
    const sub: Subscription = { id: newSubscriptionId(), kind, connection, filter };
    this.byId.set(sub.id, sub);
    this.byKind[kind].add(sub);
    connection.subscriptions.add(sub.id);
    this.listen(kind);
    return sub.id;
  }

  /** Ends subscription `id` if `connection` owns it; reports whether it did. */
  unsubscribe(connection: WsConnection, id: string): boolean {
    const sub = this.byId.get(id);
    if (sub === undefined || sub.connection !== connection) return false;
    this.remove(sub);
    return true;
  }

  /** Ends every subscription of a connection that closed. */
  dropConnection(connection: WsConnection): void {
    for (const id of connection.subscriptions) {
      const sub = this.byId.get(id);
      if (sub !== undefined) this.remove(sub);
    }
    connection.subscriptions.clear();
  }

  /** Number of live subscriptions (for tests and metrics). */
  get size(): number {
    return this.byId.size;
  }

  /** Stops listening to the node; used when the server stops. */
  close(): void {
    for (const sub of [...this.byId.values()]) this.remove(sub);
  }

  private remove(sub: Subscription): void {
    this.byId.delete(sub.id);
    this.byKind[sub.kind].delete(sub);
    sub.connection.subscriptions.delete(sub.id);
    if (this.byKind[sub.kind].size === 0) {
      const stop = this.nodeListeners[sub.kind];
      delete this.nodeListeners[sub.kind];
      stop?.();
    }
  }

  private listen(kind: SubscriptionKind): void {
    if (this.nodeListeners[kind] !== undefined) return;
    // A throwing listener would surface inside the node's commit path; keep failures here.
    const guard =
      <T>(fn: (value: T) => void) =>
      (value: T) => {
        try {
          fn(value);
        } catch (err) {
          this.onInternalError(err, `eth_subscription(${kind})`);
        }
      };
    if (kind === "newHeads") this.nodeListeners.newHeads = this.api.onNewHead(guard((b: Block) => this.publishHead(b)));
    else if (kind === "logs") this.nodeListeners.logs = this.api.onLogs(guard((l: LogWithPosition[]) => this.publishLogs(l)));
    else this.nodeListeners.miniBlocks = this.api.onMiniBlock(guard((m: MiniBlockEvent) => this.publishMiniBlock(m)));
  }

  private publishHead(block: Block): void {
    const json = JSON.stringify(formatHeader(block.header, block.hash));
    for (const sub of this.byKind.newHeads) sub.connection.send(notification(sub.id, json));
  }

  // geth sends one notification per log, which is what viem and ethers expect.
  private publishLogs(logs: LogWithPosition[]): void {
    for (const log of logs) {
      let json: string | undefined;
      for (const sub of this.byKind.logs) {
        if (!logMatchesFilter(log, sub.filter)) continue;
        json ??= JSON.stringify(formatLog(log));
        sub.connection.send(notification(sub.id, json));
      }
    }
  }

  private publishMiniBlock(mini: MiniBlockEvent): void {
    const json = JSON.stringify(formatMiniBlock(mini));
    for (const sub of this.byKind.miniBlocks) sub.connection.send(notification(sub.id, json));
  }
}
