import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToBigInt, keccak256 } from "../../crypto";
import type { SignedTx } from "../signed-tx";
import {
  COMPACT_SIG_OFFSET,
  RECOVERY_ID_OFFSET,
  SENDER_RECORD_BYTES,
  SIGNATURE_RECORD_BYTES,
  signatureScalarsValid,
} from "./packed-signatures";
import { recoverViaPacked } from "./recover-via-packed";
import type { PackedSenderRecovery } from "./sender-recovery";

/** Pure-JS sender recovery with @noble/curves: the fallback wherever libsecp256k1 cannot be loaded. */
export class NobleRecovery implements PackedSenderRecovery {
  readonly name = "noble";
  /** Why the native backend was not used, when this instance is a fallback. */
  readonly fallbackReason?: string;

  constructor(fallbackReason?: string) {
    if (fallbackReason !== undefined) this.fallbackReason = fallbackReason;
  }

  /** Recovers each transaction's sender; `null` where the signature is invalid. */
  recover(txs: SignedTx[]): (Uint8Array | null)[] {
    return recoverViaPacked(this, txs);
  }

  /** Recovers `count` packed records from `sigs` into `out` (see packed-signatures.ts). */
  recoverPacked(sigs: Uint8Array, count: number, out: Uint8Array): void {
    if (sigs.length < count * SIGNATURE_RECORD_BYTES || out.length < count * SENDER_RECORD_BYTES) {
      throw new RangeError(`recoverPacked: buffers too small for ${count} records (sigs ${sigs.length} B, out ${out.length} B)`);
    }
    for (let i = 0; i < count; i++) {
      const rec = i * SIGNATURE_RECORD_BYTES;
      const o = i * SENDER_RECORD_BYTES;
      out[o] = 0;
      if (!signatureScalarsValid(sigs, rec)) continue;
      const r = bytesToBigInt(sigs.subarray(rec + COMPACT_SIG_OFFSET, rec + COMPACT_SIG_OFFSET + 32));
      const s = bytesToBigInt(sigs.subarray(rec + COMPACT_SIG_OFFSET + 32, rec + COMPACT_SIG_OFFSET + 64));
      let publicKey: Uint8Array;
      try {
        const sig = new secp256k1.Signature(r, s, sigs[rec + RECOVERY_ID_OFFSET]!);
        publicKey = sig.recoverPublicKey(sigs.subarray(rec, rec + 32)).toBytes(false);
      } catch {
        continue; // r is not the x of a curve point, or the result is infinity: no sender
      }
      const digest = keccak256(publicKey.subarray(1));
      out[o] = 1;
      for (let b = 0; b < 20; b++) out[o + 1 + b] = digest[12 + b]!;
    }
  }
}
