// TypeScript mirror of wasm/include/evm_abi.h: the only place that knows the byte layouts of
// the execution core's input and output buffers. Keep the two files in step (EVM_ABI_VERSION).
import { bytesEqualAt, isZeroAt } from "../crypto/hex";
import { EMPTY_CODE_HASH } from "../trie/state-root";

export const ABI_VERSION = 4;
export const BLOCK_ENV_SIZE = 196;
export const ACCOUNT_RECORD_SIZE = 80;
export const FLAG_NO_VALIDATION = 1;
/** The core skips the coinbase tip credit and never loads the coinbase for it (the host credits tips). */
export const FLAG_DEFER_COINBASE = 2;
/**
 * Byte offset of the u32 flags word in an encoded input: number, timestamp, gas limit and
 * chain id (4 x u64), coinbase (20), prev_randao, base fee and blob base fee (3 x 32).
 */
export const INPUT_FLAGS_OFFSET = 32 + 20 + 96;
export const ACCOUNT_HAS_STORAGE = 1;

export enum ExecStatus {
  Success = 0,
  Revert = 1,
  Failure = 2,
  Invalid = 3,
}

/** Why the core refused a transaction (evm_invalid in the header). */
export enum InvalidReason {
  None = 0,
  NonceTooLow = 1,
  NonceTooHigh = 2,
  NonceMax = 3,
  InsufficientFunds = 4,
  IntrinsicGas = 5,
  GasLimitExceedsBlock = 6,
  FeeCapBelowBaseFee = 7,
  PriorityAboveFeeCap = 8,
  SenderHasCode = 9,
  InitcodeTooLarge = 10,
  BlobFeeCapBelowBlobBaseFee = 11,
  BlobNoHashes = 12,
  BlobTooMany = 13,
  BlobBadVersion = 14,
  BlobCreate = 15,
  GasAllowanceOverflow = 16,
  BadInput = 17,
}

/** geth's wording for each reason, as JSON-RPC clients expect it. */
export const INVALID_MESSAGES: Record<InvalidReason, string> = {
  [InvalidReason.None]: "",
  [InvalidReason.NonceTooLow]: "nonce too low",
  [InvalidReason.NonceTooHigh]: "nonce too high",
  [InvalidReason.NonceMax]: "nonce has max value",
  [InvalidReason.InsufficientFunds]: "insufficient funds for gas * price + value",
  [InvalidReason.IntrinsicGas]: "intrinsic gas too low",
  [InvalidReason.GasLimitExceedsBlock]: "exceeds block gas limit",
  [InvalidReason.FeeCapBelowBaseFee]: "max fee per gas less than block base fee",
  [InvalidReason.PriorityAboveFeeCap]: "max priority fee per gas higher than max fee per gas",
  [InvalidReason.SenderHasCode]: "sender not an eoa",
  [InvalidReason.InitcodeTooLarge]: "max initcode size exceeded",
  [InvalidReason.BlobFeeCapBelowBlobBaseFee]: "max fee per blob gas less than block blob gas fee",
  [InvalidReason.BlobNoHashes]: "blob transaction missing blob hashes",
  [InvalidReason.BlobTooMany]: "too many blobs in transaction",
  [InvalidReason.BlobBadVersion]: "blob hash has an invalid version",
  [InvalidReason.BlobCreate]: "blob transaction of type create",
  [InvalidReason.GasAllowanceOverflow]: "gas * price overflows",
  [InvalidReason.BadInput]: "malformed transaction input",
};

export const ACCOUNT_DELETED = 1;
export const ACCOUNT_CODE_CHANGED = 2;
/** Fields that differ from what the host answered for the account (evm_abi.h evm_account_flags). */
export const ACCOUNT_NONCE_CHANGED = 4;
export const ACCOUNT_BALANCE_CHANGED = 8;
export const ACCOUNT_CODE_HASH_CHANGED = 16;

