// Dropping trie nodes the state root no longer reaches. A commit only adds nodes (a changed path
// gets new ones, the old ones stay) and only the head state is served, so without this the node
// database grows with every state change: at a mini-block every few milliseconds, by megabytes a
// second under load. Mark and sweep: walk the account trie from a root, and from each account
// the storage trie its root names, then delete every other node. Deleting only what the walk did
// not reach, after the walk found every node it needed, keeps the datadir valid if the process
// dies midway.
//
// Two ways to run it:
//   - at start (--prune-trie), with no commit in flight: pruneTrieNodes, in one go;
//   - while the node runs (--prune-trie-every): TriePruner, in slices of a few milliseconds
//     between which commits go on. It marks from the root of the newest commit queued when it
//     starts (reading through the state's layers, as that commit may not be on disk yet), and
//     keeps every node a commit writes while it runs (StateDb.trackNodeWrites): a node any later
//     root reaches either was reached from that root or was written since, as a root's tries
//     are its predecessor's plus the nodes its commit writes. Its deletions go through LMDB's
//     write queue behind the commits queued before them, so a node a commit writes again (the
//     same content hashes the same) is never deleted after being rewritten, and a node still
//     in flight is deleted only after it lands.
import { bytesEqual, bytesToHex } from "../crypto/hex";
import { decode } from "../rlp/decode";
import type { RlpInput } from "../rlp/types";
import { EMPTY_TRIE_ROOT } from "../trie/index";
import type { Logger } from "../log/logger";
import { idKey } from "./byte-keys";
import type { ChainEnv } from "./chain-env";
import type { ChainStore } from "./chain-store";
import type { StateDb } from "./state-db";

export interface PruneReport {
  /** Nodes the state root reaches (kept). */
  live: number;
  deleted: number;
  ms: number;
}

/** Deletes per write transaction at start. */
const CHUNK = 10_000;

/** The mark phase: every node `root` reaches, by idKey of its hash. */
class TrieWalk {
  readonly live = new Set<string>();
  /** Walked per kind: account-trie leaves name storage roots, storage-trie leaves do not. */
  private readonly walkedAccounts = new Set<string>();
  private readonly walkedStorage = new Set<string>();
  private readonly stack: [hash: Uint8Array, accounts: boolean][] = [];

  constructor(
    /** A node's encoding by its hash. */
    private readonly read: (hash: Uint8Array) => Uint8Array | undefined,
    root: Uint8Array,
    private readonly progress?: (walked: number) => void,
  ) {
    if (!bytesEqual(root, EMPTY_TRIE_ROOT)) this.stack.push([root, true]);
  }

  /** Walks until the clock passes `deadline` (Bun.nanoseconds; at least one node); false once the walk is complete. */
  step(deadline: number): boolean {
    for (let n = 0; this.stack.length > 0 && (n === 0 || Bun.nanoseconds() < deadline); n++) {
      const [hash, accounts] = this.stack.pop()!;
      const k = idKey(hash);
      const walked = accounts ? this.walkedAccounts : this.walkedStorage;
      if (walked.has(k)) continue;
      walked.add(k);
      const enc = this.read(hash);
      // Nothing is deleted yet: a datadir missing a node it needs is reported as it is.
      if (enc === undefined) throw new Error(`trie node ${bytesToHex(hash)} is missing: the datadir is corrupt`);
      if (!this.live.has(k)) {
        this.live.add(k);
        if (this.progress && this.live.size % 100_000 === 0) this.progress(this.live.size);
      }
      const items = decode(enc);
      if (!Array.isArray(items)) throw new Error(`trie node ${bytesToHex(hash)} is not a list`);
      this.visit(items, accounts);
    }
    return this.stack.length > 0;
  }

  private child(item: RlpInput, accounts: boolean): void {
    if (Array.isArray(item)) this.visit(item, accounts); // inlined: under 32 bytes, so no hash in it
    else if (item.length === 32) this.stack.push([item, accounts]);
  }

  private leafValue(value: Uint8Array, accounts: boolean): void {
    if (!accounts) return;
    const fields = decode(value);
    const storageRoot = Array.isArray(fields) ? fields[2] : undefined;
    if (!(storageRoot instanceof Uint8Array) || storageRoot.length !== 32) throw new Error(`account leaf without a storage root: ${bytesToHex(value)}`);
    if (!bytesEqual(storageRoot, EMPTY_TRIE_ROOT)) this.stack.push([storageRoot, false]);
  }

  private visit(items: RlpInput[], accounts: boolean): void {
    if (items.length === 17) {
      for (let i = 0; i < 16; i++) this.child(items[i]!, accounts);
      const value = items[16] as Uint8Array;
      if (value.length !== 0) this.leafValue(value, accounts);
    } else if (items.length === 2) {
      const path = items[0] as Uint8Array;
      const isLeaf = path.length > 0 && (path[0]! >> 4) & 2;
      if (isLeaf) this.leafValue(items[1] as Uint8Array, accounts);
      else this.child(items[1]!, accounts);
    } else {
      throw new Error(`trie node of ${items.length} items`);
    }
  }
}

