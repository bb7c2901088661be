import { beforeAll, describe, expect, test } from 'bun:test';
import { Field } from '@noble/curves/abstract/modular.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  BLS_MODULUS,
  initPrecompiles,
  type KZG,
  loadedKzg,
  runHostPrecompile,
} from '../../../src/exec/precompiles/index.ts';
import { cat, fromHex, makeOracle, type Oracle, outcome, type Outcome, Rng, toHex, word } from './helpers.ts';

const N_ELEMS = 4096;
const Fr = Field(BLS_MODULUS);
const FAIL: Outcome = { ok: false };
const SUCCESS: Outcome = { ok: true, out: word(4096n) + word(BLS_MODULUS) };

let kzg: KZG;
let oracle: Oracle;
beforeAll(async () => {
  await initPrecompiles(); // loads kzg-wasm + mainnet trusted setup (several seconds)
  await initPrecompiles(); // idempotent
  kzg = loadedKzg();
  // ethereumjs 0x0a, configured with the same kzg-wasm instance (so the pairing check itself
  // is not independent; length / versioned-hash / range handling is).
  oracle = await makeOracle(kzg);
}, 120_000);

async function check(input: Uint8Array, expected: Outcome): Promise<void> {
  const ours = outcome(runHostPrecompile(0x0a, input));
  expect(ours).toEqual(await oracle(0x0a, input));
  expect(ours).toEqual(expected);
}

const versionedHash = (commitment: Uint8Array) => {
  const h = sha256(commitment);
  h[0] = 0x01;
  return h;
};

// --- EIP-4844 helpers to find the (z, y) that a blob proof opens (Fiat-Shamir challenge). ---
const ROOTS_BRP: bigint[] = (() => {
  const w = Fr.pow(7n, (BLS_MODULUS - 1n) / BigInt(N_ELEMS));
  const roots: bigint[] = [];
  let cur = 1n;
  for (let i = 0; i < N_ELEMS; i++, cur = Fr.mul(cur, w)) roots.push(cur);
  const bits = Math.log2(N_ELEMS);
  const rev = (i: number) => parseInt(i.toString(2).padStart(bits, '0').split('').reverse().join(''), 2);
  return roots.map((_, i) => roots[rev(i)]);
})();

function challenge(blob: Uint8Array, commitment: Uint8Array): bigint {
  const degree = new Uint8Array(16);
  new DataView(degree.buffer).setUint32(12, N_ELEMS);
  const data = cat(new TextEncoder().encode('FSBLOBVERIFY_V1_'), degree, blob, commitment);
  return BigInt('0x' + toHex(sha256(data))) % BLS_MODULUS;
}

/** Evaluates the blob polynomial (evaluation form over bit-reversed roots) at z. */
function evaluate(poly: bigint[], z: bigint): bigint {
  const idx = ROOTS_BRP.indexOf(z);
  if (idx >= 0) return poly[idx];
  const inv = Fr.invertBatch(ROOTS_BRP.map((w) => Fr.sub(z, w)));
  let acc = 0n;
  for (let i = 0; i < N_ELEMS; i++) acc = Fr.add(acc, Fr.mul(Fr.mul(poly[i], ROOTS_BRP[i]), inv[i]));
  return Fr.mul(Fr.mul(acc, Fr.sub(Fr.pow(z, BigInt(N_ELEMS)), 1n)), Fr.inv(BigInt(N_ELEMS)));
}

type Case = { commitment: Uint8Array; z: bigint; y: bigint; proof: Uint8Array };
const encode = (c: Case, vh = versionedHash(c.commitment)) => cat(vh, word(c.z), word(c.y), c.commitment, c.proof);

function blobCase(rng: Rng): Case {
  const poly = Array.from({ length: N_ELEMS }, () => rng.bigint() % BLS_MODULUS);
  const blob = fromHex(poly.map(word).join(''));
  const commitment = fromHex(kzg.blobToKZGCommitment('0x' + toHex(blob)));
  const proof = fromHex(kzg.computeBlobKZGProof('0x' + toHex(blob), '0x' + toHex(commitment)));
  expect(kzg.verifyBlobKZGProof('0x' + toHex(blob), '0x' + toHex(commitment), '0x' + toHex(proof))).toBe(true);
  const z = challenge(blob, commitment);
  return { commitment, z, y: evaluate(poly, z), proof };
}

