import { expect, test } from "bun:test";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToBigInt, bytesToHex, keccak256 } from "../../src/crypto";
import {
  loadLibsecp256k1Recovery,
  NobleRecovery,
  packSignatureRecord,
  SECP256K1_HALF_N,
  SECP256K1_N,
  SENDER_RECORD_BYTES,
  SIGNATURE_RECORD_BYTES,
  unpackSenders,
} from "../../src/tx";
import { Prng } from "./signed-fixtures";
import { TEST_SEED } from "./test-seed";

const COUNT = 500;

type Case = "valid" | "wrong-parity" | "random-r" | "high-s" | "r=0" | "r>=n" | "s=0" | "recid>1";
const CASES: Case[] = ["valid", "valid", "valid", "valid", "wrong-parity", "random-r", "random-r", "random-r", "high-s", "r=0", "r>=n", "s=0", "recid>1"];

function addressOf(secretKey: Uint8Array): string {
  return bytesToHex(keccak256(secp256k1.getPublicKey(secretKey, false).subarray(1)).subarray(12));
}

test(`libsecp256k1 and noble agree on ${COUNT} random signatures, valid and invalid`, () => {
  const rng = new Prng(TEST_SEED ^ 0x5eedn);
  const sigs = new Uint8Array(COUNT * SIGNATURE_RECORD_BYTES);
  const cases: Case[] = [];
  const signers: (string | null)[] = [];
  for (let i = 0; i < COUNT; i++) {
    const kind = CASES[rng.int(CASES.length)]!;
    const hash = rng.bytes(32);
    const secretKey = secp256k1.utils.randomSecretKey(rng.bytes(48));
    const signed = secp256k1.sign(hash, secretKey, { prehash: false, format: "recovered" });
    let recid = signed[0]!;
    let r = bytesToBigInt(signed.subarray(1, 33));
    let s = bytesToBigInt(signed.subarray(33, 65));
    if (kind === "wrong-parity") recid ^= 1;
    if (kind === "random-r") r = 1n + (bytesToBigInt(rng.bytes(32)) % (SECP256K1_N - 1n));
    if (kind === "high-s") s = SECP256K1_N - s;
    if (kind === "r=0") r = 0n;
    if (kind === "r>=n") r = SECP256K1_N + BigInt(rng.int(1000));
    if (kind === "s=0") s = 0n;
    if (kind === "recid>1") recid = 2 + rng.int(254);
    // r ≥ n overflows 32 bytes only past 2^256, which these never reach.
    packSignatureRecord(sigs, i, hash, r % (1n << 256n), s, recid);
    cases.push(kind);
    signers.push(kind === "valid" ? addressOf(secretKey) : null);
  }

  const nativeOut = new Uint8Array(COUNT * SENDER_RECORD_BYTES);
  const nobleOut = new Uint8Array(COUNT * SENDER_RECORD_BYTES);
  loadLibsecp256k1Recovery().recoverPacked(sigs, COUNT, nativeOut);
  new NobleRecovery().recoverPacked(sigs, COUNT, nobleOut);
  const native = unpackSenders(nativeOut, COUNT).map((a) => (a === null ? null : bytesToHex(a)));
  const noble = unpackSenders(nobleOut, COUNT).map((a) => (a === null ? null : bytesToHex(a)));

  for (let i = 0; i < COUNT; i++) {
    expect({ i, kind: cases[i], native: native[i] }).toEqual({ i, kind: cases[i], native: noble[i]! });
    if (cases[i] === "valid") expect(native[i]).toBe(signers[i]!);
    if (["high-s", "r=0", "r>=n", "s=0", "recid>1"].includes(cases[i]!)) expect(native[i]).toBeNull();
  }
  // The mix must really exercise both outcomes of the curve math, not just the range gate:
  // random r is a valid x-coordinate about half the time.
  const randomR = cases.map((c, i) => (c === "random-r" ? native[i] : undefined)).filter((x) => x !== undefined);
  expect(randomR.some((x) => x === null)).toBe(true);
  expect(randomR.some((x) => x !== null)).toBe(true);
  const wrongParity = cases.map((c, i) => (c === "wrong-parity" ? native[i] : undefined)).filter((x) => x !== undefined);
  expect(wrongParity.length).toBeGreaterThan(0);
  expect(wrongParity.every((x) => x !== null)).toBe(true); // recovers someone, just not the signer
  expect(SECP256K1_HALF_N * 2n + 1n).toBe(SECP256K1_N);
});
