import type { SignedTx } from "../signed-tx";
import { packSignatures, SENDER_RECORD_BYTES, unpackSenders } from "./packed-signatures";
import type { PackedSenderRecovery } from "./sender-recovery";

/** `SenderRecovery.recover` for a packed backend: pack, recover in one pass, unpack. */
export function recoverViaPacked(backend: PackedSenderRecovery, txs: SignedTx[]): (Uint8Array | null)[] {
  const out = new Uint8Array(txs.length * SENDER_RECORD_BYTES);
  backend.recoverPacked(packSignatures(txs), txs.length, out);
  return unpackSenders(out, txs.length);
}
