// Reads of one account's state at a block.
import { bytesToHex } from "../../crypto";
import type { MethodContext } from "../method-context";
import { toQuantity } from "../format/quantity";
import { decodeBlockNumberOrHash } from "../params/decode-block-tag";
import { decodeAddress, decodeStorageSlot } from "../params/decode-data";
import { ParamList } from "../params/param-list";

/** eth_getBalance: [address, block?] → wei balance. */
export function ethGetBalance(params: readonly unknown[], ctx: MethodContext): string {
  const args = new ParamList(params, 2);
  const address = args.required(0, "address", decodeAddress);
  const tag = args.optional(1, "block", decodeBlockNumberOrHash) ?? "latest";
  return toQuantity(ctx.api.getBalance(address, tag));
}

/** eth_getTransactionCount: [address, block?] → nonce ("pending" includes pooled transactions). */
export function ethGetTransactionCount(params: readonly unknown[], ctx: MethodContext): string {
  const args = new ParamList(params, 2);
  const address = args.required(0, "address", decodeAddress);
  const tag = args.optional(1, "block", decodeBlockNumberOrHash) ?? "latest";
  return toQuantity(ctx.api.getTransactionCount(address, tag));
}

/** eth_getCode: [address, block?] → the account's code. */
export function ethGetCode(params: readonly unknown[], ctx: MethodContext): string {
  const args = new ParamList(params, 2);
  const address = args.required(0, "address", decodeAddress);
  const tag = args.optional(1, "block", decodeBlockNumberOrHash) ?? "latest";
  return bytesToHex(ctx.api.getCode(address, tag));
}

/** eth_getStorageAt: [address, slot, block?] → the 32-byte slot value. */
export function ethGetStorageAt(params: readonly unknown[], ctx: MethodContext): string {
  const args = new ParamList(params, 3);
  const address = args.required(0, "address", decodeAddress);
  const slot = args.required(1, "storage slot", decodeStorageSlot);
  const tag = args.optional(2, "block", decodeBlockNumberOrHash) ?? "latest";
  const value = ctx.api.getStorageAt(address, slot, tag);
  // geth always answers a full word, whatever length the state backend hands back.
  if (value.length >= 32) return bytesToHex(value);
  const word = new Uint8Array(32);
  word.set(value, 32 - value.length);
  return bytesToHex(word);
}
