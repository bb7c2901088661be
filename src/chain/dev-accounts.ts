// The well-known development accounts (anvil and Hardhat use the same mnemonic), so existing
// tooling and scripts work unchanged against the dev chain.
import { HDKey } from "@scure/bip32";
import { mnemonicToSeedSync } from "@scure/bip39";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak256 } from "../crypto/index";

export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export interface DevAccount {
  address: Uint8Array;
  privateKey: Uint8Array;
}

/** Address of a secp256k1 private key: the last 20 bytes of keccak256 of the public key. */
export function addressOf(privateKey: Uint8Array): Uint8Array {
  const pub = secp256k1.getPublicKey(privateKey, false);
  return keccak256(pub.subarray(1)).slice(12);
}

/** The first `count` accounts of `mnemonic` on the path m/44'/60'/0'/0/i. */
export function devAccounts(count = 10, mnemonic = DEV_MNEMONIC): DevAccount[] {
  const root = HDKey.fromMasterSeed(mnemonicToSeedSync(mnemonic));
  return Array.from({ length: count }, (_, i) => {
    const privateKey = root.derive(`m/44'/60'/0'/0/${i}`).privateKey!;
    return { address: addressOf(privateKey), privateKey };
  });
}
