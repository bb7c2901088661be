/** libsecp256k1 could not be loaded or failed its self-test; `createSenderRecovery` falls back to noble on this. */
export class NativeSecp256k1UnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NativeSecp256k1UnavailableError";
  }
}

/** A recovery worker failed or the pool was closed while a batch was in flight. */
export class RecoveryWorkerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RecoveryWorkerError";
  }
}