export interface BlockEnv {
  number: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  chainId: bigint;
  coinbase: Uint8Array; // 20 bytes
  prevRandao: Uint8Array; // 32 bytes
  baseFee: bigint;
  blobBaseFee: bigint;
}

export interface AccessListEntry {
  address: Uint8Array;
  storageKeys: Uint8Array[];
}

export interface TxInput {
  type: 0 | 1 | 2 | 3;
  sender: Uint8Array;
  to: Uint8Array | null; // null: contract creation
  nonce: bigint;
  gasLimit: bigint;
  value: bigint;
  gasPrice: bigint; // legacy and EIP-2930
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  maxFeePerBlobGas: bigint;
  data: Uint8Array;
  accessList: AccessListEntry[];
  blobVersionedHashes: Uint8Array[];
  /** Skip nonce, fee and balance checks and do not charge gas (eth_call, eth_estimateGas). */
  noValidation?: boolean;
  /**
   * Do not credit the priority fee to the coinbase, nor load or touch the coinbase for it: the
   * caller credits tips itself, in order (the parallel executor, after a batch).
   */
  deferCoinbase?: boolean;
}

export interface Log {
  address: Uint8Array;
  topics: Uint8Array[];
  data: Uint8Array;
}

export interface AccountChange {
  address: Uint8Array;
  deleted: boolean;
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  /** New code, only when deployed by this transaction. */
  code: Uint8Array | null;
  /** Changed slots: [key, value], 32-byte big-endian words, sorted by key. */
  storage: [Uint8Array, Uint8Array][];
}

export interface ExecResult {
  status: ExecStatus;
  invalidReason: InvalidReason;
  gasUsed: bigint;
  gasRefunded: bigint;
  createdAddress: Uint8Array | null;
  returnData: Uint8Array;
  logs: Log[];
  accounts: AccountChange[];
}

/** What a transaction read: the accounts and slots the core asked its host for (decodeReadSet). */
export interface ReadSet {
  accounts: Uint8Array[];
  slots: [Uint8Array, Uint8Array][];
}

/** Writes `v` as a 32-byte big-endian word at byte `at` of `view`; returns the offset past it. */
export function writeWord(view: DataView, at: number, v: bigint): number {
  if (v <= 0xffffffffffffffffn && v >= 0n) {
    // Fees, values and balances almost always fit one word: skip three bigint shifts. Six
    // stores zero the rest in half the time of a fill() call (5.6 against 12.7 ns a word).
    for (let i = 0; i < 24; i += 4) view.setUint32(at + i, 0);
    view.setBigUint64(at + 24, v);
    return at + 32;
  }
  // setBigUint64 keeps a value's low 64 bits: one shift per further word, no masks. Balances
  // past 64 bits (1,000 ether and up) almost always fit 128.
  view.setBigUint64(at + 24, v);
  view.setBigUint64(at + 16, v >> 64n);
  const high = v >> 128n;
  if (high === 0n) {
    for (let i = 0; i < 16; i += 4) view.setUint32(at + i, 0);
  } else {
    view.setBigUint64(at + 8, high);
    view.setBigUint64(at, high >> 64n);
  }
  return at + 32;
}

/** Size in bytes of the encoded input for `tx`. */
export function inputSize(tx: TxInput): number {
  let n = BLOCK_ENV_SIZE + 2 + 40 + 16 + 32 * 5 + 4 + tx.data.length + 4 + 4 + 32 * tx.blobVersionedHashes.length;
  for (const e of tx.accessList) n += 24 + 32 * e.storageKeys.length;
  return n;
}

/**
 * Writes the block environment and transaction into `out` at `at` (room for inputSize bytes);
 * returns the bytes written. `view` (of the same bytes as `out`) spares making one per call.
 */
