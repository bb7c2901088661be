import { idKey } from "../../src/state/byte-keys";
import { TxPool, type PoolState, type PoolTx, type TxPoolConfig } from "../../src/txpool";

export const CHAIN_ID = 901n;
export const GWEI = 1_000_000_000n;
export const RICH = 10n ** 30n;

/** In-memory account state; unknown accounts are rich so tests only set what they exercise. */
export class MemoryState implements PoolState {
  private readonly nonces = new Map<string, bigint>();
  private readonly balances = new Map<string, bigint>();

  nonce(addr: Uint8Array): bigint {
    return this.nonces.get(idKey(addr)) ?? 0n;
  }
  balance(addr: Uint8Array): bigint {
    return this.balances.get(idKey(addr)) ?? RICH;
  }
  setNonce(addr: Uint8Array, n: bigint): void {
    this.nonces.set(idKey(addr), n);
  }
  setBalance(addr: Uint8Array, b: bigint): void {
    this.balances.set(idKey(addr), b);
  }
}

/** Deterministic 20-byte address for a small integer id. */
export function addr(id: number): Uint8Array {
  const a = new Uint8Array(20);
  a[0] = 0xaa;
  new DataView(a.buffer).setUint32(16, id);
  return a;
}

let hashCounter = 0;

/** A unique 32-byte hash. */
export function freshHash(): Uint8Array {
  const h = new Uint8Array(32);
  new DataView(h.buffer).setUint32(28, ++hashCounter);
  new DataView(h.buffer).setUint32(0, 0x7a7a7a7a);
  return h;
}

export interface TxSpec extends Partial<Omit<PoolTx, "sender">> {
  from?: number;
  tip?: bigint;
  fee?: bigint;
}

/** A plain 21000-gas EIP-1559 transfer from `addr(from)`; fees default to tip 1 gwei, cap 100 gwei. */
export function tx(spec: TxSpec = {}): PoolTx {
  const { from = 1, tip, fee, ...rest } = spec;
  return {
    hash: freshHash(),
    sender: addr(from),
    nonce: 0n,
    gasLimit: 21_000n,
    maxFeePerGas: fee ?? 100n * GWEI,
    maxPriorityFeePerGas: tip ?? GWEI,
    value: 0n,
    size: 110,
    chainId: CHAIN_ID,
    intrinsicGas: 21_000n,
    ...rest,
  };
}

/** A pool over `state` with a chain id and 30M gas blocks, plus any overrides. */
export function makePool(state: PoolState = new MemoryState(), config: Partial<TxPoolConfig> = {}): TxPool {
  let clock = 0;
  return new TxPool(state, { chainId: CHAIN_ID, blockGasLimit: 30_000_000n, clock: () => ++clock, ...config });
}

/** "sender:nonce" labels, handy for asserting orders. */
export function labels(txs: readonly PoolTx[]): string[] {
  return txs.map((t) => `${new DataView(t.sender.buffer, t.sender.byteOffset).getUint32(16)}:${t.nonce}`);
}
