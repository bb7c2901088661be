import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bytesToHex, hexToBytes } from "../../src/crypto";
import {
  createSenderRecovery,
  decodeSignedTx,
  loadLibsecp256k1Recovery,
  NativeSecp256k1UnavailableError,
  NobleRecovery,
  packSignatures,
  RecoveryWorkerError,
  SENDER_RECORD_BYTES,
  SIGNATURE_RECORD_BYTES,
  unpackSenders,
  WorkerPoolRecovery,
  type SenderRecovery,
  type SignedTx,
} from "../../src/tx";
import { signAllFixtures, type SignedFixture } from "./signed-fixtures";
import { TEST_SEED } from "./test-seed";

let fixtures: SignedFixture[] = [];
let txs: SignedTx[] = [];
let expectedSenders: string[] = [];
const pools: WorkerPoolRecovery[] = [];

beforeAll(async () => {
  // Two independently seeded rounds: ~176 transactions from ~176 keys.
  fixtures = [...(await signAllFixtures(TEST_SEED)), ...(await signAllFixtures(TEST_SEED + 1n))];
  txs = fixtures.map((f) => decodeSignedTx(hexToBytes(f.raw)));
  expectedSenders = fixtures.map((f) => f.sender);
});

afterAll(async () => {
  for (const pool of pools) await pool.close();
});

function hexes(senders: (Uint8Array | null)[]): (string | null)[] {
  return senders.map((s) => (s === null ? null : bytesToHex(s)));
}

function backends(): SenderRecovery[] {
  return [loadLibsecp256k1Recovery(), new NobleRecovery()];
}

describe("sender recovery", () => {
  test("createSenderRecovery picks libsecp256k1 here and says so", () => {
    const picked = createSenderRecovery();
    expect(picked.name).toBe("libsecp256k1");
    expect(picked.fallbackReason).toBeUndefined();
    expect(createSenderRecovery("noble").name).toBe("noble");
  });

  test("createSenderRecovery falls back to noble, with the reason, when the library cannot be loaded", () => {
    const picked = createSenderRecovery("auto", ["/nonexistent/libsecp256k1.so.1"]);
    expect(picked.name).toBe("noble");
    expect(picked.fallbackReason).toContain('"/nonexistent/libsecp256k1.so.1"');
    expect(() => createSenderRecovery("libsecp256k1", ["/nonexistent/libsecp256k1.so.1"])).toThrow(NativeSecp256k1UnavailableError);
    // A library that opens but lacks the symbols is refused too, not half-used.
    expect(() => loadLibsecp256k1Recovery(["libc.so.6"])).toThrow(NativeSecp256k1UnavailableError);
  });

  for (const make of [() => loadLibsecp256k1Recovery(), () => new NobleRecovery()]) {
    const name = make().name;
    test(`${name}: recovers the viem/ethers signer of every transaction`, () => {
      const got = hexes(make().recover(txs));
      expect(got.length).toBe(fixtures.length);
      for (let i = 0; i < txs.length; i++) expect([fixtures[i]!.label, got[i]]).toEqual([fixtures[i]!.label, expectedSenders[i]!]);
    });

    test(`${name}: a tampered signing hash yields a different sender, a hand-built high-s one yields null`, () => {
      const tampered = txs.map((tx) => ({ ...tx, signingHash: tx.signingHash.map((b, i) => (i === 0 ? b ^ 1 : b)) }));
      const got = hexes(make().recover(tampered));
      for (let i = 0; i < txs.length; i++) expect(got[i]).not.toBe(expectedSenders[i]!);
      const highS = { ...txs[0]!, s: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n - txs[0]!.s };
      expect(make().recover([highS, txs[0]!]).map((s) => (s === null ? null : bytesToHex(s)))).toEqual([null, expectedSenders[0]!]);
    });

    test(`${name}: packed records may sit at any offset inside a larger buffer`, () => {
      const packed = packSignatures(txs);
      const padded = new Uint8Array(packed.length + 13);
      padded.set(packed, 13);
      const backend = make() as ReturnType<typeof loadLibsecp256k1Recovery>;
      const outBuffer = new Uint8Array(txs.length * SENDER_RECORD_BYTES + 5);
      backend.recoverPacked(padded.subarray(13), txs.length, outBuffer.subarray(5));
      expect(hexes(unpackSenders(outBuffer.subarray(5), txs.length))).toEqual(expectedSenders);
      expect(() => backend.recoverPacked(packed.subarray(0, SIGNATURE_RECORD_BYTES), 2, outBuffer)).toThrow(RangeError);
    });
  }

  test("empty batches", () => {
    for (const backend of backends()) expect(backend.recover([])).toEqual([]);
  });
});

describe("worker pool recovery", () => {
  for (const workers of [1, 2]) {
    test(`${workers} worker(s): recovers every signer, in order, in one batch and in concurrent batches`, async () => {
      const pool = await WorkerPoolRecovery.create({ workers, minRecordsPerWorker: 16 });
      pools.push(pool);
      expect(pool.name).toBe(`workers(${workers}×libsecp256k1)`);
      expect(hexes(await pool.recoverAsync(txs))).toEqual(expectedSenders);
      const slices = [txs.slice(0, 50), txs.slice(50, 51), [], txs.slice(51)];
      const results = await Promise.all(slices.map((s) => pool.recoverAsync(s)));
      expect(results.flatMap(hexes)).toEqual(expectedSenders);
    });
  }

  test("noble workers agree with libsecp256k1 workers", async () => {
    const pool = await WorkerPoolRecovery.create({ workers: 2, backend: "noble" });
    pools.push(pool);
    expect(pool.name).toBe("workers(2×noble)");
    expect(hexes(await pool.recoverAsync(txs))).toEqual(expectedSenders);
  });

  test("only flat bytes cross to the workers: the batch is packed, not the SignedTx objects", async () => {
    const pool = await WorkerPoolRecovery.create({ workers: 1 });
    pools.push(pool);
    // Strip everything but the signature parts; recovery must still work.
    const minimal = txs.map((tx) => ({ signingHash: tx.signingHash, r: tx.r, s: tx.s, yParity: tx.yParity }) as SignedTx);
    expect(hexes(await pool.recoverAsync(minimal))).toEqual(expectedSenders);
  });

  test("a closed pool rejects new and in-flight batches with RecoveryWorkerError", async () => {
    const pool = await WorkerPoolRecovery.create({ workers: 1 });
    const inFlight = pool.recoverAsync(txs);
    await pool.close();
    await expect(inFlight).rejects.toThrow(RecoveryWorkerError);
    await expect(pool.recoverAsync(txs)).rejects.toThrow(/was closed/);
  });

  test("workers fall back to noble like createSenderRecovery; forcing a missing library fails start-up instead of hanging", async () => {
    const missing = ["/nonexistent/libsecp256k1.so.1"];
    const fallback = await WorkerPoolRecovery.create({ workers: 1, libraryCandidates: missing });
    pools.push(fallback);
    expect(fallback.name).toBe("workers(1×noble)");
    expect(hexes(await fallback.recoverAsync(txs.slice(0, 8)))).toEqual(expectedSenders.slice(0, 8));
    await expect(WorkerPoolRecovery.create({ workers: 2, backend: "libsecp256k1", libraryCandidates: missing })).rejects.toThrow(
      /recovery worker \d failed to start: libsecp256k1 with the recovery module could not be loaded/,
    );
    await expect(WorkerPoolRecovery.create({ workers: 1, backend: "bogus" as "noble" })).rejects.toThrow(/unknown sender recovery backend "bogus"/);
  });
});
