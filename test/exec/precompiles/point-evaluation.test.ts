import { beforeAll, describe, expect, test } from 'bun:test';
import { Field } from '@noble/curves/abstract/modular.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { loadKZG } from 'kzg-wasm';
import { BLS_MODULUS, initPrecompiles, runHostPrecompile } from '../../../src/exec/precompiles/index.ts';
import { cat, fromHex, makeOracle, type Oracle, outcome, type Outcome, Rng, toHex, word } from './helpers.ts';

const N_ELEMS = 4096;
const Fr = Field(BLS_MODULUS);
const FAIL: Outcome = { ok: false };
const SUCCESS: Outcome = { ok: true, out: word(4096n) + word(BLS_MODULUS) };

/** kzg-wasm (c-kzg-4844 in WASM, mainnet setup): the test oracle, independent of our verifier. */
type KZG = Awaited<ReturnType<typeof loadKZG>>;
let kzg: KZG;
let oracle: Oracle;
beforeAll(async () => {
  await initPrecompiles(); // cheap warm-up of our noble-based verifier
  await initPrecompiles(); // idempotent
  kzg = await loadKZG(); // several seconds: only the tests pay for it
  // ethereumjs 0x0a, configured with kzg-wasm: an implementation independent of ours.
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

  test('points on the curve but outside the G1 subgroup fail', async () => {
    const [a] = cases;
    const { Fp } = bls12_381.fields;
    const rng = new Rng('kzg-non-subgroup');
    for (let found = 0; found < 3; ) {
      const x = rng.bigint(48) % Fp.ORDER;
      let ok = true;
      try {
        Fp.sqrt(Fp.add(Fp.pow(x, 3n), 4n)); // y^2 = x^3 + 4 solvable: (x, y) is on E(Fp)
      } catch {
        ok = false;
      }
      if (!ok) continue;
      const enc = fromHex(x.toString(16).padStart(96, '0'));
      enc[0] |= 0x80;
      expect(() => bls12_381.G1.Point.fromBytes(enc)).toThrow(/subgroup/); // cofactor ~2^126
      await check(encode({ ...a, proof: enc }), FAIL);
      await check(encode({ ...a, commitment: enc }), FAIL);
      found++;
    }
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

/**
 * KZG proof that the blob polynomial opens to y = p(z) at an arbitrary z: the commitment to the
 * quotient q(X) = (p(X) - y) / (X - z), computed in evaluation form and committed by kzg-wasm
 * (consensus-specs compute_kzg_proof_impl, including the in-domain case z = ω_m).
 */
function openingProof(poly: bigint[], z: bigint): { y: bigint; proof: Uint8Array } {
  const y = evaluate(poly, z);
  const m = ROOTS_BRP.indexOf(z);
  const inv = Fr.invertBatch(ROOTS_BRP.map((w) => Fr.sub(w, z))); // 0 at i = m (passZero)
  const q = poly.map((p, i) => (i === m ? 0n : Fr.mul(Fr.sub(p, y), inv[i])));
  if (m >= 0) {
    // q(ω_m) = Σ_{i≠m} (p_i - y)·ω_i / (z·(z - ω_i))
    const den = Fr.invertBatch(ROOTS_BRP.map((w, i) => (i === m ? 1n : Fr.mul(z, Fr.sub(z, w)))));
    let acc = 0n;
    for (let i = 0; i < N_ELEMS; i++) {
      if (i !== m) acc = Fr.add(acc, Fr.mul(Fr.mul(Fr.sub(poly[i], y), ROOTS_BRP[i]), den[i]));
    }
    q[m] = acc;
  }
  const proof = fromHex(kzg.blobToKZGCommitment('0x' + q.map(word).join('')));
  return { y, proof };
}

/** kzg-wasm's own verify_kzg_proof (an encoding error counts as invalid). */
function kzgWasmVerifies(c: Case): boolean {
  try {
    return kzg.verifyKZGProof('0x' + toHex(c.commitment), '0x' + word(c.z), '0x' + word(c.y), '0x' + toHex(c.proof));
  } catch {
    return false;
  }
}
const oursVerifies = (c: Case) => runHostPrecompile(0x0a, encode(c)) !== null;

describe('KZG point evaluation agrees with kzg-wasm on random openings', () => {
  const N_CASES = 20;
  let cases: Case[];
  beforeAll(() => {
    const rng = new Rng('kzg-agreement');
    cases = Array.from({ length: N_CASES }, (_, k) => {
      const poly = Array.from({ length: N_ELEMS }, () => rng.bigint() % BLS_MODULUS);
      const commitment = fromHex(kzg.blobToKZGCommitment('0x' + poly.map(word).join('')));
      // every 5th case opens at a point of the evaluation domain (special quotient formula)
      const z = k % 5 === 4 ? ROOTS_BRP[rng.int(N_ELEMS)] : rng.bigint() % BLS_MODULUS;
      const { y, proof } = openingProof(poly, z);
      return { commitment, z, y, proof };
    });
  }, 120_000);

  test('valid openings verify in both', () => {
    for (const c of cases) {
      expect(kzgWasmVerifies(c)).toBe(true);
      expect(outcome(runHostPrecompile(0x0a, encode(c)))).toEqual(SUCCESS);
    }
  });

  test('tampered y / z / proof / commitment are rejected by both', () => {
    for (let k = 0; k < cases.length; k++) {
      const a = cases[k];
      const b = cases[(k + 1) % cases.length];
      const negProof = a.proof.slice();
      negProof[0] ^= 0x20; // sort flag: the (valid) point -π
      const tampered: Case[] = [
        { ...a, y: (a.y + 1n) % BLS_MODULUS },
        { ...a, z: (a.z + 1n) % BLS_MODULUS },
        { ...a, proof: b.proof },
        { ...a, proof: negProof },
        { ...a, proof: INFINITY_G1 },
        { ...a, commitment: b.commitment }, // versioned hash recomputed by encode()
      ];
      for (const t of tampered) {
        const theirs = kzgWasmVerifies(t);
        expect(oursVerifies(t)).toBe(theirs);
        expect(theirs).toBe(false);
      }
    }
  });
});
