import type { AccountChange, HostAccount, HostState } from "../exec/abi";
import { bytesEqual } from "../crypto/hex";
import { encode } from "../rlp/encode";
import { accountRlp, EMPTY_CODE_HASH, EMPTY_TRIE_ROOT, SecureTrie } from "../trie/index";
import { decodeAccountRecord, encodeAccountRecord, type AccountRecord } from "./account-record";
import { bytesKey, hasPrefix, storageRowKey, trimLeadingZeros } from "./byte-keys";
import type { ChainEnv } from "./chain-env";
import { CorruptRecordError, StateCommitFailedError, StoreClosedError } from "./errors";
import { LmdbNodeStore } from "./lmdb-node-store";
import { META_STATE_ROOT } from "./meta-keys";
import { LayerStack, type SlotWrite, type StateLayer } from "./state-layer";
import { WriteBatch } from "./write-batch";

export interface StateDbOptions {
  /** Hash of an earlier block for BLOCKHASH; the StateDb itself keeps no chain data. */
  blockHash?: (number: bigint) => Uint8Array | undefined;
  /**
   * The account trie keeps every node it has decoded, which grows with each
   * account ever touched; after this many account updates it is reopened from
   * its root at the next commit, bounding memory. Default 200,000.
   */
  trieCacheLimit?: number;
  /** Contracts' code kept decoded after a disk read (code is immutable per hash). Default 512. */
  codeCacheSize?: number;
}

/** Accounts changed since the last state-root computation. */
interface DirtyAccount {
  readonly address: Uint8Array;
  /** Slots written since then; a deletion clears them (the whole storage trie goes). */
  readonly slots: Map<string, SlotWrite>;
}

const EMPTY = new Uint8Array(0);

/**
 * World state on LMDB behind an in-memory write-back overlay.
 *
 * Reads are synchronous: the open layer, then layers still being committed,
 * then LMDB. apply() writes only memory; computeStateRoot() folds the dirty
 * accounts and slots into the tries (touching only their paths); commit()
 * writes the overlay, the new trie nodes and the caller's rows in one LMDB
 * transaction and returns a promise that settles when it is durable against a
 * process crash.
 */
export class StateDb implements HostState {
  private readonly layers = new LayerStack();
  private readonly nodes: LmdbNodeStore;
  private accountTrie: SecureTrie;
  private readonly dirty = new Map<string, DirtyAccount>();
  /** Root as of the last computeStateRoot(). */
  private root: Uint8Array;
  /** Root of the newest frozen layer (or of disk): where discard() goes back to. */
  private frozenRoot: Uint8Array;
  private durable: Uint8Array;
  private trieUpdates = 0;
  private readonly trieCacheLimit: number;
  private readonly codeCache = new Map<string, Uint8Array>();
  private readonly codeCacheSize: number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private failure: StateCommitFailedError | null = null;
  private closed = false;

  constructor(
    private readonly env: ChainEnv,
    private readonly options: StateDbOptions = {},
  ) {
    this.trieCacheLimit = options.trieCacheLimit ?? 200_000;
    this.codeCacheSize = options.codeCacheSize ?? 512;
    this.nodes = new LmdbNodeStore(env.dbs.trieNodes, this.layers);
    const stored = env.dbs.meta.getBinary(META_STATE_ROOT);
    this.root = stored ?? EMPTY_TRIE_ROOT;
    this.frozenRoot = this.root;
    this.durable = this.root;
    this.accountTrie = new SecureTrie({ store: this.nodes, root: this.root });
  }

  // ---- HostState ----

  account(address: Uint8Array): HostAccount | undefined {
    this.assertUsable();
    const rec = this.record(bytesKey(address), address);
    if (rec === undefined) return undefined;
    return {
      nonce: rec.nonce,
      balance: rec.balance,
      codeHash: rec.codeHash,
      code: this.code(rec.codeHash),
      hasStorage: rec.slotCount > 0,
    };
  }

  storage(address: Uint8Array, key: Uint8Array, out: Uint8Array): void {
    this.assertUsable();
    const v = this.slotValue(bytesKey(address), bytesKey(key), address, key);
    if (v.length !== 0) out.set(v, 32 - v.length);
  }

  blockHash(number: bigint): Uint8Array | undefined {
    return this.options.blockHash?.(number);
  }

  // ---- Reads beyond HostState ----

  /** The account's fields including its storage root (as of the last root computation) and slot count. */
  accountRecord(address: Uint8Array): Readonly<AccountRecord> | undefined {
    this.assertUsable();
    return this.record(bytesKey(address), address);
  }

