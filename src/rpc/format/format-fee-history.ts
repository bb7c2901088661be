import type { FeeHistory } from "../node-api";
import { toQuantity } from "./quantity";

/** eth_feeHistory's result; `reward` only when percentiles were asked for, as geth does. */
export interface RpcFeeHistory {
  oldestBlock: string;
  baseFeePerGas: string[];
  gasUsedRatio: number[];
  baseFeePerBlobGas: string[];
  blobGasUsedRatio: number[];
  reward?: string[][];
}

/** Formats a fee history. */
export function formatFeeHistory(h: FeeHistory): RpcFeeHistory {
  const out: RpcFeeHistory = {
    oldestBlock: toQuantity(h.oldestBlock),
    baseFeePerGas: h.baseFeePerGas.map(toQuantity),
    gasUsedRatio: h.gasUsedRatio,
    baseFeePerBlobGas: h.baseFeePerBlobGas.map(toQuantity),
    blobGasUsedRatio: h.blobGasUsedRatio,
  };
  if (h.reward !== undefined) out.reward = h.reward.map((row) => row.map(toQuantity));
  return out;
}
