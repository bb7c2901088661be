// Lookups of transactions (mined or pooled) and their receipts.
import type { MethodContext } from "../method-context";
import { formatReceipt, type RpcReceipt } from "../format/format-receipt";
import { formatTransaction, type RpcTransaction } from "../format/format-transaction";
import { decodeHash } from "../params/decode-data";
import { ParamList } from "../params/param-list";

/**
 * eth_getTransactionByHash: [hash] → the transaction with its position; a pooled one with null
 * blockHash, blockNumber and transactionIndex (as geth); null if unknown (a replica first asks
 * its upstream, whose pool it does not have).
 */
export function ethGetTransactionByHash(params: readonly unknown[], ctx: MethodContext): RpcTransaction | null | Promise<RpcTransaction | null> {
  const args = new ParamList(params, 1);
  const hash = args.required(0, "transaction hash", decodeHash);
  const found = ctx.api.getTransactionByHash(hash);
  if (found === null) return ctx.api.upstreamTransactionByHash?.(hash) ?? null;
  // TxLocation carries no base fee, so EIP-1559's effective gasPrice comes from the receipt;
  // pooled ones show maxFeePerGas, as geth does.
  const mined = found.blockNumber !== null;
  const effective = mined && found.tx.type === 2 ? ctx.api.getTransactionReceipt(hash)?.effectiveGasPrice : undefined;
  const formatted = formatTransaction(found.tx, {
    blockHash: found.blockHash,
    blockNumber: found.blockNumber,
    index: found.index,
    baseFeePerGas: null,
  });
  if (effective !== undefined) formatted.gasPrice = `0x${effective.toString(16)}`;
  return formatted;
}

/** eth_getTransactionReceipt: [hash] → the receipt, or null while not yet mined. */
export function ethGetTransactionReceipt(params: readonly unknown[], ctx: MethodContext): RpcReceipt | null {
  const args = new ParamList(params, 1);
  const hash = args.required(0, "transaction hash", decodeHash);
  const receipt = ctx.api.getTransactionReceipt(hash);
  return receipt === null ? null : formatReceipt(receipt);
}
