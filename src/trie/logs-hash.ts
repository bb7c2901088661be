import { keccak256 } from "../crypto/keccak";
import { encode } from "../rlp/encode";
import type { RlpInput } from "../rlp/types";

/** One EVM log entry. */
export interface LogEntry {
  /** 20-byte emitting address. */
  address: Uint8Array;
  /** Up to four 32-byte topics. */
  topics: Uint8Array[];
  data: Uint8Array;
}

/**
 * keccak256(rlp([[address, [topics...], data], ...])): the `logs` field of
 * Ethereum state tests, a compact commitment to every log a test emitted.
 */
export function logsHash(logs: Iterable<LogEntry>): Uint8Array {
  const items: RlpInput[] = [];
  for (const log of logs) items.push([log.address, log.topics, log.data]);
  return keccak256(encode(items));
}
