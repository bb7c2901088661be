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

  test('point evaluation before initPrecompiles() throws (fresh process)', () => {
    const mod = resolve(import.meta.dir, '../../../src/exec/precompiles/index.ts');
    const script = `
      import { runHostPrecompile } from ${JSON.stringify(mod)};
      try { runHostPrecompile(10, new Uint8Array(192)); console.log('NO-THROW'); }
      catch (e) { console.log('THREW: ' + e.message); }`;
    const res = Bun.spawnSync([process.execPath, '-e', script]);
    const out = res.stdout.toString();
    expect(out).toContain('THREW:');
    expect(out).toContain('initPrecompiles');
  });
});
