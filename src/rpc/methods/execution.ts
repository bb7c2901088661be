// Simulated execution against a block's state.
import { bytesToHex } from "../../crypto";
import type { MethodContext } from "../method-context";
import { toQuantity } from "../format/quantity";
import { decodeBlockNumberOrHash } from "../params/decode-block-tag";
import { decodeCallRequest } from "../params/decode-call-request";
import { decodeUnsupportedOverrides, ParamList } from "../params/param-list";

function readCallParams(params: readonly unknown[]) {
  const args = new ParamList(params, 4);
  const request = args.required(0, "transaction call object", decodeCallRequest);
  const tag = args.optional(1, "block", decodeBlockNumberOrHash) ?? "latest";
  args.optional(2, "state overrides", decodeUnsupportedOverrides);
  args.optional(3, "block overrides", decodeUnsupportedOverrides);
  return { request, tag };
}

/** eth_call: [call, block?] → return data; a revert surfaces as error 3 with the revert data. */
export function ethCall(params: readonly unknown[], ctx: MethodContext): string {
  const { request, tag } = readCallParams(params);
  return bytesToHex(ctx.api.call(request, tag));
}

/** eth_estimateGas: [call, block?] → gas the transaction needs. */
export function ethEstimateGas(params: readonly unknown[], ctx: MethodContext): string {
  const { request, tag } = readCallParams(params);
  return toQuantity(ctx.api.estimateGas(request, tag));
}
