import type { ResolvedTxPoolConfig } from "./config";
import {
  FeeCapTooLowError,
  GasLimitError,
  InsufficientFundsError,
  IntrinsicGasError,
  InvalidChainIdError,
  OversizedDataError,
  TipAboveFeeCapError,
  UnderpricedError,
  UnprotectedTxError,
} from "./errors";
import type { PoolTx } from "./types";

/**
 * Checks that need no account state, in geth's order (replay protection
 * first, as geth's RPC layer does before the pool). Throws a TxPoolError.
 */
export function validateStateless(tx: PoolTx, config: ResolvedTxPoolConfig, baseFee: bigint): void {
  if (tx.chainId === null) {
    if (!config.allowUnprotected) throw new UnprotectedTxError();
  } else if (tx.chainId !== config.chainId) {
    throw new InvalidChainIdError(tx.chainId, config.chainId);
  }
  if (tx.size > config.maxTxSize) throw new OversizedDataError(tx.size, config.maxTxSize);
  if (tx.gasLimit > config.blockGasLimit) throw new GasLimitError();
  if (tx.maxPriorityFeePerGas > tx.maxFeePerGas) {
    throw new TipAboveFeeCapError(tx.sender, tx.maxPriorityFeePerGas, tx.maxFeePerGas);
  }
  if (tx.gasLimit < tx.intrinsicGas) throw new IntrinsicGasError(tx.gasLimit, tx.intrinsicGas);
  if (tx.maxPriorityFeePerGas < config.minTip) {
    throw new UnderpricedError("gas tip cap", tx.maxPriorityFeePerGas, config.minTip);
  }
  if (tx.maxFeePerGas < config.minFeeCap) throw new UnderpricedError("gas fee cap", tx.maxFeePerGas, config.minFeeCap);
  if (tx.maxFeePerGas < baseFee) throw new FeeCapTooLowError(tx.sender, tx.maxFeePerGas, baseFee);
}

/**
 * Balance checks, as geth's ValidateTransactionWithState: the transaction
 * alone, then on top of what the sender's pending transactions may already
 * spend (`pendingSpend`), counting a pending replacement only by its increase.
 */
export function validateFunds(balance: bigint, cost: bigint, pendingSpend: bigint, replacedPendingCost: bigint | null): void {
  if (balance < cost) {
    throw new InsufficientFundsError(`balance ${balance}, tx cost ${cost}, overshot ${cost - balance}`);
  }
  if (replacedPendingCost !== null) {
    const bump = cost - replacedPendingCost;
    const need = pendingSpend + bump;
    if (balance < need) {
      throw new InsufficientFundsError(
        `balance ${balance}, queued cost ${pendingSpend}, tx bumped ${bump}, overshot ${need - balance}`,
      );
    }
    return;
  }
  const need = pendingSpend + cost;
  if (balance < need) {
    throw new InsufficientFundsError(`balance ${balance}, queued cost ${pendingSpend}, tx cost ${cost}, overshot ${need - balance}`);
  }
}
