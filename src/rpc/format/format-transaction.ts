import type { IncludedTx } from "../../chain/types";
import { bytesToHex } from "../../crypto";
import { toQuantity } from "./quantity";

/** A transaction as geth returns it (eth_getTransactionByHash, full blocks). */
export interface RpcTransaction {
  blockHash: string | null;
  blockNumber: string | null;
  from: string;
  gas: string;
  gasPrice: string;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
  hash: string;
  input: string;
  nonce: string;
  to: string | null;
  transactionIndex: string | null;
  value: string;
  type: string;
  accessList?: { address: string; storageKeys: string[] }[];
  chainId?: string;
  v: string;
  r: string;
  s: string;
  yParity?: string;
}

/** Where a transaction sits; all null while it is still pending. */
export interface TxPosition {
  blockHash: Uint8Array | null;
  blockNumber: bigint | null;
  index: number | null;
  /** The including block's base fee; with it, EIP-1559 gasPrice is the effective price paid. */
  baseFeePerGas: bigint | null;
}

/**
 * The price shown as `gasPrice`: what legacy and EIP-2930 transactions bid, and for EIP-1559 the
 * effective price min(maxFee, baseFee + tip) once mined (geth shows maxFeePerGas while pending).
 */
export function displayedGasPrice(tx: IncludedTx, baseFeePerGas: bigint | null): bigint {
  if (tx.type !== 2) return tx.gasPrice;
  if (baseFeePerGas === null) return tx.maxFeePerGas;
  const withTip = baseFeePerGas + tx.maxPriorityFeePerGas;
  return withTip < tx.maxFeePerGas ? withTip : tx.maxFeePerGas;
}

/** Formats `tx` at `pos` with geth's per-type field set. */
export function formatTransaction(tx: IncludedTx, pos: TxPosition): RpcTransaction {
  const out: RpcTransaction = {
    blockHash: pos.blockHash === null ? null : bytesToHex(pos.blockHash),
    blockNumber: pos.blockNumber === null ? null : toQuantity(pos.blockNumber),
    from: bytesToHex(tx.from),
    gas: toQuantity(tx.gasLimit),
    gasPrice: toQuantity(displayedGasPrice(tx, pos.baseFeePerGas)),
    hash: bytesToHex(tx.hash),
    input: bytesToHex(tx.data),
    nonce: toQuantity(tx.nonce),
    to: tx.to === null ? null : bytesToHex(tx.to),
    transactionIndex: pos.index === null ? null : toQuantity(pos.index),
    value: toQuantity(tx.value),
    type: toQuantity(tx.type),
    v: toQuantity(tx.v),
    r: toQuantity(tx.r),
    s: toQuantity(tx.s),
  };
  if (tx.type === 2) {
    out.maxFeePerGas = toQuantity(tx.maxFeePerGas);
    out.maxPriorityFeePerGas = toQuantity(tx.maxPriorityFeePerGas);
  }
  if (tx.type !== 0) {
    out.accessList = tx.accessList.map((e) => ({ address: bytesToHex(e.address), storageKeys: e.storageKeys.map(bytesToHex) }));
    out.yParity = toQuantity(tx.yParity);
  }
  // Pre-EIP-155 legacy transactions have no chain id, and geth leaves the field out for them.
  if (tx.chainId !== null) out.chainId = toQuantity(tx.chainId);
  return out;
}
