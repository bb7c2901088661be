// Receipt encoding (EIP-2718 envelopes), the values of a block's receipts trie.
import { bigintToMinimalBytes, encode, type RlpInput } from "../rlp/index";
import type { Log, Receipt } from "./types";

/** The consensus encoding: type byte (for typed transactions) ‖ rlp([status, cumulativeGas, bloom, logs]). */
export function encodeReceipt(r: Pick<Receipt, "type" | "status" | "cumulativeGasUsed" | "logsBloom" | "logs">): Uint8Array {
  const body = encode([
    r.status ? new Uint8Array([1]) : new Uint8Array(0),
    bigintToMinimalBytes(r.cumulativeGasUsed),
    r.logsBloom,
    r.logs.map((l: Log) => [l.address, l.topics, l.data] as RlpInput),
  ]);
  if (r.type === 0) return body;
  const out = new Uint8Array(body.length + 1);
  out[0] = r.type;
  out.set(body, 1);
  return out;
}
