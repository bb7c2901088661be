// Readers for the RLP items of a transaction. Each names the field it reads
// so a rejection says exactly which part of the transaction was wrong.
import { bytesToBigInt, bytesToHex } from "../crypto";
import type { RlpInput } from "../rlp";
import type { AccessListEntry } from "./signed-tx";
import { SECP256K1_HALF_N, SECP256K1_N } from "./secp256k1-order";
import { quoteBytes, TxDecodeError } from "./tx-decode-error";

const MAX_NONCE = (1n << 64n) - 2n; // EIP-2681: nonce must stay below 2^64-1.

function describe(item: RlpInput): string {
  return item instanceof Uint8Array ? `byte string ${quoteBytes(item)}` : `list of ${item.length} item(s)`;
}

/** The item as a byte string; throws if it is a list. */
export function readBytes(item: RlpInput, field: string): Uint8Array {
  if (!(item instanceof Uint8Array)) throw new TxDecodeError(`${field} must be a byte string, got a ${describe(item)}`, field);
  return item;
}

/** The item as a list of exactly `count` items; throws on a string or a different length. */
export function readList(item: RlpInput, count: number, field: string): RlpInput[] {
  if (!Array.isArray(item)) throw new TxDecodeError(`${field} must be a list, got a ${describe(item)}`, field);
  if (item.length !== count) {
    throw new TxDecodeError(`${field} must have ${count} fields, got ${item.length}`, field);
  }
  return item;
}

/**
 * A canonical unsigned integer of at most `maxBytes` bytes (32 = below 2^256).
 * Leading zero bytes are refused: they would give one value two encodings.
 */
export function readUint(item: RlpInput, field: string, maxBytes = 32): bigint {
  const bytes = readBytes(item, field);
  if (bytes.length > 0 && bytes[0] === 0) {
    throw new TxDecodeError(`${field} ${bytesToHex(bytes)} is not canonical: integer has a leading zero byte`, field);
  }
  if (bytes.length > maxBytes) {
    throw new TxDecodeError(`${field} ${quoteBytes(bytes)} does not fit in ${maxBytes * 8} bits`, field);
  }
  return bytesToBigInt(bytes);
}

/** Nonce, below 2^64-1 as EIP-2681 requires. */
export function readNonce(item: RlpInput): bigint {
  const nonce = readUint(item, "nonce", 8);
  if (nonce > MAX_NONCE) throw new TxDecodeError(`nonce ${nonce} must be below 2^64-1 (EIP-2681)`, "nonce");
  return nonce;
}

/** Gas limit, below 2^64. */
export function readGasLimit(item: RlpInput): bigint {
  return readUint(item, "gasLimit", 8);
}

/** A 20-byte address, or `null` for the empty string that marks contract creation. */
export function readTo(item: RlpInput): Uint8Array | null {
  const bytes = readBytes(item, "to");
  if (bytes.length === 0) return null;
  if (bytes.length !== 20) {
    throw new TxDecodeError(`to ${quoteBytes(bytes)} must be 20 bytes (or empty for contract creation), got ${bytes.length}`, "to");
  }
  return bytes;
}

/** EIP-2930 access list: `[[address(20), [storageKey(32), ...]], ...]`. */
export function readAccessList(item: RlpInput): AccessListEntry[] {
  if (!Array.isArray(item)) throw new TxDecodeError(`accessList must be a list, got a ${describe(item)}`, "accessList");
  const out: AccessListEntry[] = new Array(item.length);
  for (let i = 0; i < item.length; i++) {
    const field = `accessList[${i}]`;
    const [addressItem, keysItem] = readList(item[i]!, 2, field);
    const address = readBytes(addressItem!, `${field}.address`);
    if (address.length !== 20) {
      throw new TxDecodeError(`${field}.address ${quoteBytes(address)} must be 20 bytes, got ${address.length}`, "accessList");
    }
    if (!Array.isArray(keysItem)) {
      throw new TxDecodeError(`${field}.storageKeys must be a list, got a ${describe(keysItem!)}`, "accessList");
    }
    const storageKeys: Uint8Array[] = new Array(keysItem.length);
    for (let k = 0; k < keysItem.length; k++) {
      const key = readBytes(keysItem[k]!, `${field}.storageKeys[${k}]`);
      if (key.length !== 32) {
        throw new TxDecodeError(`${field}.storageKeys[${k}] ${quoteBytes(key)} must be 32 bytes, got ${key.length}`, "accessList");
      }
      storageKeys[k] = key;
    }
    out[i] = { address, storageKeys };
  }
  return out;
}

/** Typed-transaction y-parity: exactly 0 or 1. */
export function readYParity(item: RlpInput): 0 | 1 {
  const v = readUint(item, "yParity");
  if (v !== 0n && v !== 1n) throw new TxDecodeError(`yParity ${v} must be 0 or 1`, "yParity");
  return v === 0n ? 0 : 1;
}

/** Signature r: an integer in [1, n-1]. */
export function readR(item: RlpInput): bigint {
  const r = readUint(item, "r");
  if (r === 0n || r >= SECP256K1_N) throw new TxDecodeError(`signature r 0x${r.toString(16)} must be in [1, n-1]`, "r");
  return r;
}

/** Signature s: an integer in [1, n/2] (EIP-2 low-s, which also rules out s ≥ n). */
export function readS(item: RlpInput): bigint {
  const s = readUint(item, "s");
  if (s === 0n) throw new TxDecodeError(`signature s 0x0 must be in [1, n/2]`, "s");
  if (s > SECP256K1_HALF_N) {
    throw new TxDecodeError(`signature s 0x${s.toString(16)} is above n/2: high-s signatures are malleable and refused (EIP-2)`, "s");
  }
  return s;
}
