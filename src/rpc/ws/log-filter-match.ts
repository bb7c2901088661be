import { bytesEqual } from "../../crypto";
import type { LogFilter, LogWithPosition } from "../node-api";

/** Whether `log` passes a subscription's address and topic criteria (geth's matching rules). */
export function logMatchesFilter(log: LogWithPosition, filter: Pick<LogFilter, "address" | "topics">): boolean {
  if (filter.address !== undefined && filter.address.length > 0) {
    if (!filter.address.some((a) => bytesEqual(a, log.address))) return false;
  }
  const topics = filter.topics;
  if (topics === undefined) return true;
  // A filter naming more positions than the log has topics cannot match it.
  if (topics.length > log.topics.length) return false;
  for (let i = 0; i < topics.length; i++) {
    const wanted = topics[i];
    if (wanted === null || wanted === undefined) continue;
    const topic = log.topics[i]!;
    if (!wanted.some((t) => bytesEqual(t, topic))) return false;
  }
  return true;
}
