import { keccak256 } from "../crypto/keccak";
import { encode } from "../rlp/encode";
import { bigintToMinimalBytes, trimLeadingZeros } from "../rlp/integers";
import { SecureTrie } from "./secure-trie";

/** Fields of an account as committed in the state trie. */
export interface AccountFields {
  nonce: bigint;
  balance: bigint;
  /** Root of the account's storage trie (32 bytes). */
  storageRoot: Uint8Array;
  /** keccak256 of the account's code (32 bytes). */
  codeHash: Uint8Array;
}

/** An account with its full storage, as `stateRoot` consumes it. */
export interface AccountState {
  /** 20-byte address. */
  address: Uint8Array;
  nonce: bigint;
  balance: bigint;
  /** keccak256 of the account's code (32 bytes). */
  codeHash: Uint8Array;
  /** `[slot, value]`, both 32-byte big-endian words. */
  storage: Iterable<readonly [Uint8Array, Uint8Array]>;
}

/** Storage slots: a bigint map, or `[slot, value]` pairs of 32-byte big-endian words. */
export type StorageSlots = ReadonlyMap<bigint, bigint> | Iterable<readonly [Uint8Array, Uint8Array]>;

const WORD_BYTES = 32;

function slotKey(slot: bigint): Uint8Array {
  if (slot < 0n || slot >> 256n !== 0n) throw new RangeError(`storage slot ${slot} is not a 256-bit word`);
  const out = new Uint8Array(WORD_BYTES);
  const be = bigintToMinimalBytes(slot);
  out.set(be, WORD_BYTES - be.length);
  return out;
}

/**
 * Storage root: keccak(slot) → rlp(minimal big-endian value). Zero values are
 * absent from the trie, so a slot written back to zero leaves no trace.
 */
export function storageRoot(slots: StorageSlots): Uint8Array {
  const trie = new SecureTrie();
  if (slots instanceof Map) {
    for (const [slot, value] of slots as ReadonlyMap<bigint, bigint>) {
      if (value === 0n) continue;
      trie.put(slotKey(slot), encode(bigintToMinimalBytes(value)));
    }
  } else {
    for (const [slot, value] of slots as Iterable<readonly [Uint8Array, Uint8Array]>) {
      if (slot.length !== WORD_BYTES) throw new RangeError(`storage slot must be 32 bytes, got ${slot.length}`);
      const scalar = trimLeadingZeros(value);
      if (scalar.length === 0) continue;
      trie.put(slot, encode(scalar));
    }
  }
  return trie.root();
}

/** rlp([nonce, balance, storageRoot, codeHash]): an account's value in the state trie. */
export function accountRlp(account: AccountFields): Uint8Array {
  return encode([
    bigintToMinimalBytes(account.nonce),
    bigintToMinimalBytes(account.balance),
    account.storageRoot,
    account.codeHash,
  ]);
}

/** State root over complete accounts: keccak(address) → accountRlp, each with its storage root. */
export function stateRoot(accounts: Iterable<AccountState>): Uint8Array {
  const trie = new SecureTrie();
  for (const a of accounts) {
    if (a.address.length !== 20) throw new RangeError(`address must be 20 bytes, got ${a.address.length}`);
    trie.put(
      a.address,
      accountRlp({ nonce: a.nonce, balance: a.balance, storageRoot: storageRoot(a.storage), codeHash: a.codeHash }),
    );
  }
  return trie.root();
}

/** keccak256 of the empty byte string: the code hash of accounts without code. */
export const EMPTY_CODE_HASH: Uint8Array = keccak256(new Uint8Array(0));

