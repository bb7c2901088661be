import { describe, expect, test } from 'bun:test';
import { resolve } from 'node:path';
import {
  ecAdd,
  ecMul,
  ecPairing,
  ecrecover,
  HOST_PRECOMPILE_ADDRESSES,
  runHostPrecompile,
} from '../../../src/exec/precompiles/index.ts';
import { cat, Rng, word } from './helpers.ts';

describe('runHostPrecompile dispatch', () => {
  test('serves exactly 0x01, 0x06, 0x07, 0x08, 0x0a', () => {
    expect([...HOST_PRECOMPILE_ADDRESSES]).toEqual([1, 6, 7, 8, 10]);
  });

  test('routes each address to its implementation', () => {
    const rng = new Rng('dispatch');
    const g = word(1n) + word(2n);
    const inputs = [cat(g, g), cat(g, word(3n)), rng.bytes(128), new Uint8Array(0), new Uint8Array(192)];
    for (const input of inputs) {
      expect(runHostPrecompile(1, input)).toEqual(ecrecover(input));
      expect(runHostPrecompile(6, input)).toEqual(ecAdd(input));
      expect(runHostPrecompile(7, input)).toEqual(ecMul(input));
      expect(runHostPrecompile(8, input)).toEqual(ecPairing(input));
    }
    // 2G via add and via mul agree, and differ from 3G
    expect(runHostPrecompile(6, cat(g, g))).toEqual(runHostPrecompile(7, cat(g, word(2n))));
    expect(runHostPrecompile(7, cat(g, word(3n)))).not.toEqual(runHostPrecompile(6, cat(g, g)));
  });

  test('throws a clear error for addresses it does not implement', () => {
    for (const a of [0, 2, 3, 4, 5, 9, 0x0b, 0x11, 0x100, -1, 1.5]) {
      expect(() => runHostPrecompile(a, new Uint8Array(0))).toThrow(/no host precompile at address/);
    }
  });

  test('point evaluation works without initPrecompiles() and without loading kzg-wasm (fresh process)', () => {
    const mod = resolve(import.meta.dir, '../../../src/exec/precompiles/index.ts');
    // Constant polynomial c: commitment [c]G1, proof at infinity, opens to c at any z.
    const script = `
      import { bls12_381 } from '@noble/curves/bls12-381.js';
      import { sha256 } from '@noble/hashes/sha2.js';
      import { runHostPrecompile } from ${JSON.stringify(mod)};
      const t0 = performance.now();
      const c = 123456789n;
      const commitment = bls12_381.G1.Point.BASE.multiply(c).toBytes(true);
      const vh = sha256(commitment); vh[0] = 1;
      const w = (v) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
      const inf = new Uint8Array(48); inf[0] = 0xc0;
      const input = new Uint8Array(Buffer.concat([vh, w(42n), w(c), commitment, inf]));
      const ok = runHostPrecompile(10, input);
      const bad = runHostPrecompile(10, new Uint8Array(Buffer.concat([vh, w(42n), w(c + 1n), commitment, inf])));
      const zeros = runHostPrecompile(10, new Uint8Array(192));
      console.log(JSON.stringify({
        ok: ok && Buffer.from(ok).toString('hex'), bad, zeros,
        ms: performance.now() - t0,
        kzgWasmLoaded: Object.keys(require.cache).some((k) => /kzg-wasm[\\/]dist[\\/][a-z]+[\\/](index|kzg|loader)/.test(k)),
      }));`;
    const res = Bun.spawnSync([process.execPath, '-e', script], { cwd: resolve(import.meta.dir, '../../..') });
    const r = JSON.parse(res.stdout.toString().trim().split('\n').pop()!);
    expect(r.ok).toBe(word(4096n) + word(0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n));
    expect(r.bad).toBeNull();
    expect(r.zeros).toBeNull();
    expect(r.kzgWasmLoaded).toBe(false);
    expect(r.ms).toBeLessThan(5_000); // kzg-wasm's loader alone took ~10 s
  });
});
