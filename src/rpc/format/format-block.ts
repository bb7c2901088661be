import type { Block } from "../../chain/types";
import { bytesToHex } from "../../crypto";
import { blockSize } from "./block-size";
import { formatHeader, type RpcHeader } from "./format-header";
import { formatTransaction, type RpcTransaction } from "./format-transaction";
import { toQuantity } from "./quantity";

/** A block as geth returns it from eth_getBlockByNumber / eth_getBlockByHash. */
export interface RpcBlock extends RpcHeader {
  totalDifficulty: string;
  size: string;
  uncles: string[];
  transactions: string[] | RpcTransaction[];
  withdrawals: never[];
}

/** geth's pending block: hash, nonce and miner are null (the hash is not final until sealed). */
export type RpcPendingBlock = Omit<RpcBlock, "hash" | "nonce" | "miner"> & { hash: null; nonce: null; miner: null };

/** Nulls the fields geth nulls for the block tagged "pending" (eth_getBlockByNumber). */
export function asPendingBlock(block: RpcBlock): RpcPendingBlock {
  return { ...block, hash: null, nonce: null, miner: null };
}

/** Formats `block` with transaction hashes, or full transaction objects when `fullTransactions`. */
export function formatBlock(block: Block, fullTransactions: boolean): RpcBlock {
  const { header } = block;
  const transactions = fullTransactions
    ? block.transactions.map((tx, index) =>
        formatTransaction(tx, {
          blockHash: block.hash,
          blockNumber: header.number,
          index,
          baseFeePerGas: header.baseFeePerGas,
        }),
      )
    : block.transactions.map((tx) => bytesToHex(tx.hash));
  return {
    ...formatHeader(header, block.hash),
    // Post-merge chains report zero; viem and ethers still read the field.
    totalDifficulty: "0x0",
    size: toQuantity(blockSize(block)),
    uncles: [],
    transactions,
    withdrawals: [],
  };
}
