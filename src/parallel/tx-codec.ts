// Reading the core's input encoding (abi.ts encodeInput, evm_abi.h) back: the main thread
// writes every transaction of a batch into the shared heap once, and workers decode the ones
// they execute. Also the priority-fee arithmetic the executor needs to credit deferred tips
// exactly as the core would (transaction.cpp).
import { FLAG_DEFER_COINBASE, FLAG_NO_VALIDATION, INPUT_FLAGS_OFFSET, readWord, type BlockEnv, type TxInput } from "../exec/abi";

/** Where the transaction starts: after the flags and 44 reserved bytes (BLOCK_ENV_SIZE, 196). */
export const INPUT_TX_OFFSET = INPUT_FLAGS_OFFSET + 4 + 44;

/** Decodes the block environment at the start of an encoded input (the inverse of encodeInput). */
export function decodeBlockEnv(buf: Uint8Array): BlockEnv {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    number: view.getBigUint64(0, true),
    timestamp: view.getBigUint64(8, true),
    gasLimit: view.getBigUint64(16, true),
    chainId: view.getBigUint64(24, true),
    coinbase: buf.slice(32, 52),
    prevRandao: buf.slice(52, 84),
    baseFee: readWord(view, 84),
    blobBaseFee: readWord(view, 116),
  };
}

/** Decodes the transaction part of an encoded input (the inverse of encodeInput). */
export function decodeTxInput(buf: Uint8Array): TxInput {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const flags = view.getUint32(INPUT_FLAGS_OFFSET, true);
  let p = INPUT_TX_OFFSET;
  const type = buf[p++]! as TxInput["type"];
  const hasTo = buf[p++] !== 0;
  const sender = buf.slice(p, (p += 20));
  const to = hasTo ? buf.slice(p, p + 20) : null;
  p += 20;
  const nonce = view.getBigUint64(p, true);
  const gasLimit = view.getBigUint64(p + 8, true);
  p += 16;
  const value = readWord(view, p);
  const gasPrice = readWord(view, p + 32);
  const maxFeePerGas = readWord(view, p + 64);
  const maxPriorityFeePerGas = readWord(view, p + 96);
  const maxFeePerBlobGas = readWord(view, p + 128);
  p += 160;
  const dataLen = view.getUint32(p, true);
  p += 4;
  const data = buf.slice(p, (p += dataLen));
  const accessList: TxInput["accessList"] = [];
  for (let n = view.getUint32(p, true), i = ((p += 4), 0); i < n; i++) {
    const address = buf.slice(p, (p += 20));
    const storageKeys: Uint8Array[] = [];
    for (let k = view.getUint32(p, true), j = ((p += 4), 0); j < k; j++) storageKeys.push(buf.slice(p, (p += 32)));
    accessList.push({ address, storageKeys });
  }
  const blobVersionedHashes: Uint8Array[] = [];
  for (let n = view.getUint32(p, true), i = ((p += 4), 0); i < n; i++) blobVersionedHashes.push(buf.slice(p, (p += 32)));
  const tx: TxInput = {
    type, sender, to, nonce, gasLimit, value, gasPrice, maxFeePerGas, maxPriorityFeePerGas, maxFeePerBlobGas,
    data, accessList, blobVersionedHashes,
  };
  if (flags & FLAG_NO_VALIDATION) tx.noValidation = true;
  if (flags & FLAG_DEFER_COINBASE) tx.deferCoinbase = true;
  return tx;
}

/**
 * Priority fee per gas unit the coinbase earns (transaction.cpp: price - base fee, where
 * EIP-1559 transactions pay base fee + min(max priority fee, max fee - base fee)).
 */
export function tipPerGas(tx: TxInput, env: BlockEnv): bigint {
  if (tx.type >= 2) {
    const room = tx.maxFeePerGas - env.baseFee;
    return tx.maxPriorityFeePerGas < room ? tx.maxPriorityFeePerGas : room;
  }
  return tx.gasPrice - env.baseFee;
}
