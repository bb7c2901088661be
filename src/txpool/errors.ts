import { toChecksumAddress } from "./checksum-address";

/** JSON-RPC code geth uses for every transaction rejection (rpc errcodeDefault). */
export const TX_REJECTED_CODE = -32000;

/**
 * Base of every admission failure. `message` is geth's text, including its
 * detail suffix, because wallets and tooling match on it; `reason` is the
 * bare geth sentinel (the part before the first colon) for callers that
 * want to branch without parsing.
 */
export abstract class TxPoolError extends Error {
  readonly code: number;
  readonly reason: string;

  constructor(reason: string, detail?: string, code: number = TX_REJECTED_CODE) {
    super(detail === undefined ? reason : `${reason}: ${detail}`);
    this.name = new.target.name;
    this.reason = reason;
    this.code = code;
  }
}

/** The exact transaction (by hash) is already in the pool. */
export class AlreadyKnownError extends TxPoolError {
  constructor() {
    super("already known");
  }
}

/** The nonce was already used on chain (or by a committed transaction). */
export class NonceTooLowError extends TxPoolError {
  constructor(next: bigint, nonce: bigint) {
    super("nonce too low", `next nonce ${next}, tx nonce ${nonce}`);
  }
}

/** The nonce is further ahead of the sender's next pending nonce than the pool keeps. */
export class NonceTooHighError extends TxPoolError {
  constructor(nonce: bigint, gappedNonce: bigint, maxGap: bigint) {
    super("nonce too high", `tx nonce ${nonce}, gapped nonce ${gappedNonce}, max gap ${maxGap}`);
  }
}

/** Balance cannot cover gasLimit * maxFee + value, alone or on top of the sender's pending spend. */
export class InsufficientFundsError extends TxPoolError {
  constructor(detail: string) {
    super("insufficient funds for gas * price + value", detail);
  }
}

/** gasLimit is below what the transaction's calldata and type cost before execution. */
export class IntrinsicGasError extends TxPoolError {
  constructor(gas: bigint, needed: bigint) {
    super("intrinsic gas too low", `gas ${gas}, minimum needed ${needed}`);
  }
}

/** gasLimit alone is more than a block can hold. */
export class GasLimitError extends TxPoolError {
  constructor() {
    super("exceeds block gas limit");
  }
}

/** A fee is below the pool's configured floor. */
export class UnderpricedError extends TxPoolError {
  constructor(field: "gas tip cap" | "gas fee cap", have: bigint, needed: bigint) {
    super("transaction underpriced", `${field} ${have}, minimum needed ${needed}`);
  }
}

/** maxFeePerGas cannot pay the current base fee. */
export class FeeCapTooLowError extends TxPoolError {
  constructor(sender: Uint8Array, maxFeePerGas: bigint, baseFee: bigint) {
    super(
      "max fee per gas less than block base fee",
      `address ${toChecksumAddress(sender)}, maxFeePerGas: ${maxFeePerGas}, baseFee: ${baseFee}`,
    );
  }
}

/** maxPriorityFeePerGas exceeds maxFeePerGas, which no base fee can make consistent. */
export class TipAboveFeeCapError extends TxPoolError {
  constructor(sender: Uint8Array, maxPriorityFeePerGas: bigint, maxFeePerGas: bigint) {
    super(
      "max priority fee per gas higher than max fee per gas",
      `address ${toChecksumAddress(sender)}, maxPriorityFeePerGas: ${maxPriorityFeePerGas}, maxFeePerGas: ${maxFeePerGas}`,
    );
  }
}

/** Same sender and nonce as a pooled transaction, without the required fee bump. */
export class ReplacementUnderpricedError extends TxPoolError {
  constructor() {
    super("replacement transaction underpriced");
  }
}

/** Signed for another chain. */
export class InvalidChainIdError extends TxPoolError {
  constructor(have: bigint, want: bigint) {
    super("invalid chain id for signer", `have ${have} want ${want}`);
  }
}

/** Pre-EIP-155 transaction while the pool only takes replay-protected ones. */
export class UnprotectedTxError extends TxPoolError {
  constructor() {
    super("only replay-protected (EIP-155) transactions allowed over RPC");
  }
}

/** Encoded transaction larger than the pool accepts. */
export class OversizedDataError extends TxPoolError {
  constructor(size: number, limit: number) {
    super("oversized data", `transaction size ${size}, limit ${limit}`);
  }
}

/** No room, and the transaction is not worth more than what eviction could free. */
export class TxPoolFullError extends TxPoolError {
  constructor() {
    super("txpool is full");
  }
}

/** The sender already has as many transactions pooled as one account may. */
export class AccountLimitError extends TxPoolError {
  constructor(pooled: number) {
    super("account limit exceeded", `pooled ${pooled} txs`);
  }
}
