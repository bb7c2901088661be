// Fast local EIP-1559 signing for the sequencer benchmark: @noble/curves secp256k1 + our RLP.
// Signing is setup, never measured.
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { addressOf, devAccounts } from "../../src/chain/dev-accounts";
import { bytesToHex, keccak256 } from "../../src/crypto/index";
import { bigintToMinimalBytes, encode } from "../../src/rlp/index";

export const CHAIN_ID = 31337n;
export const GWEI = 10n ** 9n;
/** Fee caps every benchmark transaction uses: well above the 1 gwei genesis base fee of both chains. */
export const MAX_FEE = 50n * GWEI;
export const TIP = 1n * GWEI;

export interface Key {
  privateKey: Uint8Array;
  address: Uint8Array;
}

export interface TxFields {
  nonce: bigint;
  gasLimit: bigint;
  to: Uint8Array | null;
  value?: bigint;
  data?: Uint8Array;
}

/** A signed transaction as the clients send it. */
export interface Signed {
  raw: string; // 0x-hex of the EIP-2718 envelope
  hash: string; // 0x-hex keccak256(raw)
  from: string;
  nonce: bigint;
}

const u = (n: bigint) => bigintToMinimalBytes(n);
const EMPTY = new Uint8Array(0);

export function sign(key: Key, tx: TxFields): Signed {
  const body = [u(CHAIN_ID), u(tx.nonce), u(TIP), u(MAX_FEE), u(tx.gasLimit), tx.to ?? EMPTY, u(tx.value ?? 0n), tx.data ?? EMPTY, []];
  const preimage = concat(Uint8Array.of(2), encode(body));
  const sig = secp256k1.sign(keccak256(preimage), key.privateKey, { prehash: false, format: "recovered" });
  const strip = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    return b.subarray(i);
  };
  const raw = concat(Uint8Array.of(2), encode([...body, u(BigInt(sig[0]!)), strip(sig.subarray(1, 33)), strip(sig.subarray(33, 65))]));
  return { raw: bytesToHex(raw), hash: bytesToHex(keccak256(raw)), from: bytesToHex(key.address), nonce: tx.nonce };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The ten "test test ... junk" accounts both chains prefund with 10,000 ETH. */
export function devKeys(): Key[] {
  return devAccounts(10).map((a) => ({ privateKey: a.privateKey, address: a.address }));
}

/** `count` fresh deterministic keys (keccak256 of a label and the index), distinct per workload. */
export function freshKeys(label: string, count: number): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < count; i++) {
    const privateKey = keccak256(new TextEncoder().encode(`bunseq-bench/${label}/${i}`));
    keys.push({ privateKey, address: addressOf(privateKey) });
  }
  return keys;
}

/** Address of the contract `sender` creates with `nonce` (CREATE). */
export function createAddress(sender: Uint8Array, nonce: bigint): Uint8Array {
  return keccak256(encode([sender, u(nonce)])).slice(12);
}

/** Address of a CREATE2 deployment. */
export function create2Address(deployer: Uint8Array, salt: Uint8Array, initCodeHash: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + 20 + 32 + 32);
  buf[0] = 0xff;
  buf.set(deployer, 1);
  buf.set(salt, 21);
  buf.set(initCodeHash, 53);
  return keccak256(buf).slice(12);
}

/** Tracks the next nonce of each key while building transaction lists. */
export class Nonces {
  private readonly next = new Map<string, bigint>();
  take(key: Key): bigint {
    const k = bytesToHex(key.address);
    const n = this.next.get(k) ?? 0n;
    this.next.set(k, n + 1n);
    return n;
  }
}