/** Deletes the trie nodes `root` does not reach (no commit may be in flight); `progress` hears of every 100,000 nodes walked. */
export function pruneTrieNodes(env: ChainEnv, root: Uint8Array, progress?: (walked: number) => void): PruneReport {
  const t0 = performance.now();
  const nodes = env.dbs.trieNodes;
  const walk = new TrieWalk((hash) => nodes.getBinary(hash), root, progress);
  while (walk.step(Infinity));
  const doomed: Uint8Array[] = [];
  for (const key of nodes.getKeys({})) if (!walk.live.has(idKey(key))) doomed.push(Uint8Array.from(key));
  for (let i = 0; i < doomed.length; i += CHUNK) {
    const chunk = doomed.slice(i, i + CHUNK);
    nodes.transactionSync(() => {
      for (const key of chunk) nodes.removeSync(key);
    });
  }
  return { live: walk.live.size, deleted: doomed.length, ms: Math.round(performance.now() - t0) };
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

/** How TriePruner shares the main thread. */
export interface TriePrunerOptions {
  /** Time per slice before the event loop gets its turn (at least one node or sweep batch). Default 2 ms. */
  sliceMs?: number;
  /** Keys read per sweep batch. Default 512. */
  sweepBatch?: number;
}

/**
 * Prunes while the node runs and commits: one pass at a time, in slices of about `sliceMs` with
 * the event loop served in between, so mini-blocks and RPC keep their pace.
 */
export class TriePruner {
  private pass: Promise<PruneReport | null> | null = null;
  private stopped = false;
  private readonly sliceNs: number;
  private readonly sweepBatch: number;

  constructor(
    private readonly env: ChainEnv,
    private readonly state: StateDb,
    private readonly log: Logger,
    options: TriePrunerOptions = {},
  ) {
    this.sliceNs = (options.sliceMs ?? 2) * 1e6;
    this.sweepBatch = options.sweepBatch ?? 512;
  }

  /** Starts a pass unless one is running; resolves with its report (null when stopped midway). */
  run(): Promise<PruneReport | null> {
    this.pass ??= this.prune().finally(() => (this.pass = null));
    return this.pass;
  }

  /** Ends the running pass at its next slice (what it deleted so far stays deleted: none of it was reachable). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.pass;
  }

  private async prune(): Promise<PruneReport | null> {
    const t0 = performance.now();
    const written = this.state.trackNodeWrites();
    try {
      // Its nodes are on disk or in layers still being written: read through the state's layers.
      const root = this.state.queuedRoot;
      const walk = new TrieWalk((hash) => this.state.trieNode(hash), root);
      while (walk.step(Bun.nanoseconds() + this.sliceNs)) if (!(await this.slice())) return null;
      const nodes = this.env.dbs.trieNodes;
      let deleted = 0;
      let start: Uint8Array | undefined;
      for (let more = true; more; ) {
        if (!(await this.slice())) return null;
        const deadline = Bun.nanoseconds() + this.sliceNs;
        do {
          const range = start === undefined ? { limit: this.sweepBatch } : { start, limit: this.sweepBatch + 1 };
          const keys = [...nodes.getKeys(range)].map((k) => Uint8Array.from(k));
          if (start !== undefined && keys.length > 0 && bytesEqual(keys[0]!, start)) keys.shift(); // the previous batch's last key
          if (keys.length === 0) {
            more = false;
            break;
          }
          for (const key of keys) {
            const k = idKey(key);
            // Checked as the delete is queued: a commit that writes the node again is queued
            // either before this (then it is in `written`) or after the delete (then it lands last).
            if (walk.live.has(k) || written.has(k)) continue;
            void nodes.remove(key);
            deleted++;
          }
          start = keys[keys.length - 1];
        } while (Bun.nanoseconds() < deadline);
      }
      const report = { live: walk.live.size, deleted, ms: Math.round(performance.now() - t0) };
      this.log.info("trie pruned while running", { ...report, root: bytesToHex(root) });
      return report;
    } finally {
      this.state.untrackNodeWrites(written);
    }
  }

  /** Lets the node run between slices; false once stopped. */
  private async slice(): Promise<boolean> {
    await new Promise((resolve) => setImmediate(resolve));
    return !this.stopped;
  }
}

/** --prune-trie-every: a TriePruner pass every `seconds` (a pass still running is not doubled); returns what stops it. */
export function pruneTrieEvery(store: ChainStore, seconds: number, log: Logger): () => Promise<void> {
  const pruner = new TriePruner(store.env, store.state, log);
  const timer = setInterval(() => {
    pruner.run().catch((err) => log.error("pruning the trie failed; the next pass starts over", { error: String(err?.stack ?? err) }));
  }, seconds * 1000);
  return async () => {
    clearInterval(timer);
    await pruner.stop();
  };
}
