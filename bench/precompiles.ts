/**
 * Rough per-call timings of the host precompiles (not a test).
 *   npx bun test/exec/precompiles/timing.ts
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { bn254 } from '@noble/curves/bn254.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { loadKZG } from 'kzg-wasm';
import { initPrecompiles, runHostPrecompile } from '../src/exec/precompiles/index.ts';
import { cat, fromHex, Rng, word } from '../test/exec/precompiles/helpers.ts';

const rng = new Rng('timing');
const N = bn254.fields.Fr.ORDER;
const g1 = (p: InstanceType<typeof bn254.G1.Point>) => word(p.toAffine().x) + word(p.toAffine().y);
const g2 = (q: InstanceType<typeof bn254.G2.Point>) => {
  const { x, y } = q.toAffine();
  return word(x.c1) + word(x.c0) + word(y.c1) + word(y.c0);
};

function time(name: string, address: number, inputs: Uint8Array[], iters: number) {
  for (let i = 0; i < Math.min(iters, 5); i++) runHostPrecompile(address, inputs[i % inputs.length]); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) {
    if (runHostPrecompile(address, inputs[i % inputs.length]) === null) throw new Error(name + ' failed');
  }
  const ms = (performance.now() - t0) / iters;
  console.log(`${name.padEnd(28)} ${ms.toFixed(3)} ms/call  (${iters} calls)`);
}

const ecrec = Array.from({ length: 16 }, () => {
  const sk = secp256k1.Point.Fn.toBytes(rng.scalar(secp256k1.Point.Fn.ORDER));
  const hash = rng.bytes(32);
  const s = secp256k1.Signature.fromBytes(secp256k1.sign(hash, sk, { prehash: false, format: 'recovered' }), 'recovered');
  return cat(hash, word(27n + BigInt(s.recovery!)), word(s.r), word(s.s));
});
time('ecrecover (0x01)', 1, ecrec, 500);

const pts = Array.from({ length: 16 }, () => bn254.G1.Point.BASE.multiply(rng.scalar(N)));
time('ecadd (0x06)', 6, pts.map((p, i) => cat(g1(p), g1(pts[(i + 1) % 16]))), 2000);
time('ecmul (0x07), 256-bit k', 7, pts.map((p) => cat(g1(p), word(rng.bigint()))), 300);

const pairs = Array.from({ length: 4 }, () => {
  const p = bn254.G1.Point.BASE.multiply(rng.scalar(N));
  const q = bn254.G2.Point.BASE.multiply(rng.scalar(N));
  return cat(g1(p), g2(q), g1(p.negate()), g2(q));
});
time('ecpairing (0x08), 2 pairs', 8, pairs, 60);
time('ecpairing (0x08), 1 pair', 8, pairs.map((x) => x.slice(0, 192)), 60);

let t0 = performance.now();
await initPrecompiles();
console.log(`${'initPrecompiles'.padEnd(28)} ${(performance.now() - t0).toFixed(1)} ms (once)`);
t0 = performance.now();
const kzg = await loadKZG(); // only to build inputs
console.log(`${'kzg-wasm loadKZG (inputs)'.padEnd(28)} ${(performance.now() - t0).toFixed(0)} ms (once)`);
const cst = rng.bigint() % 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const commitment = fromHex(kzg.blobToKZGCommitment('0x' + word(cst).repeat(4096)));
const vh = sha256(commitment);
vh[0] = 1;
const pe = cat(vh, word(rng.bigint(31)), word(cst), commitment, 'c0' + '00'.repeat(47));
time('point evaluation (0x0a), π=∞', 10, [pe], 30);
// Full-cost path (two Miller loops, [y]G1 and [z]π multiplications): a non-trivial proof point.
// It is not a valid opening, but verification does the same work whatever the result.
const full = pe.slice();
full.set(bls12_381.G1.Point.BASE.multiply(rng.scalar(bls12_381.fields.Fr.ORDER)).toBytes(true), 144);
const t1 = performance.now();
for (let i = 0; i < 30; i++) if (runHostPrecompile(10, full) !== null) throw new Error('should fail');
console.log(`${'point evaluation, full work'.padEnd(28)} ${((performance.now() - t1) / 30).toFixed(3)} ms/call  (30 calls)`);
