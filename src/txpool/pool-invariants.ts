import { bytesToHex } from "../crypto/hex";
import { idKey } from "../state/byte-keys";
import type { ResolvedTxPoolConfig } from "./config";
import { effectiveTip } from "./fees";
import type { IndexedHeap } from "./indexed-heap";
import type { PoolEntry } from "./pool-entry";
import type { SenderAccount } from "./sender-account";

/** The pool's internal indexes, handed over read-only for checking. */
export interface PoolInternals {
  readonly accounts: ReadonlyMap<string, SenderAccount>;
  readonly byHash: ReadonlyMap<string, PoolEntry>;
  readonly ready: IndexedHeap<SenderAccount>;
  readonly tails: IndexedHeap<SenderAccount>;
  readonly cheapQueued: IndexedHeap<PoolEntry>;
  readonly pendingTotal: number;
  readonly queuedTotal: number;
  readonly baseFee: bigint;
  readonly config: ResolvedTxPoolConfig;
}

function fail(msg: string): never {
  throw new Error(`txpool invariant: ${msg}`);
}

/**
 * Throws unless every index agrees with the per-sender lists: pending runs
 * contiguous from the base nonce, queued entries strictly gapped, no
 * transaction in two places, totals, cached costs and tips exact, heap
 * membership and order right, limits held. O(n); for tests and debugging.
 */
export function checkPoolInvariants(pool: PoolInternals): void {
  let pending = 0;
  let queued = 0;
  for (const [key, account] of pool.accounts) {
    const who = bytesToHex(account.address);
    if (account.key !== key || key !== idKey(account.address) || account.size === 0) fail(`account ${who} misfiled or empty`);
    if (account.size > pool.config.maxTxsPerSender) fail(`${who} holds ${account.size} txs`);
    let cost = 0n;
    for (let i = 0; i < account.pendingCount; i++) {
      const e = account.pendingAt(i)!;
      if (e.tx.nonce !== account.baseNonce + BigInt(i)) fail(`${who} pending not contiguous at index ${i}`);
      if (!e.pending || e.queuedSlot !== -1 || e.senderKey !== key) fail(`${who} pending entry ${i} mislabelled`);
      if (pool.byHash.get(e.hashKey) !== e) fail(`${who} pending entry ${i} missing from hash index`);
      cost += e.cost;
    }
    if (cost !== account.pendingCost) fail(`${who} pending cost ${account.pendingCost}, actual ${cost}`);
    cost = 0n;
    for (const [nonce, e] of account.queued) {
      if (e.tx.nonce !== nonce || e.pending || e.queuedSlot < 0 || e.senderKey !== key) fail(`${who} queued ${nonce} mislabelled`);
      if (nonce <= account.nextNonce) fail(`${who} queued nonce ${nonce} is not gapped (next ${account.nextNonce})`);
      if (pool.byHash.get(e.hashKey) !== e) fail(`${who} queued ${nonce} missing from hash index`);
      cost += e.cost;
    }
    if (cost !== account.queuedCost) fail(`${who} queued cost ${account.queuedCost}, actual ${cost}`);
    const head = account.head();
    const shouldBeReady = head !== undefined && head.tx.maxFeePerGas >= pool.baseFee;
    if (pool.ready.has(account) !== shouldBeReady) fail(`${who} ready flag wrong`);
    if (pool.tails.has(account) !== (head !== undefined)) fail(`${who} tail flag wrong`);
    pending += account.pendingCount;
    queued += account.queued.size;
  }
  if (pending !== pool.pendingTotal || queued !== pool.queuedTotal) {
    fail(`counts ${pool.pendingTotal}/${pool.queuedTotal}, actual ${pending}/${queued}`);
  }
  if (pending + queued !== pool.byHash.size) fail(`hash index holds ${pool.byHash.size}, lists ${pending + queued}`);
  if (pool.cheapQueued.size !== queued) fail(`queued heap holds ${pool.cheapQueued.size}, lists ${queued}`);
  if (pending + queued > pool.config.maxTxs || queued > pool.config.maxQueued) fail(`limits exceeded: ${pending}+${queued}`);
  for (const a of [...pool.ready.toArray(), ...pool.tails.toArray()]) {
    if (pool.accounts.get(a.key) !== a) fail(`heap holds forgotten account ${bytesToHex(a.address)}`);
  }
  for (const e of pool.byHash.values()) {
    if (e.effectiveTip !== effectiveTip(e.tx, pool.baseFee) || e.tipScore !== Number(e.effectiveTip)) {
      fail(`stale effective tip for ${bytesToHex(e.tx.hash)}`);
    }
  }
  pool.ready.check("ready heap");
  pool.tails.check("tail heap");
  pool.cheapQueued.check("queued heap");
}