export function encodeInput(block: BlockEnv, tx: TxInput, out: Uint8Array, at = 0, view = new DataView(out.buffer, out.byteOffset, out.byteLength)): number {
  encodeBlockEnv(block, out, at, view);
  view.setUint32(at + INPUT_FLAGS_OFFSET, inputFlags(tx), true);
  return encodeTxBody(tx, out, at + BLOCK_ENV_SIZE, view) + BLOCK_ENV_SIZE;
}

/** Writes an input's first BLOCK_ENV_SIZE bytes (its flags word zero): the block environment. */
export function encodeBlockEnv(block: BlockEnv, out: Uint8Array, at: number, view: DataView): void {
  let p = at;
  view.setBigUint64(p, block.number, true), (p += 8);
  view.setBigUint64(p, block.timestamp, true), (p += 8);
  view.setBigUint64(p, block.gasLimit, true), (p += 8);
  view.setBigUint64(p, block.chainId, true), (p += 8);
  out.set(block.coinbase, p), (p += 20);
  out.set(block.prevRandao, p), (p += 32);
  p = writeWord(view, p, block.baseFee);
  p = writeWord(view, p, block.blobBaseFee);
  out.fill(0, p, p + 48);
}

/** The input's u32 flags word (at INPUT_FLAGS_OFFSET, inside the block environment's bytes) for `tx`. */
export function inputFlags(tx: TxInput): number {
  return (tx.noValidation ? FLAG_NO_VALIDATION : 0) | (tx.deferCoinbase ? FLAG_DEFER_COINBASE : 0);
}

/**
 * Writes the part of an input after the block environment (at `at`, room for
 * inputSize(tx) - BLOCK_ENV_SIZE bytes); returns the bytes written.
 */
export function encodeTxBody(tx: TxInput, out: Uint8Array, at: number, view: DataView): number {
  let p = at;
  out[p++] = tx.type;
  out[p++] = tx.to ? 1 : 0;
  out.set(tx.sender, p), (p += 20);
  if (tx.to) out.set(tx.to, p);
  else out.fill(0, p, p + 20);
  p += 20;
  view.setBigUint64(p, tx.nonce, true), (p += 8);
  view.setBigUint64(p, tx.gasLimit, true), (p += 8);
  p = writeWord(view, p, tx.value);
  p = writeWord(view, p, tx.gasPrice);
  p = writeWord(view, p, tx.maxFeePerGas);
  p = writeWord(view, p, tx.maxPriorityFeePerGas);
  p = writeWord(view, p, tx.maxFeePerBlobGas);
  view.setUint32(p, tx.data.length, true), (p += 4);
  out.set(tx.data, p), (p += tx.data.length);
  view.setUint32(p, tx.accessList.length, true), (p += 4);
  for (const e of tx.accessList) {
    out.set(e.address, p), (p += 20);
    view.setUint32(p, e.storageKeys.length, true), (p += 4);
    for (const k of e.storageKeys) out.set(k, p), (p += 32);
  }
  view.setUint32(p, tx.blobVersionedHashes.length, true), (p += 4);
  for (const h of tx.blobVersionedHashes) out.set(h, p), (p += 32);
  return p - at;
}

/** Reads a 32-byte big-endian word. */
export function readWord(view: DataView, at: number): bigint {
  // Values almost always fit 64 bits, and balances 128 (1,000 ether is past 64): one or three
  // bigints instead of seven (48 against 70 ns for a 128-bit balance).
  if ((view.getUint32(at) | view.getUint32(at + 4) | view.getUint32(at + 8) | view.getUint32(at + 12)) === 0) {
    if ((view.getUint32(at + 16) | view.getUint32(at + 20)) === 0) return view.getBigUint64(at + 24);
    return (view.getBigUint64(at + 16) << 64n) | view.getBigUint64(at + 24);
  }
  return (
    (view.getBigUint64(at) << 192n) |
    (view.getBigUint64(at + 8) << 128n) |
    (view.getBigUint64(at + 16) << 64n) |
    view.getBigUint64(at + 24)
  );
}

