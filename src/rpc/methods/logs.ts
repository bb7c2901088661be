import type { MethodContext } from "../method-context";
import { formatLog, type RpcLog } from "../format/format-log";
import { decodeLogFilter } from "../params/decode-log-filter";
import { ParamList } from "../params/param-list";

/** eth_getLogs: [filter] → matching logs with their positions. */
export function ethGetLogs(params: readonly unknown[], ctx: MethodContext): RpcLog[] {
  const args = new ParamList(params, 1);
  const filter = args.required(0, "filter", decodeLogFilter);
  return ctx.api.getLogs(filter).map(formatLog);
}