  /** Code for a code hash (empty for the empty-code hash). */
  code(codeHash: Uint8Array): Uint8Array {
    if (bytesEqual(codeHash, EMPTY_CODE_HASH)) return EMPTY;
    const k = bytesKey(codeHash);
    const cached = this.layers.findCode(k) ?? this.codeCache.get(k);
    if (cached !== undefined) return cached;
    const code = this.env.dbs.code.getBinary(codeHash);
    if (code === undefined) throw new CorruptRecordError("code", codeHash, "code missing for an account's code hash");
    if (this.codeCache.size >= this.codeCacheSize) this.codeCache.delete(this.codeCache.keys().next().value!);
    this.codeCache.set(k, code);
    return code;
  }

  /** State root as of the last computeStateRoot() (or commit). */
  get stateRoot(): Uint8Array {
    return this.root;
  }

  /** Root of the newest commit known to be on disk. */
  get durableRoot(): Uint8Array {
    return this.durable;
  }

  /** True when apply() ran since the last root computation. */
  get hasUncomputedChanges(): boolean {
    return this.dirty.size > 0;
  }

  /** Commits handed to LMDB whose promise has not settled. */
  get commitsInFlight(): number {
    return this.layers.committing;
  }

  // ---- Writes ----

  /** Applies one transaction's account changes to the overlay. Arrays are kept by reference, not copied. */
  apply(changes: readonly AccountChange[]): void {
    this.assertUsable();
    const open = this.layers.open;
    for (const c of changes) {
      const k = bytesKey(c.address);
      let delta = open.accounts.get(k);
      const prior = delta !== undefined ? delta.record : (this.record(k, c.address) ?? null);
      if (delta === undefined) {
        delta = { address: c.address, record: prior, storageCleared: false, slots: new Map() };
        open.accounts.set(k, delta);
      }
      let dirty = this.dirty.get(k);
      if (dirty === undefined) this.dirty.set(k, (dirty = { address: c.address, slots: new Map() }));

      if (c.deleted) {
        delta.record = null;
        delta.storageCleared = true;
        delta.slots.clear();
        dirty.slots.clear();
        continue;
      }

      let slotCount = prior?.slotCount ?? 0;
      for (const [slot, word] of c.storage) {
        const sk = bytesKey(slot);
        const value = trimLeadingZeros(word);
        const before = this.slotValue(k, sk, c.address, slot);
        if (before.length === 0) {
          if (value.length !== 0) slotCount++;
        } else if (value.length === 0) {
          slotCount--;
        }
        const write: SlotWrite = [slot, value];
        delta.slots.set(sk, write);
        dirty.slots.set(sk, write);
      }
      if (c.code !== null && c.code.length !== 0) open.code.set(bytesKey(c.codeHash), [c.codeHash, c.code]);
      // A fresh object every time: the prior record may belong to a frozen layer being written.
      delta.record = {
        nonce: c.nonce,
        balance: c.balance,
        codeHash: c.codeHash,
        storageRoot: prior?.storageRoot ?? EMPTY_TRIE_ROOT,
        slotCount,
      };
    }
  }

  /**
   * Folds changes since the last call into the tries and returns the state
   * root. Work is proportional to the dirty accounts and slots: each storage
   * trie and the account trie load only the nodes on changed paths.
   */
  computeStateRoot(): Uint8Array {
    this.assertUsable();
    if (this.dirty.size === 0) return this.root;
    const open = this.layers.open;
    for (const [k, dirty] of this.dirty) {
      const rec = open.accounts.get(k)!.record;
      if (rec === null) {
        this.accountTrie.del(dirty.address);
        continue;
      }
      if (dirty.slots.size !== 0) {
        const storage = new SecureTrie({ store: this.nodes, root: rec.storageRoot });
        for (const [slot, value] of dirty.slots.values()) {
          if (value.length === 0) storage.del(slot);
          else storage.put(slot, encode(value));
        }
        rec.storageRoot = storage.commit();
      }
      this.accountTrie.put(dirty.address, accountRlp(rec));
    }
    this.trieUpdates += this.dirty.size;
    this.dirty.clear();
    this.root = this.accountTrie.commit();
    return this.root;
  }

  /**
   * Writes the overlay, its trie nodes, the state root and the rows `extra`
   * adds to its batch in one LMDB transaction, and opens a fresh overlay.
   *
   * If `extra` throws, nothing is written and the overlay stays as it was
   * (retry, or discard()). The returned promise resolves to the committed
   * root once the transaction is committed, which survives kill -9 (see
   * chain-env.ts); acknowledge work only after it resolves. Later commits may
   * be issued before it settles: they are applied in order. If it rejects, the
   * StateDb is unusable (StateCommitFailedError) and must be reopened.
   */
  commit(extra?: (batch: WriteBatch) => void): Promise<Uint8Array> {
    this.assertUsable();
    const root = this.computeStateRoot();
    const batch = new WriteBatch();
    extra?.(batch);

    const layer = this.layers.freeze();
    layer.stateRoot = root;
    layer.batch = batch;
    this.frozenRoot = root;
    this.env.pending.add(batch);
    if (this.trieUpdates > this.trieCacheLimit) {
      // Every node is in a frozen layer or on disk, so a fresh trie loses nothing but memory.
      this.accountTrie = new SecureTrie({ store: this.nodes, root });
      this.trieUpdates = 0;
    }

    // A child transaction so a failure part-way through rolls back every write of this commit.
    const written = this.env.root.childTransaction(() => this.writeLayer(layer, batch));
    const done = written.then(
      () => {
        // The layer is about to stop serving reads, so LMDB's read snapshot must include it.
        this.env.root.resetReadTxn();
        this.layers.release(layer);
        this.env.pending.delete(batch);
        this.durable = root;
        return root;
      },
      (cause: unknown) => {
        this.fail(cause);
        throw this.failure;
      },
    );
    const tracked = done.catch(() => {});
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return done;
  }

