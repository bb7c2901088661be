// Whole-transaction rules: rejection reasons leave the state untouched; fees go where they should.
import { beforeAll, describe, expect, test } from "bun:test";
import {
  ACCOUNT_BALANCE_CHANGED,
  ACCOUNT_CODE_CHANGED,
  ACCOUNT_CODE_HASH_CHANGED,
  ACCOUNT_NONCE_CHANGED,
  decodeOutput,
  decodeReadSet,
  deferredTip,
  ExecStatus,
  InvalidReason,
  OutAccount,
  outputAccountsAt,
} from "../../src/exec/abi";
import { EvmCore } from "../../src/exec/core";
import { block, call, COINBASE, CONTRACT, SENDER, world } from "./helpers";

let core: EvmCore;
beforeAll(async () => {
  core = await EvmCore.load("wasm");
});

describe("invalid transactions are rejected with a reason and change nothing", () => {
  const cases: [string, Parameters<typeof call>[1], InvalidReason][] = [
    ["nonce too high", { nonce: 1n }, InvalidReason.NonceTooHigh],
    ["insufficient funds", { value: 10n ** 21n }, InvalidReason.InsufficientFunds],
    ["intrinsic gas", { data: new Uint8Array([1]) }, InvalidReason.IntrinsicGas],
    ["fee cap below base fee", { maxFeePerGas: 6n, maxPriorityFeePerGas: 0n }, InvalidReason.FeeCapBelowBaseFee],
    ["priority above fee cap", { maxFeePerGas: 10n, maxPriorityFeePerGas: 11n }, InvalidReason.PriorityAboveFeeCap],
    ["gas above the block limit", { gasLimit: 30_000_001n }, InvalidReason.GasLimitExceedsBlock],
    ["blob transaction without blobs", { type: 3 }, InvalidReason.BlobNoHashes],
    ["create with oversized initcode", { to: null, gasLimit: 10_000_000n, data: new Uint8Array(49153) }, InvalidReason.InitcodeTooLarge],
  ];
  for (const [name, over, reason] of cases) {
    test(name, () => {
      const r = core.execute(block, call(over?.gasLimit ?? 21_000n, over), world("0x00"));
      expect(r.status).toBe(ExecStatus.Invalid);
      expect(r.invalidReason).toBe(reason);
      expect(r.accounts).toEqual([]);
    });
  }
  test("nonce too low and sender with code (EIP-3607)", () => {
    const s = world("0x00");
    s.put(SENDER, { nonce: 5n, balance: 10n ** 20n, code: new Uint8Array(0), storage: [] });
    expect(core.execute(block, call(21_000n), s).invalidReason).toBe(InvalidReason.NonceTooLow);
    s.put(SENDER, { nonce: 0n, balance: 10n ** 20n, code: new Uint8Array([0]), storage: [] });
    expect(core.execute(block, call(21_000n), s).invalidReason).toBe(InvalidReason.SenderHasCode);
  });
});

test("EIP-1559 fees: sender pays base fee + tip, the coinbase gets only the tip", () => {
  const r = core.execute(block, call(50_000n, { value: 3n }), world("0x00"));
  expect(r.status).toBe(ExecStatus.Success);
  expect(r.gasUsed).toBe(21_000n);
  const sender = r.accounts.find((a) => a.address[0] === SENDER[0])!;
  const coinbase = r.accounts.find((a) => a.address[0] === COINBASE[0])!;
  const contract = r.accounts.find((a) => a.address[0] === CONTRACT[0])!;
  // price = min(maxFee 10, baseFee 7 + tip 1) = 8
  expect(sender.balance).toBe(10n ** 20n - 21_000n * 8n - 3n);
  expect(sender.nonce).toBe(1n);
  expect(coinbase.balance).toBe(21_000n * 1n);
  expect(contract.balance).toBe(3n);
});

