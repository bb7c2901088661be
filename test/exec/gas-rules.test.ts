// Each gas rule at its exact cost N (success) and N-1 (out of gas), per EIP.
import { beforeAll, describe, expect, test } from "bun:test";
import { ExecStatus } from "../../src/exec/abi";
import { EvmCore } from "../../src/exec/core";
import { block, call, CONTRACT, world } from "./helpers";

let core: EvmCore;
beforeAll(async () => {
  core = await EvmCore.load("wasm");
});

/** Gas the code needs in total (intrinsic 21000 included), checked at N and N-1. */
function exactGas(code: string, extra: Parameters<typeof world>[1] = []): bigint {
  const ample = core.execute(block, call(1_000_000n), world(code, extra));
  expect(ample.status).toBe(ExecStatus.Success);
  expect(ample.gasRefunded).toBe(0n);
  const n = ample.gasUsed;
  expect(core.execute(block, call(n), world(code, extra)).status).toBe(ExecStatus.Success);
  expect(core.execute(block, call(n - 1n), world(code, extra)).status).toBe(ExecStatus.Failure);
  return n;
}

describe("gas at N and N-1", () => {
  test("SSTORE zero to non-zero on a cold slot: 2100 + 20000 (EIP-2929, EIP-2200)", () => {
    // PUSH1 1 PUSH1 0 SSTORE
    expect(exactGas("0x6001600055")).toBe(21000n + 3n + 3n + 2100n + 20000n);
  });
  test("SLOAD cold then warm: 2100 then 100 (EIP-2929)", () => {
    // PUSH1 0 SLOAD PUSH1 0 SLOAD
    expect(exactGas("0x6000546000 54".replace(" ", ""))).toBe(21000n + 3n + 2100n + 3n + 100n);
  });
  test("BALANCE of a cold account: 2600 (EIP-2929)", () => {
    // PUSH20 addr BALANCE
    expect(exactGas("0x73" + "ab".repeat(20) + "31")).toBe(21000n + 3n + 2600n);
  });
  test("memory expansion: 3 per word plus words^2/512", () => {
    // PUSH1 1 PUSH2 0x03e0 MSTORE -> 32 words... offset 992 + 32 = 1024 bytes = 32 words
    expect(exactGas("0x60016103e052")).toBe(21000n + 3n + 3n + 3n + 32n * 3n + (32n * 32n) / 512n);
  });
  test("EXP: 10 + 50 per exponent byte (EIP-160)", () => {
    // PUSH2 0x0100 PUSH1 2 EXP
    expect(exactGas("0x61010060020a")).toBe(21000n + 3n + 3n + 10n + 50n * 2n);
  });
  test("KECCAK256: 30 + 6 per word, plus memory", () => {
    // PUSH1 64 PUSH1 0 SHA3
    expect(exactGas("0x6040600020")).toBe(21000n + 3n + 3n + 30n + 12n + 6n);
  });
  test("CALL with value to a cold, dead account: 100 + 2500 + 9000 + 25000, unused stipend returned", () => {
    // PUSH1 0 x4 PUSH1 1 (value) PUSH20 addr PUSH1 0 (gas) CALL
    const code = "0x6000600060006000600173" + "ee".repeat(20) + "6000f1";
    const withValue = world(code);
    withValue.put(CONTRACT, { nonce: 1n, balance: 5n, code: Buffer.from(code.slice(2), "hex"), storage: [] });
    const r = core.execute(block, call(1_000_000n), withValue);
    expect(r.status).toBe(ExecStatus.Success);
    expect(r.gasUsed).toBe(21000n + 3n * 7n + 100n + 2500n + 9000n + 25000n - 2300n);
  });
  test("TLOAD/TSTORE: 100 each (EIP-1153)", () => {
    // PUSH1 1 PUSH1 0 TSTORE PUSH1 0 TLOAD
    expect(exactGas("0x600160005d60005c")).toBe(21000n + 3n * 3n + 100n + 100n);
  });
  test("MCOPY: 3 + 3 per word plus memory (EIP-5656)", () => {
    // PUSH1 32 PUSH1 0 PUSH1 32 MCOPY -> copies 32 bytes from 0 to 32, memory grows to 64
    expect(exactGas("0x602060006020 5e".replace(" ", ""))).toBe(21000n + 9n + 3n + 3n + 6n);
  });
});

describe("bad code ends in the EVM's own failure modes", () => {
  test("a huge memory offset is out of gas, not a crash", () => {
    const r = core.execute(block, call(100_000n), world("0x60017f" + "ff".repeat(32) + "52"));
    expect(r.status).toBe(ExecStatus.Failure);
    expect(r.gasUsed).toBe(100_000n);
  });
  test("an infinite loop stops when gas runs out", () => {
    const r = core.execute(block, call(5_000_000n), world("0x5b600056"));
    expect(r.status).toBe(ExecStatus.Failure);
    expect(r.gasUsed).toBe(5_000_000n);
  });
  test("unbounded self-recursion stops at depth 1024 or gas, and the transaction completes", () => {
    // CALL self with all gas, forever: PUSH1 0 x4 PUSH1 0 ADDRESS GAS CALL
    const r = core.execute(block, call(30_000_000n), world("0x60006000600060006000305af1"));
    expect(r.status).toBe(ExecStatus.Success);
  });
  test("undefined and INVALID opcodes consume all gas", () => {
    for (const code of ["0x0c", "0xfe", "0xef"]) {
      const r = core.execute(block, call(50_000n), world(code));
      expect(r.status).toBe(ExecStatus.Failure);
      expect(r.gasUsed).toBe(50_000n);
    }
  });
  test("stack underflow and jump into push data fail", () => {
    expect(core.execute(block, call(50_000n), world("0x01")).status).toBe(ExecStatus.Failure);
    expect(core.execute(block, call(50_000n), world("0x600456605b00")).status).toBe(ExecStatus.Failure);
  });
  test("TSTORE inside STATICCALL fails the inner call only", () => {
    // inner: PUSH1 1 PUSH1 0 TSTORE; outer: STATICCALL inner, store result at slot 0
    const inner = new Uint8Array(20).fill(0x11);
    const code = "0x60006000600060007311111111111111111111111111111111111111115afa600055";
    const r = core.execute(block, call(200_000n), world(code, [{ address: inner, code: "0x600160005d" }]));
    expect(r.status).toBe(ExecStatus.Success);
    const slot = r.accounts.find((a) => a.address[0] === 0xc0)?.storage ?? [];
    expect(slot.length).toBe(0); // result 0 written over 0: no change
  });
});
