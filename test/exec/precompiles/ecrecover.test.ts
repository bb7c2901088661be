import { beforeAll, describe, expect, test } from 'bun:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { runHostPrecompile } from '../../../src/exec/precompiles/index.ts';
import { cat, makeOracle, type Oracle, outcome, Rng, toHex, word } from './helpers.ts';

const N = secp256k1.Point.Fn.ORDER;
const P = secp256k1.Point.Fp.ORDER;
const run = (input: Uint8Array) => outcome(runHostPrecompile(0x01, input));
const EMPTY = { ok: true, out: '' } as const;

let oracle: Oracle;
beforeAll(async () => {
  oracle = await makeOracle();
});

/** Asserts the host result equals the oracle's (and `expected`, when given); returns it. */
async function check(input: Uint8Array, expected?: { ok: true; out: string }) {
  const ours = run(input);
  expect(ours).toEqual(await oracle(0x01, input));
  if (expected !== undefined) expect(ours).toEqual(expected);
  return ours;
}

const addressWord = (sk: Uint8Array) =>
  '00'.repeat(12) + toHex(keccak_256(secp256k1.getPublicKey(sk, false).subarray(1)).subarray(12));

type Sig = { hash: Uint8Array; v: bigint; r: bigint; s: bigint; sk: Uint8Array };
function randomSig(rng: Rng, hash = rng.bytes(32)): Sig {
  const sk = secp256k1.Point.Fn.toBytes(rng.scalar(N));
  const sig = secp256k1.sign(hash, sk, { prehash: false, format: 'recovered' });
  const s = secp256k1.Signature.fromBytes(sig, 'recovered');
  return { hash, v: 27n + BigInt(s.recovery!), r: s.r, s: s.s, sk };
}
const encode = (x: { hash: Uint8Array; v: bigint; r: bigint; s: bigint }) => cat(x.hash, word(x.v), word(x.r), word(x.s));

describe('ecrecover (0x01)', () => {
  test('recovers the signer of random noble signatures (and matches ethereumjs)', async () => {
    const rng = new Rng('ecrecover-valid');
    for (let i = 0; i < 40; i++) {
      const sig = randomSig(rng);
      await check(encode(sig), { ok: true, out: addressWord(sig.sk) });
    }
  });

  test('high-s signatures are accepted (no low-s rule): s -> n-s with flipped v', async () => {
    const rng = new Rng('ecrecover-high-s');
    for (let i = 0; i < 10; i++) {
      const sig = randomSig(rng);
      const high = { ...sig, s: N - sig.s, v: sig.v === 27n ? 28n : 27n };
      expect(high.s > N / 2n).toBe(true);
      await check(encode(high), { ok: true, out: addressWord(sig.sk) });
    }
  });

  test('edge hashes: zero and >= n', async () => {
    const rng = new Rng('ecrecover-hashes');
    for (const hash of [new Uint8Array(32), new Uint8Array(32).fill(0xff)]) {
      const sig = randomSig(rng, hash);
      await check(encode(sig), { ok: true, out: addressWord(sig.sk) });
    }
  });

  test('the other v recovers a different key or nothing', async () => {
    const rng = new Rng('ecrecover-flip-v');
    for (let i = 0; i < 10; i++) {
      const sig = randomSig(rng);
      const res = await check(encode({ ...sig, v: sig.v === 27n ? 28n : 27n }));
      expect(res).not.toEqual({ ok: true, out: addressWord(sig.sk) });
    }
  });

  test('v must be exactly 27 or 28 as a 32-byte word', async () => {
    const sig = randomSig(new Rng('ecrecover-bad-v'));
    const badVs = [0n, 1n, 26n, 29n, 255n, 27n + 256n, 28n + (1n << 248n), (1n << 255n) | 27n, (1n << 256n) - 1n];
    for (const v of badVs) await check(encode({ ...sig, v }), EMPTY);
  });

  test('r and s must be in [1, n-1]', async () => {
    const sig = randomSig(new Rng('ecrecover-bad-rs'));
    const bad = [0n, N, N + 1n, P, (1n << 256n) - 1n];
    for (const r of bad) await check(encode({ ...sig, r }), EMPTY);
    for (const s of bad) await check(encode({ ...sig, s }), EMPTY);
    // Upper bound is inclusive of n-1: whatever it recovers, it must agree with the oracle.
    await check(encode({ ...sig, s: N - 1n }));
    await check(encode({ ...sig, r: 1n }));
  });

  test('r that is not the x of a curve point -> empty', async () => {
    const rng = new Rng('ecrecover-r-off-curve');
    const sig = randomSig(rng);
    const Fp = secp256k1.Point.Fp;
    let found = 0;
    while (found < 5) {
      const r = rng.scalar(N);
      const rhs = Fp.add(Fp.mul(Fp.sqr(r), r), 7n);
      if (Fp.pow(rhs, (P - 1n) / 2n) === 1n) continue; // a square: some point has x = r
      found++;
      await check(encode({ ...sig, r }), EMPTY);
      await check(encode({ ...sig, r, v: 55n - sig.v }), EMPTY);
    }
  });

  test('recovered point at infinity -> empty', async () => {
    // Q = r^-1 (s*R - h*G) = O when h = s*k for R = k*G.
    const rng = new Rng('ecrecover-infinity');
    for (let i = 0; i < 3; i++) {
      const k = rng.scalar(N);
      const R = secp256k1.Point.BASE.multiply(k).toAffine();
      expect(R.x < N).toBe(true);
      const s = rng.scalar(N);
      const h = (s * k) % N;
      const input = cat(word(h), word(R.y % 2n === 0n ? 27n : 28n), word(R.x), word(s));
      await check(input, EMPTY);
    }
  });

  test('short inputs are zero-padded, long inputs truncated to 128 bytes', async () => {
    const sig = randomSig(new Rng('ecrecover-lengths'));
    const full = encode(sig);
    for (const len of [0, 1, 31, 32, 63, 64, 95, 96, 97, 127]) await check(full.slice(0, len));
    // Dropping trailing zero bytes of s changes nothing.
    const sTrailingZeros = { ...sig, s: (sig.s >> 16n) << 16n };
    const padded = encode(sTrailingZeros);
    expect(run(padded.slice(0, 126))).toEqual(run(padded));
    for (const extra of [1, 32, 200]) {
      const long = cat(full, new Rng('garbage' + extra).bytes(extra));
      await check(long, { ok: true, out: addressWord(sig.sk) });
    }
  });

  test('input is not modified and output is fresh', () => {
    const sig = randomSig(new Rng('ecrecover-fresh'));
    const input = encode(sig);
    const copy = input.slice();
    const a = runHostPrecompile(1, input)!;
    const b = runHostPrecompile(1, input)!;
    expect(input).toEqual(copy);
    expect(a).not.toBe(b);
    expect(a).toEqual(b);
  });
});
