import { bytesToHex } from "../../crypto";

/** A fresh subscription id: 16 random bytes as hex, geth's format (unguessable across clients). */
export function newSubscriptionId(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(16)));
}
