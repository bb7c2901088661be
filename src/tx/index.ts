export type { SignedTx, TxType, AccessListEntry } from "./signed-tx";
export { TxDecodeError, UnsupportedTxTypeError } from "./tx-decode-error";
export { decodeSignedTx } from "./decode-signed-tx";
export { SECP256K1_N, SECP256K1_HALF_N } from "./secp256k1-order";
export type { SenderRecovery, PackedSenderRecovery, AsyncSenderRecovery } from "./recovery/sender-recovery";
export {
  createSenderRecovery,
  type RecoveryBackendChoice,
  type CreatedSenderRecovery,
} from "./recovery/create-sender-recovery";
export { Libsecp256k1Recovery, loadLibsecp256k1Recovery, LIBSECP256K1_CANDIDATES } from "./recovery/libsecp256k1-recovery";
export { NobleRecovery } from "./recovery/noble-recovery";
export { WorkerPoolRecovery, type WorkerPoolOptions } from "./recovery/worker-pool-recovery";
export { NativeSecp256k1UnavailableError, RecoveryWorkerError } from "./recovery/recovery-errors";
export {
  packSignatures,
  packSignatureRecord,
  unpackSenders,
  SIGNATURE_RECORD_BYTES,
  SENDER_RECORD_BYTES,
} from "./recovery/packed-signatures";
