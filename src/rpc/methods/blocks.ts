// Block lookups by number or hash.
import type { BlockTag } from "../../chain/types";
import type { MethodContext } from "../method-context";
import { asPendingBlock, formatBlock, type RpcBlock, type RpcPendingBlock } from "../format/format-block";
import { toQuantity } from "../format/quantity";
import { decodeBlockNumberOrTag } from "../params/decode-block-tag";
import { decodeHash } from "../params/decode-data";
import { decodeBool, ParamList } from "../params/param-list";

function blockBy(tag: BlockTag, fullTransactions: boolean, ctx: MethodContext): RpcBlock | null {
  const block = ctx.api.getBlock(tag);
  return block === null ? null : formatBlock(block, fullTransactions);
}

function transactionCount(tag: BlockTag, ctx: MethodContext): string | null {
  const block = ctx.api.getBlock(tag);
  return block === null ? null : toQuantity(block.transactions.length);
}

/**
 * eth_getBlockByNumber: [numberOrTag, fullTransactions?] → the block, or null past the head.
 * "pending" comes with hash, nonce and miner null, as geth's GetBlockByNumber does.
 */
export function ethGetBlockByNumber(params: readonly unknown[], ctx: MethodContext): RpcBlock | RpcPendingBlock | null {
  const args = new ParamList(params, 2);
  const tag = args.required(0, "block number", decodeBlockNumberOrTag);
  const block = blockBy(tag, args.optional(1, "full transactions", decodeBool) ?? false, ctx);
  return block !== null && tag === "pending" ? asPendingBlock(block) : block;
}

/** eth_getBlockByHash: [hash, fullTransactions?] → the block, or null if unknown. */
export function ethGetBlockByHash(params: readonly unknown[], ctx: MethodContext): RpcBlock | null {
  const args = new ParamList(params, 2);
  const hash = args.required(0, "block hash", decodeHash);
  return blockBy({ hash }, args.optional(1, "full transactions", decodeBool) ?? false, ctx);
}

/** eth_getBlockTransactionCountByNumber: [numberOrTag] → how many transactions, or null. */
export function ethGetBlockTransactionCountByNumber(params: readonly unknown[], ctx: MethodContext): string | null {
  const args = new ParamList(params, 1);
  return transactionCount(args.required(0, "block number", decodeBlockNumberOrTag), ctx);
}

/** eth_getBlockTransactionCountByHash: [hash] → how many transactions, or null. */
export function ethGetBlockTransactionCountByHash(params: readonly unknown[], ctx: MethodContext): string | null {
  const args = new ParamList(params, 1);
  return transactionCount({ hash: args.required(0, "block hash", decodeHash) }, ctx);
}
