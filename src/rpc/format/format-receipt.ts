import { bytesToHex } from "../../crypto";
import type { ReceiptWithBlock } from "../node-api";
import { formatLog, type RpcLog } from "./format-log";
import { toQuantity } from "./quantity";

/** A receipt as geth returns it (eth_getTransactionReceipt, eth_sendRawTransactionSync). */
export interface RpcReceipt {
  blockHash: string;
  blockNumber: string;
  contractAddress: string | null;
  cumulativeGasUsed: string;
  effectiveGasPrice: string;
  from: string;
  gasUsed: string;
  logs: RpcLog[];
  logsBloom: string;
  status: string;
  to: string | null;
  transactionHash: string;
  transactionIndex: string;
  type: string;
}

/** Formats a stored receipt, giving each log its block position (logIndexStart + i). */
export function formatReceipt(r: ReceiptWithBlock): RpcReceipt {
  return {
    blockHash: bytesToHex(r.blockHash),
    blockNumber: toQuantity(r.blockNumber),
    contractAddress: r.contractAddress === null ? null : bytesToHex(r.contractAddress),
    cumulativeGasUsed: toQuantity(r.cumulativeGasUsed),
    effectiveGasPrice: toQuantity(r.effectiveGasPrice),
    from: bytesToHex(r.from),
    gasUsed: toQuantity(r.gasUsed),
    logs: r.logs.map((log, i) =>
      formatLog({
        ...log,
        blockNumber: r.blockNumber,
        blockHash: r.blockHash,
        transactionHash: r.transactionHash,
        transactionIndex: r.transactionIndex,
        logIndex: r.logIndexStart + i,
        removed: false,
      }),
    ),
    logsBloom: bytesToHex(r.logsBloom),
    status: toQuantity(r.status),
    to: r.to === null ? null : bytesToHex(r.to),
    transactionHash: bytesToHex(r.transactionHash),
    transactionIndex: toQuantity(r.transactionIndex),
    type: toQuantity(r.type),
  };
}
