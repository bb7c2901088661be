import { bytesToHex } from "../../crypto";
import type { LogWithPosition } from "../node-api";
import { toQuantity } from "./quantity";

/** A log as geth returns it from eth_getLogs, receipts and the logs subscription. */
export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  transactionHash: string;
  transactionIndex: string;
  blockHash: string;
  logIndex: string;
  removed: boolean;
}

/** Formats a positioned log (eth_getLogs, eth_subscribe "logs"). */
export function formatLog(log: LogWithPosition): RpcLog {
  return {
    address: bytesToHex(log.address),
    topics: log.topics.map(bytesToHex),
    data: bytesToHex(log.data),
    blockNumber: toQuantity(log.blockNumber),
    transactionHash: bytesToHex(log.transactionHash),
    transactionIndex: toQuantity(log.transactionIndex),
    blockHash: bytesToHex(log.blockHash),
    logIndex: toQuantity(log.logIndex),
    removed: log.removed,
  };
}