const NO_BYTES = new Uint8Array(0);
const NO_LOGS: Log[] = Object.freeze([]) as unknown as Log[];
/** An account change's empty storage list, shared (frozen: nobody writes to a result's parts). */
export const NO_SLOTS: [Uint8Array, Uint8Array][] = Object.freeze([]) as unknown as [Uint8Array, Uint8Array][];

/**
 * Decodes the output at `at` of `buf` (`view`: a DataView of the same bytes, when the caller
 * keeps one), all but the read set (decodeReadSet: nothing on the commit path needs it); `buf`
 * is copied from, never kept. Called once per transaction on the commit
 * path, so it allocates only what the result holds: empty return data, empty log and slot lists
 * (frozen) and the empty code hash are shared, as nobody writes to a result's parts, and the
 * created address is copied only for a creation.
 */
export function decodeOutput(buf: Uint8Array, at = 0, view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)): ExecResult {
  const status = view.getUint32(at, true) as ExecStatus;
  const invalidReason = view.getUint32(at + 4, true) as InvalidReason;
  const gasUsed = view.getBigUint64(at + 8, true);
  const gasRefunded = view.getBigUint64(at + 16, true);
  let createdAddress: Uint8Array | null = null;
  if (status === ExecStatus.Success && !isZeroAt(buf, at + 56, 20)) createdAddress = buf.slice(at + 56, at + 76);
  const n = view.getUint32(at + 76, true);
  const returnData = n === 0 ? NO_BYTES : buf.slice(at + 80, at + 80 + n);
  const logs: Log[] = view.getUint32(at + 80 + n, true) === 0 ? NO_LOGS : [];
  let p = decodeLogs(buf, view, at + 80 + n, logs === NO_LOGS ? null : logs);
  const accounts: AccountChange[] = [];
  for (let k = view.getUint32(p, true), _ = (p += 4); k > 0; k--) {
    const flags = buf[p + OutAccount.FLAGS]!;
    const hashAt = p + OutAccount.CODE_HASH;
    const codeLen = view.getUint32(p + OutAccount.CODE_LEN, true);
    const address = buf.slice(p, p + 20);
    const nonce = view.getBigUint64(p + OutAccount.NONCE, true);
    const balance = readWord(view, p + OutAccount.BALANCE);
    const codeHash = bytesEqualAt(buf, hashAt, EMPTY_CODE_HASH, 0, 32) ? EMPTY_CODE_HASH : buf.slice(hashAt, hashAt + 32);
    p += OutAccount.SIZE;
    let code: Uint8Array | null = null;
    if (flags & ACCOUNT_CODE_CHANGED) code = buf.slice(p, (p += codeLen));
    const nSlots = view.getUint32(p, true);
    p += 4;
    const storage: [Uint8Array, Uint8Array][] = nSlots === 0 ? NO_SLOTS : [];
    for (let s = nSlots; s > 0; s--, p += 64) storage.push([buf.slice(p, p + 32), buf.slice(p + 32, p + 64)]);
    accounts.push({ address, deleted: (flags & ACCOUNT_DELETED) !== 0, nonce, balance, codeHash, code, storage });
  }
  return { status, invalidReason, gasUsed, gasRefunded, createdAddress, returnData, logs, accounts };
}

/**
 * Byte offsets within one account of an output's account section (after its u32 count): address
 * at 0, then these; the entry's code (CODE_LEN bytes, only with ACCOUNT_CODE_CHANGED) follows
 * SIZE, then a u32 slot count and 64 bytes (key, value) per slot.
 */
export const OutAccount = { FLAGS: 20, NONCE: 21, BALANCE: 29, CODE_HASH: 61, CODE_LEN: 93, SIZE: 97 } as const;

/** Byte offset of the account section (its u32 count) in an output buffer. */
export function outputAccountsAt(buf: Uint8Array, view: DataView, at = 0): number {
  return decodeLogs(buf, view, at + 80 + view.getUint32(at + 76, true), null);
}

