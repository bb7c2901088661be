import { beforeAll, describe, expect, test } from 'bun:test';
import { bn254 } from '@noble/curves/bn254.js';
import { runHostPrecompile } from '../../../src/exec/precompiles/index.ts';
import { cat, makeOracle, type Oracle, outcome, type Outcome, Rng, word } from './helpers.ts';

const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const { Fp, Fp2 } = bn254.fields;
const P = Fp.ORDER;
const N = bn254.fields.Fr.ORDER;
const U256_MAX = (1n << 256n) - 1n;

type G1P = InstanceType<typeof G1>;
type G2P = InstanceType<typeof G2>;
type Fp2E = ReturnType<typeof Fp2.fromBigTuple>;

let oracle: Oracle;
beforeAll(async () => {
  oracle = await makeOracle();
});

async function check(address: number, input: Uint8Array, expected?: Outcome): Promise<Outcome> {
  const ours = outcome(runHostPrecompile(address, input));
  expect(ours).toEqual(await oracle(address, input));
  if (expected !== undefined) expect(ours).toEqual(expected);
  return ours;
}
const FAIL: Outcome = { ok: false };
const TRUE: Outcome = { ok: true, out: word(1n) };
const FALSE: Outcome = { ok: true, out: word(0n) };

// Encodings (EIP-196/197): G1 = x || y; G2 = x_imag || x_real || y_imag || y_real.
const g1Raw = (x: bigint, y: bigint) => word(x) + word(y);
const g1 = (p: G1P) => {
  const a = p.toAffine();
  return g1Raw(a.x, a.y);
};
const g2Raw = (xr: bigint, xi: bigint, yr: bigint, yi: bigint) => word(xi) + word(xr) + word(yi) + word(yr);
const g2Aff = (x: Fp2E, y: Fp2E) => g2Raw(x.c0, x.c1, y.c0, y.c1);
const g2 = (q: G2P) => {
  const a = q.toAffine();
  return g2Aff(a.x, a.y);
};
const pointOut = (p: G1P): Outcome => ({ ok: true, out: g1(p) });
const INF1 = '00'.repeat(64);
const INF2 = '00'.repeat(128);

const randG1 = (rng: Rng) => G1.BASE.multiply(rng.scalar(N));
const randG2 = (rng: Rng) => G2.BASE.multiply(rng.scalar(N));

/** Points on the twist y^2 = x^3 + b' that are NOT in the order-n subgroup (checked the slow way). */
function twistPointsOutsideSubgroup(rng: Rng, count: number): { x: Fp2E; y: Fp2E }[] {
  const b = G2.CURVE().b;
  const out: { x: Fp2E; y: Fp2E }[] = [];
  while (out.length < count) {
    const x = Fp2.fromBigTuple([rng.bigint() % P, rng.bigint() % P]);
    let y: Fp2E;
    try {
      y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), b));
    } catch {
      continue; // not a square
    }
    const q = new G2(x, y, Fp2.ONE);
    // Order divides n iff (n-1)Q + Q == O.
    if (q.multiplyUnsafe(N - 1n).add(q).is0()) continue;
    out.push({ x, y });
  }
  return out;
}

/** A G1 point whose x-coordinate is >= p but congruent to a valid point's (x + p, y). */
function g1NonCanonical(): string[] {
  const res: string[] = [];
  const a = G1.BASE.toAffine();
  if (a.x + P <= U256_MAX) res.push(g1Raw(a.x + P, a.y));
  if (a.y + P <= U256_MAX) res.push(g1Raw(a.x, a.y + P));
  res.push(g1Raw(P, 0n), g1Raw(0n, P), g1Raw(P, P), g1Raw(U256_MAX, U256_MAX));
  return res;
}

