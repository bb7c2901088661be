/**
 * Shared test helpers: a seeded byte generator and an independent oracle built on
 * @ethereumjs/evm (Cancun) that runs a precompile through `evm.runCall`.
 */
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM } from '@ethereumjs/evm';
import { createAddressFromString } from '@ethereumjs/util';
import { sha256 } from '@noble/hashes/sha2.js';

/** Seed for all random inputs; override with PRECOMPILE_TEST_SEED to explore other cases. */
export const SEED = process.env.PRECOMPILE_TEST_SEED ?? 'bunseq-precompiles-v1';

/** Deterministic byte stream: sha256(seed || label || counter) blocks. */
export class Rng {
  private counter = 0;
  private readonly prefix: Uint8Array;
  constructor(label: string) {
    this.prefix = new TextEncoder().encode(`${SEED}/${label}/`);
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) {
      const ctr = new TextEncoder().encode(String(this.counter++));
      const block = new Uint8Array(this.prefix.length + ctr.length);
      block.set(this.prefix);
      block.set(ctr, this.prefix.length);
      out.set(sha256(block).subarray(0, Math.min(32, n - off)), off);
    }
    return out;
  }
  bigint(bytes = 32): bigint {
    return BigInt('0x' + toHex(this.bytes(bytes)));
  }
  /** Uniform-ish scalar in [1, n-1]. */
  scalar(n: bigint): bigint {
    return (this.bigint(48) % (n - 1n)) + 1n;
  }
  int(max: number): number {
    return Number(this.bigint(6) % BigInt(max));
  }
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/^0x/, ''), 'hex'));
/** 32-byte big-endian word of a non-negative bigint < 2^256. */
export const word = (v: bigint): string => {
  if (v < 0n || v >= 1n << 256n) throw new Error('word out of range');
  return v.toString(16).padStart(64, '0');
};
export const cat = (...parts: (string | Uint8Array)[]): Uint8Array =>
  fromHex(parts.map((p) => (typeof p === 'string' ? p : toHex(p))).join(''));

export type Outcome = { ok: true; out: string } | { ok: false };
/** Normalizes a host result (null = failure) to an Outcome. */
export const outcome = (r: Uint8Array | null): Outcome => (r === null ? { ok: false } : { ok: true, out: toHex(r) });

export type Oracle = (address: number, data: Uint8Array) => Promise<Outcome>;

/**
 * ethereumjs EVM (Cancun) as an oracle. `kzg` (a kzg-wasm instance) enables precompile 0x0a.
 * A call that ends with an exception (EVMError, OOG with our ample gas would be a bug) is a failure.
 */
export async function makeOracle(kzg?: unknown): Promise<Oracle> {
  const common = new Common({
    chain: Mainnet,
    hardfork: Hardfork.Cancun,
    ...(kzg !== undefined ? { customCrypto: { kzg: kzg as never } } : {}),
  });
  const evm = await createEVM({ common });
  const addrs = new Map<number, ReturnType<typeof createAddressFromString>>();
  return async (address, data) => {
    let to = addrs.get(address);
    if (to === undefined) {
      to = createAddressFromString('0x' + address.toString(16).padStart(40, '0'));
      addrs.set(address, to);
    }
    const res = await evm.runCall({ to, data, gasLimit: 100_000_000n });
    if (res.execResult.exceptionError !== undefined) return { ok: false };
    return { ok: true, out: toHex(res.execResult.returnValue) };
  };
}
