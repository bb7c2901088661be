// Dropping trie nodes the state root no longer reaches. A commit only adds nodes (a changed path
// gets new ones, the old ones stay) and only the head state is served, so without this the node
// database grows with every state change. Mark and sweep: walk the account trie from the root,
// and from each account the storage trie its root names, then delete every other node. Deleting
// only what the walk did not reach, after the walk found every node it needed, keeps the datadir
// valid if the process dies midway. Run it with no commit in flight (the sequencer, replicas and
// full nodes do, at start, with --prune-trie).
import { bytesEqual, bytesToHex } from "../crypto/hex";
import { decode } from "../rlp/decode";
import type { RlpInput } from "../rlp/types";
import { EMPTY_TRIE_ROOT } from "../trie/index";
import type { Logger } from "../log/logger";
import { bytesKey } from "./byte-keys";
import type { ChainEnv } from "./chain-env";
import type { ChainStore } from "./chain-store";

export interface PruneReport {
  /** Nodes the state root reaches (kept). */
  live: number;
  deleted: number;
  ms: number;
}

/** Deletes per write transaction. */
const CHUNK = 10_000;

/** Deletes the trie nodes `root` does not reach; `progress` hears of every 100,000 nodes walked. */
export function pruneTrieNodes(env: ChainEnv, root: Uint8Array, progress?: (walked: number) => void): PruneReport {
  const t0 = performance.now();
  const nodes = env.dbs.trieNodes;
  const live = new Set<string>();
  // Walked per kind: account-trie leaves name storage roots, storage-trie leaves do not.
  const walked = new Set<string>();
  const stack: [hash: Uint8Array, accounts: boolean][] = [];
  if (!bytesEqual(root, EMPTY_TRIE_ROOT)) stack.push([root, true]);

  const child = (item: RlpInput, accounts: boolean) => {
    if (Array.isArray(item)) visit(item, accounts); // inlined: under 32 bytes, so no hash in it
    else if (item.length === 32) stack.push([item, accounts]);
  };
  const leafValue = (value: Uint8Array, accounts: boolean) => {
    if (!accounts) return;
    const fields = decode(value);
    const storageRoot = Array.isArray(fields) ? fields[2] : undefined;
    if (!(storageRoot instanceof Uint8Array) || storageRoot.length !== 32) throw new Error(`account leaf without a storage root: ${bytesToHex(value)}`);
    if (!bytesEqual(storageRoot, EMPTY_TRIE_ROOT)) stack.push([storageRoot, false]);
  };
  const visit = (items: RlpInput[], accounts: boolean) => {
    if (items.length === 17) {
      for (let i = 0; i < 16; i++) child(items[i]!, accounts);
      const value = items[16] as Uint8Array;
      if (value.length !== 0) leafValue(value, accounts);
    } else if (items.length === 2) {
      const path = items[0] as Uint8Array;
      const isLeaf = path.length > 0 && (path[0]! >> 4) & 2;
      if (isLeaf) leafValue(items[1] as Uint8Array, accounts);
      else child(items[1]!, accounts);
    } else {
      throw new Error(`trie node of ${items.length} items`);
    }
  };

  while (stack.length > 0) {
    const [hash, accounts] = stack.pop()!;
    const k = bytesKey(hash);
    if (walked.has(accounts ? `a${k}` : `s${k}`)) continue;
    walked.add(accounts ? `a${k}` : `s${k}`);
    const enc = nodes.getBinary(hash);
    // Nothing is deleted yet: a datadir missing a node it needs is reported as it is.
    if (enc === undefined) throw new Error(`trie node ${bytesToHex(hash)} is missing: the datadir is corrupt`);
    if (!live.has(k)) {
      live.add(k);
      if (progress && live.size % 100_000 === 0) progress(live.size);
    }
    const items = decode(enc);
    if (!Array.isArray(items)) throw new Error(`trie node ${bytesToHex(hash)} is not a list`);
    visit(items, accounts);
  }

  const doomed: Uint8Array[] = [];
  for (const key of nodes.getKeys({})) if (!live.has(bytesKey(key))) doomed.push(Uint8Array.from(key));
  for (let i = 0; i < doomed.length; i += CHUNK) {
    const chunk = doomed.slice(i, i + CHUNK);
    nodes.transactionSync(() => {
      for (const key of chunk) nodes.removeSync(key);
    });
  }
  return { live: live.size, deleted: doomed.length, ms: Math.round(performance.now() - t0) };
}

/** --prune-trie: prunes `store` before a node starts on it (no commit is in flight then), logging progress. */
export function pruneAtStart(store: ChainStore, log: Logger): PruneReport {
  const root = store.state.stateRoot;
  log.info("pruning trie nodes the state root no longer reaches", { root: bytesToHex(root) });
  const report = pruneTrieNodes(store.env, root, (walked) => log.info("pruning: nodes walked", { walked }));
  // LMDB reuses the freed pages: the file stops growing rather than shrinking.
  log.info("trie pruned", { ...report });
  return report;
}
