import { LIBSECP256K1_CANDIDATES, loadLibsecp256k1Recovery } from "./libsecp256k1-recovery";
import { NobleRecovery } from "./noble-recovery";
import { NativeSecp256k1UnavailableError } from "./recovery-errors";
import type { PackedSenderRecovery } from "./sender-recovery";

/** Which backend to use: `auto` prefers libsecp256k1 and falls back to noble. */
export type RecoveryBackendChoice = "auto" | "libsecp256k1" | "noble";

/** A chosen backend and, when `auto` had to fall back, why. */
export interface CreatedSenderRecovery extends PackedSenderRecovery {
  /** Why libsecp256k1 was not used, when `auto` fell back to noble; otherwise absent. */
  readonly fallbackReason?: string;
}

/**
 * The best available sender recovery: libsecp256k1 through bun:ffi when it
 * loads and passes its self-test, else @noble/curves. `name` says which was
 * picked. Forcing `libsecp256k1` throws `NativeSecp256k1UnavailableError` if
 * it cannot be loaded. `libraryCandidates` overrides where to look for it.
 */
export function createSenderRecovery(
  choice: RecoveryBackendChoice = "auto",
  libraryCandidates: readonly string[] = LIBSECP256K1_CANDIDATES,
): CreatedSenderRecovery {
  if (choice === "noble") return new NobleRecovery();
  if (choice === "libsecp256k1") return loadLibsecp256k1Recovery(libraryCandidates);
  if (choice !== "auto") throw new RangeError(`unknown sender recovery backend "${choice}": expected auto, libsecp256k1 or noble`);
  try {
    return loadLibsecp256k1Recovery(libraryCandidates);
  } catch (err) {
    if (!(err instanceof NativeSecp256k1UnavailableError)) throw err;
    return new NobleRecovery(err.message);
  }
}
