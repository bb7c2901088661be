import { bytesEqual, bytesToBigInt } from "../crypto/hex";
import { bigintToMinimalBytes } from "../rlp/integers";
import { EMPTY_CODE_HASH, EMPTY_TRIE_ROOT } from "../trie/index";

/** An account as the state database keeps it. */
export interface AccountRecord {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  /** Root of the storage trie as of the last state-root computation. */
  storageRoot: Uint8Array;
  /**
   * Non-zero slots. Kept so `hasStorage` (asked on every account load, for
   * EIP-7610 create collisions) is exact without hashing a storage trie or
   * scanning rows.
   */
  slotCount: number;
}

// Layout: flags, nonce (len + bytes), balance (len + bytes), [codeHash],
// [storageRoot], slotCount (LEB128). The two hashes are left out when they are
// the empty defaults, so a plain account takes ~12 bytes instead of ~80.
export const HAS_CODE = 1;
export const HAS_STORAGE_ROOT = 2;

/** Compact encoding of `a` for the accounts database. */
export function encodeAccountRecord(a: AccountRecord): Uint8Array {
  const nonce = bigintToMinimalBytes(a.nonce);
  const balance = bigintToMinimalBytes(a.balance);
  const hasCode = !bytesEqual(a.codeHash, EMPTY_CODE_HASH);
  const hasRoot = !bytesEqual(a.storageRoot, EMPTY_TRIE_ROOT);
  let size = 3 + nonce.length + balance.length + (hasCode ? 32 : 0) + (hasRoot ? 32 : 0);
  for (let n = a.slotCount; n >= 0x80; n = Math.floor(n / 0x80)) size++;
  size++;
  const out = new Uint8Array(size);
  let p = 0;
  out[p++] = (hasCode ? HAS_CODE : 0) | (hasRoot ? HAS_STORAGE_ROOT : 0);
  out[p++] = nonce.length;
  out.set(nonce, p), (p += nonce.length);
  out[p++] = balance.length;
  out.set(balance, p), (p += balance.length);
  if (hasCode) out.set(a.codeHash, p), (p += 32);
  if (hasRoot) out.set(a.storageRoot, p), (p += 32);
  let n = a.slotCount;
  while (n >= 0x80) {
    out[p++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[p] = n;
  return out;
}

/** Inverse of `encodeAccountRecord`; returns a reason string instead of a record when `b` is malformed. */
export function decodeAccountRecord(b: Uint8Array): AccountRecord | string {
  let p = 0;
  const need = (n: number) => p + n <= b.length;
  if (!need(2)) return "truncated header";
  const flags = b[p++]!;
  if (flags & ~(HAS_CODE | HAS_STORAGE_ROOT)) return `unknown flags ${flags}`;
  const nonceLen = b[p++]!;
  if (nonceLen > 8 || !need(nonceLen + 1)) return "bad nonce";
  const nonce = bytesToBigInt(b.subarray(p, (p += nonceLen)));
  const balanceLen = b[p++]!;
  if (balanceLen > 32 || !need(balanceLen)) return "bad balance";
  const balance = bytesToBigInt(b.subarray(p, (p += balanceLen)));
  let codeHash = EMPTY_CODE_HASH;
  let storageRoot = EMPTY_TRIE_ROOT;
  if (flags & HAS_CODE) {
    if (!need(32)) return "truncated code hash";
    codeHash = b.slice(p, (p += 32));
  }
  if (flags & HAS_STORAGE_ROOT) {
    if (!need(32)) return "truncated storage root";
    storageRoot = b.slice(p, (p += 32));
  }
  let slotCount = 0;
  for (let scale = 1; ; scale *= 0x80) {
    if (p >= b.length) return "truncated slot count";
    const byte = b[p++]!;
    slotCount += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
    if (scale > 2 ** 42) return "slot count overflow";
  }
  if (p !== b.length) return "trailing bytes";
  return { nonce, balance, codeHash, storageRoot, slotCount };
}