const INFINITY_G1 = fromHex('c0' + '00'.repeat(47)); // compressed point at infinity

describe('KZG point evaluation (0x0a)', () => {
  let cases: Case[];
  beforeAll(() => {
    const rng = new Rng('kzg-blobs');
    cases = [blobCase(rng), blobCase(rng)];
  }, 120_000);

  test('valid proofs from kzg-wasm blobs verify; output is 4096 || BLS_MODULUS', async () => {
    for (const c of cases) await check(encode(c), SUCCESS);
  });

  test('constant polynomial: proof is infinity and any z opens to the constant', async () => {
    const rng = new Rng('kzg-constant');
    const cst = rng.bigint() % BLS_MODULUS;
    const blob = fromHex(word(cst).repeat(N_ELEMS));
    const commitment = fromHex(kzg.blobToKZGCommitment('0x' + toHex(blob)));
    for (const z of [0n, 1n, rng.bigint() % BLS_MODULUS, BLS_MODULUS - 1n, ROOTS_BRP[5]]) {
      await check(encode({ commitment, z, y: cst, proof: INFINITY_G1 }), SUCCESS);
      await check(encode({ commitment, z, y: (cst + 1n) % BLS_MODULUS, proof: INFINITY_G1 }), FAIL);
    }
  });

  test('tampered y, z, proof or commitment fail', async () => {
    const [a, b] = cases;
    await check(encode({ ...a, y: (a.y + 1n) % BLS_MODULUS }), FAIL);
    await check(encode({ ...a, z: (a.z + 1n) % BLS_MODULUS }), FAIL);
    await check(encode({ ...a, proof: b.proof }), FAIL);
    await check(encode({ ...a, proof: INFINITY_G1 }), FAIL);
    await check(encode({ ...a, commitment: b.commitment }), FAIL); // versioned hash recomputed
    await check(encode({ ...a, z: b.z, y: b.y }), FAIL);
  });

  test('malformed proof / commitment encodings fail', async () => {
    const [a] = cases;
    const flip = (x: Uint8Array, i: number, mask: number) => {
      const c = x.slice();
      c[i] ^= mask;
      return c;
    };
    await check(encode({ ...a, proof: flip(a.proof, 0, 0x80) }), FAIL); // compression flag cleared
    await check(encode({ ...a, proof: flip(a.proof, 47, 0x01) }), FAIL);
    await check(encode({ ...a, proof: new Uint8Array(48) }), FAIL);
    await check(encode({ ...a, proof: new Uint8Array(48).fill(0xff) }), FAIL);
    await check(encode({ ...a, commitment: flip(a.commitment, 0, 0x80) }), FAIL);
    await check(encode({ ...a, commitment: new Uint8Array(48).fill(0xff) }), FAIL);
  });

  test('versioned hash must be 0x01 || sha256(commitment)[1:]', async () => {
    const [a, b] = cases;
    const vh = versionedHash(a.commitment);
    for (const version of [0x00, 0x02, 0xff]) {
      const bad = vh.slice();
      bad[0] = version;
      await check(encode(a, bad), FAIL);
    }
    for (const i of [1, 17, 31]) {
      const bad = vh.slice();
      bad[i] ^= 0x01;
      await check(encode(a, bad), FAIL);
    }
    await check(encode(a, versionedHash(b.commitment)), FAIL);
    await check(encode(a, sha256(a.commitment)), FAIL); // raw sha256, version byte not replaced
  });

  test('z and y must be < BLS_MODULUS (no reduction)', async () => {
    const [a] = cases;
    const MAX = (1n << 256n) - 1n;
    await check(encode({ ...a, z: a.z + BLS_MODULUS }), FAIL);
    await check(encode({ ...a, y: a.y + BLS_MODULUS }), FAIL);
    for (const v of [BLS_MODULUS, MAX]) {
      await check(encode({ ...a, z: v }), FAIL);
      await check(encode({ ...a, y: v }), FAIL);
    }
  });

  test('input must be exactly 192 bytes', async () => {
    const good = encode(cases[0]);
    for (const len of [0, 1, 32, 191]) await check(good.slice(0, len), FAIL);
    await check(cat(good, '00'), FAIL);
    await check(cat(good, good), FAIL);
  });
});
