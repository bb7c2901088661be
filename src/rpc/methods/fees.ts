// Fee suggestions and history.
import type { MethodContext } from "../method-context";
import { formatFeeHistory, type RpcFeeHistory } from "../format/format-fee-history";
import { toQuantity } from "../format/quantity";
import { decodeBlockNumberOrTag } from "../params/decode-block-tag";
import { decodeQuantityOrInteger } from "../params/decode-quantity";
import { paramError } from "../params/param-error";
import { ParamList } from "../params/param-list";

// geth's cap; larger requests are clamped rather than refused.
const MAX_FEE_HISTORY_BLOCKS = 1024;
const MAX_PERCENTILES = 100;

/** eth_gasPrice: a legacy gas price that gets a transaction included now. */
export function ethGasPrice(params: readonly unknown[], ctx: MethodContext): string {
  new ParamList(params, 0);
  return toQuantity(ctx.api.gasPrice());
}

/** eth_maxPriorityFeePerGas: a tip that gets an EIP-1559 transaction included now. */
export function ethMaxPriorityFeePerGas(params: readonly unknown[], ctx: MethodContext): string {
  new ParamList(params, 0);
  return toQuantity(ctx.api.maxPriorityFeePerGas());
}

function decodePercentiles(value: unknown, path: string): number[] {
  const expected = `an increasing array of at most ${MAX_PERCENTILES} numbers between 0 and 100`;
  if (!Array.isArray(value) || value.length > MAX_PERCENTILES) throw paramError(path, expected, value);
  value.forEach((p, i) => {
    if (typeof p !== "number" || !(p >= 0 && p <= 100)) throw paramError(`${path}[${i}]`, "a number between 0 and 100", p);
    if (i > 0 && p < (value[i - 1] as number)) {
      throw paramError(path, expected, value, `entry ${i} (${p}) is below entry ${i - 1} (${value[i - 1]})`);
    }
  });
  return value as number[];
}

/** eth_feeHistory: [blockCount, newestBlock, rewardPercentiles?] → base fees, usage and tips. */
export function ethFeeHistory(params: readonly unknown[], ctx: MethodContext): RpcFeeHistory {
  const args = new ParamList(params, 3);
  const count = args.required(0, "block count", decodeQuantityOrInteger);
  const newest = args.required(1, "newest block", decodeBlockNumberOrTag);
  const percentiles = args.optional(2, "reward percentiles", decodePercentiles);
  const blockCount = Number(count > BigInt(MAX_FEE_HISTORY_BLOCKS) ? BigInt(MAX_FEE_HISTORY_BLOCKS) : count);
  return formatFeeHistory(ctx.api.feeHistory(blockCount, newest, percentiles));
}