describe('ECADD (0x06)', () => {
  test('random points: matches noble arithmetic and ethereumjs', async () => {
    const rng = new Rng('ecadd-random');
    for (let i = 0; i < 30; i++) {
      const a = randG1(rng);
      const b = randG1(rng);
      await check(6, cat(g1(a), g1(b)), pointOut(a.add(b)));
    }
  });

  test('special sums: doubling, inverse, infinity', async () => {
    const rng = new Rng('ecadd-special');
    const a = randG1(rng);
    await check(6, cat(g1(a), g1(a)), pointOut(a.double()));
    await check(6, cat(g1(a), g1(a.negate())), { ok: true, out: INF1 });
    await check(6, cat(g1(a), INF1), pointOut(a));
    await check(6, cat(INF1, g1(a)), pointOut(a));
    await check(6, cat(INF1, INF1), { ok: true, out: INF1 });
    await check(6, cat(g1(G1.BASE), g1(G1.BASE)), pointOut(G1.BASE.double()));
  });

  test('coordinates >= p fail', async () => {
    const a = g1(G1.BASE);
    for (const bad of g1NonCanonical()) {
      await check(6, cat(bad, a), FAIL);
      await check(6, cat(a, bad), FAIL);
    }
  });

  test('points not on the curve fail', async () => {
    const rng = new Rng('ecadd-offcurve');
    const a = randG1(rng).toAffine();
    const offs = [g1Raw(1n, 3n), g1Raw(0n, 1n), g1Raw(1n, 0n), g1Raw(a.x, (a.y + 1n) % P), g1Raw(rng.bigint() % P, rng.bigint() % P)];
    for (const bad of offs) {
      await check(6, cat(bad, g1(G1.BASE)), FAIL);
      await check(6, cat(INF1, bad), FAIL);
    }
  });

  test('short inputs are zero-padded, long inputs truncated', async () => {
    const rng = new Rng('ecadd-lengths');
    const a = randG1(rng);
    const b = randG1(rng);
    const full = cat(g1(a), g1(b));
    await check(6, new Uint8Array(0), { ok: true, out: INF1 });
    await check(6, full.slice(0, 64), pointOut(a));
    for (const len of [1, 32, 63, 65, 96, 127]) await check(6, full.slice(0, len));
    await check(6, cat(full, rng.bytes(64)), pointOut(a.add(b)));
    await check(6, cat(full, '01'), pointOut(a.add(b)));
  });
});

describe('ECMUL (0x07)', () => {
  test('random points x random 256-bit scalars', async () => {
    const rng = new Rng('ecmul-random');
    for (let i = 0; i < 25; i++) {
      const a = randG1(rng);
      const k = rng.bigint();
      const kr = k % N;
      await check(7, cat(g1(a), word(k)), kr === 0n ? { ok: true, out: INF1 } : pointOut(a.multiply(kr)));
    }
  });

  test('edge scalars', async () => {
    const rng = new Rng('ecmul-edge');
    const a = randG1(rng);
    const cases: [bigint, G1P | null][] = [
      [0n, null],
      [1n, a],
      [2n, a.double()],
      [N - 1n, a.negate()],
      [N, null],
      [N + 1n, a],
      [2n * N, null],
      [U256_MAX, a.multiply(U256_MAX % N)],
    ];
    for (const [k, exp] of cases) await check(7, cat(g1(a), word(k)), exp === null ? { ok: true, out: INF1 } : pointOut(exp));
    for (const k of [0n, 1n, N, U256_MAX, rng.bigint()]) await check(7, cat(INF1, word(k)), { ok: true, out: INF1 });
  });

  test('invalid points fail (even with scalar 0)', async () => {
    const bads = [...g1NonCanonical(), g1Raw(1n, 3n), g1Raw(0n, 1n)];
    for (const bad of bads) {
      await check(7, cat(bad, word(5n)), FAIL);
      await check(7, cat(bad, word(0n)), FAIL);
    }
  });

  test('short inputs are zero-padded, long inputs truncated', async () => {
    const rng = new Rng('ecmul-lengths');
    const a = randG1(rng);
    const k = rng.bigint();
    const full = cat(g1(a), word(k));
    await check(7, new Uint8Array(0), { ok: true, out: INF1 });
    await check(7, full.slice(0, 64), { ok: true, out: INF1 }); // scalar 0
    for (const len of [1, 32, 63, 65, 80, 95]) await check(7, full.slice(0, len));
    await check(7, cat(full, rng.bytes(33)), pointOut(a.multiply(k % N)));
  });
});

