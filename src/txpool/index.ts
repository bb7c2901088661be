export type { PoolTx, PoolState, AddResult, PoolContent, TxStatus } from "./types";
export type { TxPoolConfig, ResolvedTxPoolConfig } from "./config";
export { resolveConfig } from "./config";
export type { OrderingPolicy, RankedTx } from "./ordering-policy";
export { FifoPolicy } from "./fifo-policy";
export { PriorityFeePolicy } from "./priority-fee-policy";
export { TxPool } from "./tx-pool";
export { effectiveTip, txCost, meetsPriceBump } from "./fees";
export {
  TX_REJECTED_CODE,
  TxPoolError,
  AlreadyKnownError,
  NonceTooLowError,
  NonceTooHighError,
  InsufficientFundsError,
  IntrinsicGasError,
  GasLimitError,
  UnderpricedError,
  FeeCapTooLowError,
  TipAboveFeeCapError,
  ReplacementUnderpricedError,
  InvalidChainIdError,
  UnprotectedTxError,
  OversizedDataError,
  TxPoolFullError,
  AccountLimitError,
} from "./errors";
