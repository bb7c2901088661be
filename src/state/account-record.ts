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
const HAS_CODE = 1;
const HAS_STORAGE_ROOT = 2;

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

/** Where the fields of an encoded record lie, for readers that copy bytes rather than build bigints. */
export interface RecordLayout {
  nonceAt: number;
  /** Big-endian, no leading zeros (0 bytes: zero). */
  nonceLen: number;
  balanceAt: number;
  balanceLen: number;
  /** -1: the empty code hash. */
  codeHashAt: number;
  /** -1: the empty trie root. */
  storageRootAt: number;
  slotCount: number;
}

/** The layout of `b`, or a reason string when `b` is malformed. */
export function recordLayout(b: Uint8Array): RecordLayout | string {
  let p = 0;
  const need = (n: number) => p + n <= b.length;
  if (!need(2)) return "truncated header";
  const flags = b[p++]!;
  if (flags & ~(HAS_CODE | HAS_STORAGE_ROOT)) return `unknown flags ${flags}`;
  const nonceLen = b[p++]!;
  if (nonceLen > 8 || !need(nonceLen + 1)) return "bad nonce";
  const nonceAt = p;
  p += nonceLen;
  const balanceLen = b[p++]!;
  if (balanceLen > 32 || !need(balanceLen)) return "bad balance";
  const balanceAt = p;
  p += balanceLen;
  let codeHashAt = -1;
  let storageRootAt = -1;
  if (flags & HAS_CODE) {
    if (!need(32)) return "truncated code hash";
    codeHashAt = p;
    p += 32;
  }
  if (flags & HAS_STORAGE_ROOT) {
    if (!need(32)) return "truncated storage root";
    storageRootAt = p;
    p += 32;
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
  return { nonceAt, nonceLen, balanceAt, balanceLen, codeHashAt, storageRootAt, slotCount };
}

/** Inverse of `encodeAccountRecord`; returns a reason string instead of a record when `b` is malformed. */
export function decodeAccountRecord(b: Uint8Array): AccountRecord | string {
  const l = recordLayout(b);
  if (typeof l === "string") return l;
  return {
    nonce: bytesToBigInt(b.subarray(l.nonceAt, l.nonceAt + l.nonceLen)),
    balance: bytesToBigInt(b.subarray(l.balanceAt, l.balanceAt + l.balanceLen)),
    codeHash: l.codeHashAt < 0 ? EMPTY_CODE_HASH : b.slice(l.codeHashAt, l.codeHashAt + 32),
    storageRoot: l.storageRootAt < 0 ? EMPTY_TRIE_ROOT : b.slice(l.storageRootAt, l.storageRootAt + 32),
    slotCount: l.slotCount,
  };
}
