// Push subscriptions; they need a WebSocket to push on.
import type { MethodContext } from "../method-context";
import { decodeSubscriptionLogFilter } from "../params/decode-log-filter";
import { decodeString, ParamList } from "../params/param-list";
import { NotificationsUnsupportedError, UnknownSubscriptionError } from "../rpc-errors";
import { SUBSCRIPTION_KINDS, type SubscriptionKind } from "../ws/subscription-hub";

function requireConnection(ctx: MethodContext, method: string) {
  if (ctx.connection === null) throw new NotificationsUnsupportedError(method);
  return ctx.connection;
}

/** eth_subscribe: ["newHeads"] | ["logs", filter?] | ["miniBlocks"] → subscription id. */
export function ethSubscribe(params: readonly unknown[], ctx: MethodContext): string {
  const connection = requireConnection(ctx, "eth_subscribe");
  const args = new ParamList(params, 2);
  const kind = args.required(0, "subscription kind", decodeString);
  if (!(SUBSCRIPTION_KINDS as readonly string[]).includes(kind)) throw new UnknownSubscriptionError(kind, SUBSCRIPTION_KINDS);
  if (kind === "logs") {
    const filter = args.optional(1, "logs filter", decodeSubscriptionLogFilter) ?? {};
    return ctx.hub.subscribe(connection, "logs", filter);
  }
  new ParamList(params, 1); // newHeads and miniBlocks take no options
  return ctx.hub.subscribe(connection, kind as SubscriptionKind, {});
}

/** eth_unsubscribe: [id] → true if the subscription existed on this connection. */
export function ethUnsubscribe(params: readonly unknown[], ctx: MethodContext): boolean {
  const connection = requireConnection(ctx, "eth_unsubscribe");
  const args = new ParamList(params, 1);
  return ctx.hub.unsubscribe(connection, args.required(0, "subscription id", decodeString));
}
