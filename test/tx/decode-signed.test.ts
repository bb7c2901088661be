import { beforeAll, describe, expect, test } from "bun:test";
import { bytesToHex, hexToBytes } from "../../src/crypto";
import { decodeSignedTx, type SignedTx } from "../../src/tx";
import { fixtureShapes, signAllFixtures, type SignedFixture } from "./signed-fixtures";
import { TEST_SEED } from "./test-seed";

let fixtures: SignedFixture[] = [];
beforeAll(async () => {
  fixtures = await signAllFixtures(TEST_SEED);
});

function hexOrNull(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : bytesToHex(bytes);
}

function decodedView(tx: SignedTx) {
  return {
    type: tx.type,
    chainId: tx.chainId,
    nonce: tx.nonce,
    gasPrice: tx.gasPrice,
    maxFeePerGas: tx.maxFeePerGas,
    maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
    gasLimit: tx.gasLimit,
    to: hexOrNull(tx.to),
    value: tx.value,
    data: bytesToHex(tx.data),
    accessList: tx.accessList.map((e) => ({ address: bytesToHex(e.address), storageKeys: e.storageKeys.map(bytesToHex) })),
  };
}

describe("decodeSignedTx on transactions signed by viem and ethers", () => {
  test("the matrix covers every type, both chain ids, creation, data and access lists for both signers", () => {
    expect(fixtures.length).toBe(2 * fixtureShapes().length);
    const labels = fixtures.map((f) => f.label).join("\n");
    for (const needle of ["viem legacy-pre155", "ethers legacy-pre155", "chain=31337", "chain=1 ", "create", "accessList", "data", "eip2930", "eip1559"]) {
      expect(labels).toContain(needle);
    }
  });

  test("every field equals what the signer put in", () => {
    for (const f of fixtures) {
      const tx = decodeSignedTx(hexToBytes(f.raw));
      expect({ label: f.label, ...decodedView(tx) }).toEqual({ label: f.label, ...f.expected });
    }
  });

  test("hash and signingHash equal the signer's, raw is the exact input", () => {
    for (const f of fixtures) {
      const tx = decodeSignedTx(hexToBytes(f.raw));
      expect([f.label, bytesToHex(tx.hash)]).toEqual([f.label, f.hash]);
      expect([f.label, bytesToHex(tx.signingHash)]).toEqual([f.label, f.signingHash]);
      expect(bytesToHex(tx.raw)).toBe(f.raw);
    }
  });

  test("legacy fee fields are uniform and y-parity matches v", () => {
    for (const f of fixtures.filter((x) => x.expected.type === 0)) {
      const tx = decodeSignedTx(hexToBytes(f.raw));
      expect(tx.maxFeePerGas).toBe(tx.gasPrice!);
      expect(tx.maxPriorityFeePerGas).toBe(tx.gasPrice!);
      expect(tx.yParity === 0 || tx.yParity === 1).toBe(true);
    }
  });

  test("decoded fields survive the caller overwriting its input buffer", () => {
    const f = fixtures.find((x) => x.expected.type === 2 && x.expected.accessList.length > 0 && x.expected.data !== "0x")!;
    const input = hexToBytes(f.raw);
    const tx = decodeSignedTx(input);
    input.fill(0xee);
    expect(decodedView(tx)).toEqual(f.expected);
    expect(bytesToHex(tx.raw)).toBe(f.raw);
  });
});
