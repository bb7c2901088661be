import { bytesToHex } from "../../crypto";
import type { ReceiptWithBlock } from "../node-api";
import { formatReceipt, type RpcReceipt } from "./format-receipt";
import { toQuantity } from "./quantity";

/** What onMiniBlock reports; the shape NodeApi declares inline. */
export interface MiniBlockEvent {
  seq: bigint;
  blockNumber: bigint;
  timestamp: number;
  transactions: Uint8Array[];
  receipts: ReceiptWithBlock[];
}

/** A "miniBlocks" subscription payload: this node's own extension, so it follows geth's naming style. */
export interface RpcMiniBlock {
  seq: string;
  blockNumber: string;
  /** Milliseconds since the epoch, as a quantity. */
  timestamp: string;
  transactions: string[];
  receipts: RpcReceipt[];
}

/** Formats a mini-block notification. */
export function formatMiniBlock(m: MiniBlockEvent): RpcMiniBlock {
  return {
    seq: toQuantity(m.seq),
    blockNumber: toQuantity(m.blockNumber),
    timestamp: toQuantity(m.timestamp),
    transactions: m.transactions.map(bytesToHex),
    receipts: m.receipts.map(formatReceipt),
  };
}
