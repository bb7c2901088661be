// Transaction submission, fire-and-forget (eth_sendRawTransaction) or waiting for inclusion
// (EIP-7966 eth_sendRawTransactionSync).
import { bytesToHex, keccak256 } from "../../crypto";
import type { MethodContext } from "../method-context";
import { formatReceipt, type RpcReceipt } from "../format/format-receipt";
import { decodeData } from "../params/decode-data";
import { decodeQuantityOrInteger } from "../params/decode-quantity";
import { paramError } from "../params/param-error";
import { ParamList } from "../params/param-list";
import { TxSyncTimeoutError } from "../rpc-errors";

function decodeSignedTransaction(value: unknown, path: string): Uint8Array {
  const raw = decodeData(value, path);
  if (raw.length === 0) throw paramError(path, "a signed transaction (RLP or EIP-2718 envelope)", value, "it is empty");
  return raw;
}

/** eth_sendRawTransaction: [signedTx] → its hash, once the pool accepted it. */
export async function ethSendRawTransaction(params: readonly unknown[], ctx: MethodContext): Promise<string> {
  const args = new ParamList(params, 1);
  const raw = args.required(0, "signed transaction", decodeSignedTransaction);
  return bytesToHex(await ctx.api.sendRawTransaction(raw));
}

/**
 * The wait EIP-7966 prescribes: the client's timeout when given, the node default when it is
 * absent or zero, and never more than the configured maximum (geth clamps rather than refuses).
 */
function txSyncTimeout(asked: bigint | undefined, ctx: MethodContext): number {
  const { txSyncDefaultTimeoutMs, txSyncMaxTimeoutMs } = ctx.limits;
  if (asked === undefined || asked === 0n) return txSyncDefaultTimeoutMs;
  return asked > BigInt(txSyncMaxTimeoutMs) ? txSyncMaxTimeoutMs : Number(asked);
}

/**
 * eth_sendRawTransactionSync: [signedTx, timeoutMs?] → the receipt once the transaction is in a
 * mini-block. Pool rejections come back at once; if no receipt arrives in time the answer is
 * EIP-7966's error 4 with the transaction hash as data, so the client can poll for it.
 */
export async function ethSendRawTransactionSync(params: readonly unknown[], ctx: MethodContext): Promise<RpcReceipt> {
  const args = new ParamList(params, 2);
  const raw = args.required(0, "signed transaction", decodeSignedTransaction);
  const timeoutMs = txSyncTimeout(args.optional(1, "timeout in milliseconds", decodeQuantityOrInteger), ctx);
  const waiting = ctx.api.sendRawTransactionSync(raw, timeoutMs);
  // The server enforces the window itself so a node that never settles cannot hold the request.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TxSyncTimeoutError(keccak256(raw), timeoutMs)), timeoutMs);
  });
  try {
    return formatReceipt(await Promise.race([waiting, expired]));
  } finally {
    clearTimeout(timer);
    waiting.catch(() => {}); // a rejection after the timeout has nobody left to tell
  }
}
