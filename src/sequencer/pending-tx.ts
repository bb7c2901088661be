// A transaction on its way through the sequencer: decoded, sender recovered, pool-ready, and
// convertible to the core's input and to the chain's IncludedTx.
import type { TxInput } from "../exec/abi";
import type { IncludedTx } from "../chain/types";
import type { SignedTx } from "../tx/index";
import type { PoolTx } from "../txpool/types";

export interface PendingTx extends PoolTx {
  readonly signed: SignedTx;
}

const TX_BASE = 21000n, TX_CREATE = 32000n, DATA_ZERO = 4n, DATA_NONZERO = 16n;
const ACCESS_ADDRESS = 2400n, ACCESS_SLOT = 1900n, INITCODE_WORD = 2n;

/** Intrinsic gas, the same rule the core applies (EIP-2028, EIP-2930, EIP-3860). */
export function intrinsicGas(tx: SignedTx): bigint {
  let g = TX_BASE;
  for (const b of tx.data) g += b ? DATA_NONZERO : DATA_ZERO;
  if (!tx.to) g += TX_CREATE + INITCODE_WORD * BigInt((tx.data.length + 31) >> 5);
  for (const e of tx.accessList) g += ACCESS_ADDRESS + ACCESS_SLOT * BigInt(e.storageKeys.length);
  return g;
}

export function pendingTx(signed: SignedTx, sender: Uint8Array, arrival: number): PendingTx {
  return {
    signed,
    hash: signed.hash,
    sender,
    nonce: signed.nonce,
    gasLimit: signed.gasLimit,
    maxFeePerGas: signed.maxFeePerGas,
    maxPriorityFeePerGas: signed.maxPriorityFeePerGas,
    value: signed.value,
    size: signed.raw.length,
    chainId: signed.chainId,
    intrinsicGas: intrinsicGas(signed),
    arrival,
  };
}

export function coreInput(p: PendingTx): TxInput {
  const t = p.signed;
  return {
    type: t.type,
    sender: p.sender,
    to: t.to,
    nonce: t.nonce,
    gasLimit: t.gasLimit,
    value: t.value,
    gasPrice: t.gasPrice ?? 0n,
    maxFeePerGas: t.maxFeePerGas,
    maxPriorityFeePerGas: t.maxPriorityFeePerGas,
    maxFeePerBlobGas: 0n,
    data: t.data,
    accessList: t.accessList,
    blobVersionedHashes: [],
  };
}

export function includedTx(t: SignedTx, from: Uint8Array): IncludedTx {
  const v = t.type !== 0 ? BigInt(t.yParity) : t.chainId === null ? 27n + BigInt(t.yParity) : t.chainId * 2n + 35n + BigInt(t.yParity);
  return {
    raw: t.raw,
    hash: t.hash,
    from,
    type: t.type,
    chainId: t.chainId,
    nonce: t.nonce,
    gasPrice: t.gasPrice ?? t.maxFeePerGas,
    maxFeePerGas: t.maxFeePerGas,
    maxPriorityFeePerGas: t.maxPriorityFeePerGas,
    gasLimit: t.gasLimit,
    to: t.to,
    value: t.value,
    data: t.data,
    accessList: t.accessList,
    yParity: t.yParity,
    v,
    r: t.r,
    s: t.s,
  };
}