/**
 * The tip a run with FLAG_DEFER_COINBASE owes the coinbase, from the output at `at` (zero: the
 * coinbase is only touched, EIP-161); zero for a sender that pays nothing (FLAG_NO_VALIDATION).
 * The core prices it, so no host repeats its fee arithmetic.
 */
export function deferredTip(view: DataView, at = 0): bigint {
  return readWord(view, at + 24);
}

/** Decodes the logs at `p` into `logs` (or only skips them); returns the offset past them. */
function decodeLogs(buf: Uint8Array, view: DataView, p: number, logs: Log[] | null): number {
  for (let n = view.getUint32(p, true), _ = (p += 4); n > 0; n--) {
    const address = logs && buf.slice(p, p + 20);
    p += 20;
    const topics: Uint8Array[] = [];
    for (let t = view.getUint32(p, true), _ = (p += 4); t > 0; t--, p += 32) if (logs) topics.push(buf.slice(p, p + 32));
    const len = view.getUint32(p, true);
    p += 4;
    if (logs) logs.push({ address: address!, topics, data: buf.slice(p, p + len) });
    p += len;
  }
  return p;
}

/** The read set of an output buffer (see evm_abi.h). */
export function decodeReadSet(buf: Uint8Array): ReadSet {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let p = outputAccountsAt(buf, view);
  for (let n = view.getUint32(p, true), _ = (p += 4); n > 0; n--) {
    const codeLen = buf[p + OutAccount.FLAGS]! & ACCOUNT_CODE_CHANGED ? view.getUint32(p + OutAccount.CODE_LEN, true) : 0;
    p += OutAccount.SIZE + codeLen;
    p += 4 + 64 * view.getUint32(p, true);
  }
  const accounts: Uint8Array[] = [];
  for (let n = view.getUint32(p, true), _ = (p += 4); n > 0; n--, p += 20) accounts.push(buf.slice(p, p + 20));
  const slots: [Uint8Array, Uint8Array][] = [];
  for (let n = view.getUint32(p, true), _ = (p += 4); n > 0; n--, p += 52) slots.push([buf.slice(p, p + 20), buf.slice(p + 20, p + 52)]);
  return { accounts, slots };
}

/** What the core asks its host for; views passed in are valid only during the call. */
export interface HostState {
  /** Account or undefined when it does not exist. */
  account(address: Uint8Array): HostAccount | undefined;
  /** Committed 32-byte value of a slot, written into `out` (already zeroed). */
  storage(address: Uint8Array, key: Uint8Array, out: Uint8Array): void;
  /** Hash of an earlier block (32 bytes), or undefined when unknown. */
  blockHash(number: bigint): Uint8Array | undefined;
  /**
   * Optional fast path for a host that keeps accounts as bytes: writes the account record
   * (ACCOUNT_RECORD_SIZE bytes, encodeAccountRecord's layout) into `out`, which starts at a
   * 4-byte boundary, and returns false when the account does not exist. When present,
   * `accountCode` must be too.
   */
  accountInto?(address: Uint8Array, out: Uint8Array): boolean;
  /** Code of an account accountInto reported (asked only when the core has not seen its code hash). */
  accountCode?(address: Uint8Array): Uint8Array;
}

export interface HostAccount {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  code: Uint8Array;
  hasStorage: boolean;
}

/** Fills an account record (ACCOUNT_RECORD_SIZE bytes) for host_account; `view` is over `out`. */
export function encodeAccountRecord(a: HostAccount, out: Uint8Array, view = new DataView(out.buffer, out.byteOffset, ACCOUNT_RECORD_SIZE)): void {
  view.setBigUint64(0, a.nonce, true);
  writeWord(view, 8, a.balance);
  out.set(a.codeHash, 40);
  view.setUint32(72, a.code.length, true);
  view.setUint32(76, a.hasStorage ? ACCOUNT_HAS_STORAGE : 0, true);
}