test("a deferred coinbase credit is reported as the tip owed, and the coinbase is left alone", () => {
  const deferred = core.executeRaw(block, call(50_000n, { value: 3n, deferCoinbase: true }), world("0x00"));
  const r = decodeOutput(deferred);
  expect(r.accounts.some((a) => a.address[0] === COINBASE[0])).toBe(false);
  expect(deferredTip(new DataView(deferred.buffer, deferred.byteOffset))).toBe(21_000n * 1n);
  // Credited by the core itself, or owed by a sender that pays nothing: no tip is reported.
  const credited = core.executeRaw(block, call(50_000n, { value: 3n }), world("0x00"));
  expect(deferredTip(new DataView(credited.buffer, credited.byteOffset))).toBe(0n);
  const free = core.executeRaw(block, call(50_000n, { value: 3n, deferCoinbase: true, noValidation: true }), world("0x00"));
  expect(deferredTip(new DataView(free.buffer, free.byteOffset))).toBe(0n);
});

test("the read and write sets name what the transaction touched", () => {
  // PUSH1 0 SLOAD PUSH1 1 SSTORE: reads slot 0, writes slot 1
  const s = world("0x600054600155");
  s.put(CONTRACT, { nonce: 1n, balance: 0n, code: Buffer.from("600054600155", "hex"), storage: [[new Uint8Array(32), new Uint8Array(32).fill(9)]] });
  const raw = core.executeRaw(block, call(100_000n), s);
  const r = decodeOutput(raw);
  expect(r.status).toBe(ExecStatus.Success);
  const reads = decodeReadSet(raw);
  expect(reads.slots.length).toBe(2); // slot 0 read, slot 1 loaded for its original value
  expect(reads.slots.every(([a]) => a[0] === CONTRACT[0])).toBe(true);
  expect(reads.accounts.some((a) => a[0] === SENDER[0])).toBe(true);
  const contract = r.accounts.find((a) => a.address[0] === CONTRACT[0])!;
  expect(contract.storage.length).toBe(1);
  expect(contract.storage[0]![1]).toEqual(new Uint8Array(32).fill(9));
});

/** Each changed account's flags in a raw output, by the first byte of its address. */
function accountFlags(raw: Uint8Array): Map<number, number> {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const flags = new Map<number, number>();
  let p = outputAccountsAt(raw, view);
  for (let n = view.getUint32(p, true), _ = (p += 4); n > 0; n--) {
    const f = raw[p + OutAccount.FLAGS]!;
    flags.set(raw[p]!, f);
    p += OutAccount.SIZE + (f & ACCOUNT_CODE_CHANGED ? view.getUint32(p + OutAccount.CODE_LEN, true) : 0);
    p += 4 + 64 * view.getUint32(p, true);
  }
  return flags;
}

test("a changed account flags exactly the fields that differ from what the host reported", () => {
  const FIELDS = ACCOUNT_NONCE_CHANGED | ACCOUNT_BALANCE_CHANGED | ACCOUNT_CODE_HASH_CHANGED;
  // A call with value into a contract that writes a slot: its balance moves, its nonce does not.
  const paid = accountFlags(core.executeRaw(block, call(100_000n, { value: 3n }), world("0x600054600155")));
  expect(paid.get(SENDER[0]!)! & FIELDS).toBe(ACCOUNT_NONCE_CHANGED | ACCOUNT_BALANCE_CHANGED);
  expect(paid.get(CONTRACT[0]!)! & FIELDS).toBe(ACCOUNT_BALANCE_CHANGED);
  expect(paid.get(COINBASE[0]!)! & FIELDS).toBe(ACCOUNT_BALANCE_CHANGED); // created by the tip
  // Only storage changes: the contract's fields are all as read.
  expect(accountFlags(core.executeRaw(block, call(100_000n), world("0x600054600155"))).get(CONTRACT[0]!)! & FIELDS).toBe(0);
  // A free sender's value sent back to itself changes nothing but its nonce.
  const self = accountFlags(core.executeRaw(block, call(100_000n, { to: SENDER, value: 5n, noValidation: true }), world("0x00")));
  expect(self.get(SENDER[0]!)! & FIELDS).toBe(ACCOUNT_NONCE_CHANGED);
  // A creation whose initcode returns one byte of code: the new account gets a nonce and a code hash.
  const raw = core.executeRaw(block, call(100_000n, { to: null, data: Buffer.from("600160005360016000f3", "hex") }), world("0x00"));
  const created = decodeOutput(raw).createdAddress!;
  expect(accountFlags(raw).get(created[0]!)! & FIELDS).toBe(ACCOUNT_NONCE_CHANGED | ACCOUNT_CODE_HASH_CHANGED);
});
