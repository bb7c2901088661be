import { IndexedHeap } from "./indexed-heap";
import type { PoolEntry } from "./pool-entry";
import type { SenderAccount } from "./sender-account";
import type { PoolTx } from "./types";

/** Every Ethereum transaction costs at least this much, so less gas left cannot fit anything. */
const MIN_TX_GAS = 21_000n;

/** Bounds on one block's worth of transactions. */
export interface SelectionLimits {
  /** Gas still available in the block; undefined means no gas bound. */
  maxGas: bigint | undefined;
  baseFee: bigint;
  /** Maximum number of transactions. */
  limit: number;
}

/** A candidate: the `index`-th pending tx of `account`; `node` is its head's slot in the ready heap, or -1 for a successor. */
interface Cursor {
  account: SenderAccount;
  index: number;
  entry: PoolEntry;
  node: number;
  slot: number;
}

const cursorSlot = {
  get: (c: Cursor) => c.slot,
  set: (c: Cursor, i: number) => {
    c.slot = i;
  },
};

/**
 * Merges senders' pending runs in policy order without touching the pool.
 * `ready` is a heap of sender heads; it is walked best-first through a small
 * frontier heap (a node's children enter once the node is visited), and a
 * taken transaction's same-sender successor joins the frontier too. The
 * frontier never exceeds about twice the transactions visited, so a block of
 * k costs O(k log k) however many senders wait. A sender whose next
 * transaction does not fit (gas, or fee cap below `baseFee`) contributes
 * nothing further, since its later nonces cannot come first.
 */
export function selectExecutable(
  ready: IndexedHeap<SenderAccount>,
  before: (a: PoolEntry, b: PoolEntry) => boolean,
  { maxGas, baseFee, limit }: SelectionLimits,
): PoolTx[] {
  const out: PoolTx[] = [];
  const frontier = new IndexedHeap<Cursor>((a, b) => before(a.entry, b.entry), cursorSlot);
  const enterNode = (node: number): void => {
    const account = ready.at(node);
    if (account !== undefined) frontier.push({ account, index: 0, entry: account.head()!, node, slot: -1 });
  };
  enterNode(0);
  let gasLeft = maxGas;
  while (out.length < limit) {
    if (gasLeft !== undefined && gasLeft < MIN_TX_GAS) break;
    const cursor = frontier.pop();
    if (cursor === undefined) break;
    if (cursor.node >= 0) {
      enterNode(2 * cursor.node + 1);
      enterNode(2 * cursor.node + 2);
    }
    const tx = cursor.entry.tx;
    if (tx.maxFeePerGas < baseFee) continue;
    if (gasLeft !== undefined) {
      if (tx.gasLimit > gasLeft) continue;
      gasLeft -= tx.gasLimit;
    }
    out.push(tx);
    const following = cursor.account.pendingAt(cursor.index + 1);
    if (following !== undefined) {
      frontier.push({ account: cursor.account, index: cursor.index + 1, entry: following, node: -1, slot: -1 });
    }
  }
  return out;
}
