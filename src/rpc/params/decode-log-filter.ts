// Log filters for eth_getLogs and the logs subscription.
import type { LogFilter } from "../node-api";
import { decodeBlockNumberOrTag } from "./decode-block-tag";
import { decodeAddress, decodeHash } from "./decode-data";
import { fieldPath, paramError } from "./param-error";

const MAX_TOPIC_POSITIONS = 4; // LOG0..LOG4: a log never has more topics.

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** `address`: one address or an OR-list of them; an empty list or null matches any address. */
export function decodeFilterAddresses(value: unknown, path: string): Uint8Array[] | undefined {
  if (!present(value)) return undefined;
  if (typeof value === "string") return [decodeAddress(value, path)];
  if (!Array.isArray(value)) throw paramError(path, "an address or an array of addresses", value);
  if (value.length === 0) return undefined;
  return value.map((a, i) => decodeAddress(a, `${path}[${i}]`));
}

/**
 * `topics`: per position null (any), a hash, or an OR-list of hashes. A null inside an
 * OR-list, or an empty list, matches anything at that position, as in geth.
 */
export function decodeFilterTopics(value: unknown, path: string): (Uint8Array[] | null)[] | undefined {
  if (!present(value)) return undefined;
  if (!Array.isArray(value)) throw paramError(path, "an array of topic positions (null, a hash, or an array of hashes)", value);
  if (value.length > MAX_TOPIC_POSITIONS) {
    throw paramError(path, `at most ${MAX_TOPIC_POSITIONS} topic positions`, value, "logs never have more than 4 topics");
  }
  return value.map((position, i) => {
    const at = `${path}[${i}]`;
    if (position === null) return null;
    if (typeof position === "string") return [decodeHash(position, at)];
    if (!Array.isArray(position)) throw paramError(at, "null, a 32-byte topic hash, or an array of them", position);
    if (position.length === 0 || position.includes(null)) return null;
    return position.map((t, j) => decodeHash(t, `${at}[${j}]`));
  });
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw paramError(path, 'a filter object such as {"address": "0x…", "topics": [ … ], "fromBlock": "0x1"}', value);
  }
  return value as Record<string, unknown>;
}

/** A full eth_getLogs filter: a block range or a single blockHash, plus address and topics. */
export function decodeLogFilter(value: unknown, path: string): LogFilter {
  const obj = asObject(value, path);
  const filter: LogFilter = {};
  if (present(obj.blockHash)) {
    if (present(obj.fromBlock) || present(obj.toBlock)) {
      throw paramError(path, "either blockHash or fromBlock/toBlock", value, "cannot specify both, choose one or the other");
    }
    filter.blockHash = decodeHash(obj.blockHash, fieldPath(path, "blockHash"));
  }
  if (present(obj.fromBlock)) filter.fromBlock = decodeBlockNumberOrTag(obj.fromBlock, fieldPath(path, "fromBlock"));
  if (present(obj.toBlock)) filter.toBlock = decodeBlockNumberOrTag(obj.toBlock, fieldPath(path, "toBlock"));
  const address = decodeFilterAddresses(obj.address, fieldPath(path, "address"));
  if (address !== undefined) filter.address = address;
  const topics = decodeFilterTopics(obj.topics, fieldPath(path, "topics"));
  if (topics !== undefined) filter.topics = topics;
  return filter;
}

/** The filter of a logs subscription: only address and topics (new logs have no range). */
export function decodeSubscriptionLogFilter(value: unknown, path: string): Pick<LogFilter, "address" | "topics"> {
  const obj = asObject(value, path);
  const filter: Pick<LogFilter, "address" | "topics"> = {};
  const address = decodeFilterAddresses(obj.address, fieldPath(path, "address"));
  if (address !== undefined) filter.address = address;
  const topics = decodeFilterTopics(obj.topics, fieldPath(path, "topics"));
  if (topics !== undefined) filter.topics = topics;
  return filter;
}
