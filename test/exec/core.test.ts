// The core's utility exports and loader guarantees.
import { expect, test } from "bun:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { EvmCore } from "../../src/exec/core";

test("keccak256 through the core equals @noble/hashes on random inputs, both backends", async () => {
  for (const backend of ["wasm", "native"] as const) {
    const core = await EvmCore.load(backend);
    for (let len = 0; len < 600; len += 7) {
      const data = crypto.getRandomValues(new Uint8Array(len));
      expect(core.keccak256(data)).toEqual(keccak_256(data));
    }
  }
});

test("instances from one compiled module keep separate state", async () => {
  const a = await EvmCore.load("wasm");
  const b = await EvmCore.load("wasm");
  const x = a.keccak256(new Uint8Array([1]));
  b.keccak256(new Uint8Array([2]));
  expect(a.keccak256(new Uint8Array([1]))).toEqual(x);
});

test("the encoded input is exactly as long as inputSize says", async () => {
  const { encodeInput, inputSize } = await import("../../src/exec/abi");
  const { block, call } = await import("./helpers");
  const tx = { ...call(21_000n), data: new Uint8Array(5), accessList: [{ address: new Uint8Array(20), storageKeys: [new Uint8Array(32)] }] };
  const buf = new Uint8Array(inputSize(tx) + 64);
  expect(encodeInput(block, tx, buf)).toBe(inputSize(tx));
});