  /** Drops changes applied since the last commit(). */
  discard(): void {
    this.assertUsable();
    this.layers.discardOpen();
    this.dirty.clear();
    this.root = this.frozenRoot;
    this.accountTrie = new SecureTrie({ store: this.nodes, root: this.frozenRoot });
  }

  /** Settles once every commit issued so far has settled (whatever the outcome). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Resolves once every commit so far is also fsynced: durable across power loss, not just a crash. */
  async flushed(): Promise<void> {
    await this.settled();
    await this.env.root.flushed;
  }

  /** Waits for in-flight commits and makes the StateDb unusable; the environment is closed by its owner. */
  async close(): Promise<void> {
    await this.settled();
    this.closed = true;
  }

  // ---- Internals ----

  private record(addressKey: string, address: Uint8Array): AccountRecord | undefined {
    const delta = this.layers.findAccount(addressKey);
    if (delta !== undefined) return delta.record ?? undefined;
    const raw = this.env.dbs.accounts.getBinary(address);
    if (raw === undefined) return undefined;
    const rec = decodeAccountRecord(raw);
    if (typeof rec === "string") throw new CorruptRecordError("accounts", address, rec);
    return rec;
  }

  /** A slot's value without leading zeros (empty for zero). */
  private slotValue(addressKey: string, slotKey: string, address: Uint8Array, slot: Uint8Array): Uint8Array {
    const layered = this.layers.findSlot(addressKey, slotKey);
    if (layered !== undefined) return layered;
    return this.env.dbs.storage.getBinary(storageRowKey(address, slot)) ?? EMPTY;
  }

  /** Runs inside the LMDB write transaction: no caller code, only rows prepared beforehand. */
  private writeLayer(layer: StateLayer, batch: WriteBatch): void {
    // An earlier commit never reached disk; this one would record state built on a hole.
    if (this.failure !== null) throw this.failure;
    const T0 = performance.now(); let NODES = layer.nodes.size;
    try {
      const { accounts, storage, code, trieNodes, meta } = this.env.dbs;
      for (const delta of layer.accounts.values()) {
        const address = delta.address;
        if (delta.storageCleared) {
          // Reads inside the transaction see earlier commits, including ones queued just before.
          const doomed: Uint8Array[] = [];
          for (const key of storage.getKeys({ start: address })) {
            if (!hasPrefix(key, address)) break;
            doomed.push(key);
          }
          for (const key of doomed) storage.removeSync(key);
        }
        if (delta.record === null) accounts.removeSync(address);
        else accounts.putSync(address, encodeAccountRecord(delta.record));
        for (const [slot, value] of delta.slots.values()) {
          const key = storageRowKey(address, slot);
          if (value.length === 0) storage.removeSync(key);
          else storage.putSync(key, value);
        }
      }
      for (const [hash, bytes] of layer.code.values()) code.putSync(hash, bytes);
      const T1 = performance.now();
      const sorted = process.env.SORT ? [...layer.nodes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((e) => e[1]) : layer.nodes.values();
      for (const [hash, enc] of sorted) trieNodes.putSync(hash, enc);
      if (process.env.PROF) console.log("nodes part", (performance.now() - T1).toFixed(1));
      meta.putSync(META_STATE_ROOT, layer.stateRoot!);
      batch.replay(this.env.dbs);
      if (process.env.PROF) console.log("writeLayer", (performance.now() - T0).toFixed(1), "ms; accounts", layer.accounts.size, "nodes", NODES);
    } catch (cause) {
      // Set before LMDB reports back, so commits queued behind this one refuse to write.
      this.fail(cause);
      throw cause;
    }
  }

  private fail(cause: unknown): void {
    if (this.failure === null) {
      this.failure = cause instanceof StateCommitFailedError ? cause : new StateCommitFailedError(cause);
    }
  }

  private assertUsable(): void {
    if (this.closed) throw new StoreClosedError();
    if (this.failure !== null) throw this.failure;
  }
}