describe('ECPAIRING (0x08)', () => {
  test('e(aP, bQ) * e(-abP, Q) == 1 for random P, Q, a, b; perturbed cases are false', async () => {
    const rng = new Rng('pairing-random');
    for (let i = 0; i < 4; i++) {
      const p = randG1(rng);
      const q = randG2(rng);
      const a = rng.scalar(N);
      const b = rng.scalar(N);
      const ab = (a * b) % N;
      const good = cat(g1(p.multiply(a)), g2(q.multiply(b)), g1(p.multiply(ab).negate()), g2(q));
      await check(8, good, TRUE);
      // perturb: wrong scalar on either side, missing negation, swapped G2 points
      await check(8, cat(g1(p.multiply(a)), g2(q.multiply(b)), g1(p.multiply((ab + 1n) % N).negate()), g2(q)), FALSE);
      await check(8, cat(g1(p.multiply(a)), g2(q.multiply(b)), g1(p.multiply(ab)), g2(q)), FALSE);
      await check(8, cat(g1(p.multiply(a)), g2(q), g1(p.multiply(ab).negate()), g2(q.multiply(b))), FALSE);
    }
  });

  test('three pairs, single pairs, infinity pairs, empty input', async () => {
    const rng = new Rng('pairing-shapes');
    const p = randG1(rng);
    const q = randG2(rng);
    const a = rng.scalar(N);
    const b = rng.scalar(N);
    const c = rng.scalar(N);
    // e(aP,Q) e(bP,Q) e(-(a+b)P,Q) = 1
    await check(8, cat(g1(p.multiply(a)), g2(q), g1(p.multiply(b)), g2(q), g1(p.multiply((a + b) % N).negate()), g2(q)), TRUE);
    await check(8, cat(g1(p.multiply(a)), g2(q), g1(p.multiply(b)), g2(q), g1(p.multiply((a + b + c) % N).negate()), g2(q)), FALSE);
    await check(8, new Uint8Array(0), TRUE);
    await check(8, cat(g1(p), g2(q)), FALSE); // a single non-degenerate pairing is never 1
    await check(8, cat(INF1, g2(q)), TRUE);
    await check(8, cat(g1(p), INF2), TRUE);
    await check(8, cat(INF1, INF2), TRUE);
    await check(8, cat(INF1, INF2, g1(p), g2(q)), FALSE);
    // an infinity pair does not change a true product
    await check(8, cat(g1(p.multiply(a)), g2(q), INF1, g2(q), g1(p.multiply(a).negate()), g2(q), g1(p), INF2), TRUE);
    // EIP-197 generators: e(G1, G2) * e(-G1, G2) == 1
    await check(8, cat(g1(G1.BASE), g2(G2.BASE), g1(G1.BASE.negate()), g2(G2.BASE)), TRUE);
  });

  test('input length must be a multiple of 192', async () => {
    const rng = new Rng('pairing-len');
    const p = randG1(rng);
    const q = randG2(rng);
    const good = cat(g1(p), g2(q), g1(p.negate()), g2(q));
    for (const len of [1, 64, 191, 193, 383]) await check(8, good.slice(0, len), FAIL);
    await check(8, cat(good, '00'), FAIL);
    await check(8, new Uint8Array(191), FAIL);
    await check(8, new Uint8Array(192), TRUE);
  });

  test('G1 coordinates >= p or off-curve fail (also when paired with infinity)', async () => {
    const q = g2(randG2(new Rng('pairing-bad-g1')));
    for (const bad of [...g1NonCanonical(), g1Raw(1n, 3n), g1Raw(0n, 1n)]) {
      await check(8, cat(bad, q), FAIL);
      await check(8, cat(bad, INF2), FAIL);
      await check(8, cat(g1(G1.BASE), q, bad, q), FAIL);
    }
  });

  test('G2 coordinates >= p fail', async () => {
    const q = G2.BASE.toAffine();
    const { c0: xr, c1: xi } = q.x;
    const { c0: yr, c1: yi } = q.y;
    const bads = [
      g2Raw(xr + P, xi, yr, yi),
      g2Raw(xr, xi + P, yr, yi),
      g2Raw(xr, xi, yr + P, yi),
      g2Raw(xr, xi, yr, yi + P),
      g2Raw(P, 0n, 0n, 0n),
      g2Raw(0n, 0n, 0n, P),
      g2Raw(U256_MAX, U256_MAX, U256_MAX, U256_MAX),
    ];
    for (const bad of bads) {
      await check(8, cat(g1(G1.BASE), bad), FAIL);
      await check(8, cat(INF1, bad), FAIL);
    }
  });

  test('G2 points not on the twist fail; real/imaginary order matters', async () => {
    const rng = new Rng('pairing-offtwist');
    const q = randG2(rng).toAffine();
    const bads = [
      g2Aff(q.x, Fp2.add(q.y, Fp2.ONE)),
      g2Raw(q.x.c1, q.x.c0, q.y.c1, q.y.c0), // (real, imag) swapped in both coordinates
      g2Raw(1n, 0n, 2n, 0n), // the G1 generator embedded in Fp2 is not on the twist
      g2Raw(0n, 0n, 1n, 0n),
      g2Raw(rng.bigint() % P, rng.bigint() % P, rng.bigint() % P, rng.bigint() % P),
    ];
    for (const bad of bads) {
      await check(8, cat(g1(G1.BASE), bad), FAIL);
      await check(8, cat(INF1, bad), FAIL);
    }
    // the correctly ordered point itself is fine
    await check(8, cat(g1(G1.BASE), g2Aff(q.x, q.y)), FALSE);
  });

  test('G2 points on the twist but outside the order-n subgroup fail', async () => {
    const rng = new Rng('pairing-subgroup');
    const q = randG2(rng);
    for (const { x, y } of twistPointsOutsideSubgroup(rng, 3)) {
      const bad = g2Aff(x, y);
      await check(8, cat(g1(G1.BASE), bad), FAIL);
      await check(8, cat(INF1, bad), FAIL);
      await check(8, cat(g1(G1.BASE), g2(q), g1(G1.BASE.negate()), g2(q), INF1, bad), FAIL);
    }
  });
});
