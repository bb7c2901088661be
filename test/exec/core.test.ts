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

test("executeInput copies a laid-out block environment only when its stamp or buffer changes, both backends", async () => {
  const { BLOCK_ENV_SIZE, decodeOutput, encodeBlockEnv, encodeTxBody, inputFlags, inputSize } = await import("../../src/exec/abi");
  const { block, call, world } = await import("./helpers");
  // Returns the block number.
  const state = world("0x4360005260206000f3");
  const tx = call(100_000n);
  const shared = { bytes: new Uint8Array(4096), words: new Int32Array(0) };
  shared.words = new Int32Array(shared.bytes.buffer);
  const view = new DataView(shared.bytes.buffer);
  const bodyLen = encodeTxBody(tx, shared.bytes, 1024, view);
  expect(bodyLen).toBe(inputSize(tx) - BLOCK_ENV_SIZE);
  for (const backend of ["wasm", "native"] as const) {
    const core = await EvmCore.load(backend);
    const number = (stamp: number, over = shared) => {
      const len = core.executeInput(over, 0, stamp, 1024, bodyLen, inputFlags(tx), state);
      const out = { bytes: new Uint8Array(len + 8), words: new Int32Array(Math.ceil((len + 8) / 4)) };
      out.bytes = new Uint8Array(out.words.buffer);
      core.copyOutput(out, 0, len);
      return BigInt("0x" + Buffer.from(decodeOutput(out.bytes).returnData).toString("hex"));
    };
    encodeBlockEnv(block, shared.bytes, 0, view);
    expect(number(1)).toBe(10n);
    // Same buffer and stamp: the environment already in the core is used (the stamp is the caller's promise).
    encodeBlockEnv({ ...block, number: 11n }, shared.bytes, 0, view);
    expect(number(1)).toBe(10n);
    expect(number(2)).toBe(11n);
    // Another buffer with the same stamp, or a run through execute() in between: copied again.
    const other = { bytes: shared.bytes.slice(), words: new Int32Array(0) };
    other.words = new Int32Array(other.bytes.buffer);
    encodeBlockEnv({ ...block, number: 12n }, other.bytes, 0, new DataView(other.bytes.buffer));
    expect(number(2, other)).toBe(12n);
    core.execute({ ...block, number: 13n }, tx, state);
    expect(number(2, other)).toBe(12n);
    expect(number(2)).toBe(11n);
  }
});
