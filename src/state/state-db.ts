import type { AccountChange, HostAccount, HostState } from "../exec/abi";
import { bytesEqual } from "../crypto/hex";
import { keccak256 } from "../crypto/keccak";
import { encode } from "../rlp/encode";
import { accountRlp, EMPTY_CODE_HASH, EMPTY_TRIE_ROOT, SecureTrie } from "../trie/index";
import { decodeAccountRecord, encodeAccountRecord, type AccountRecord } from "./account-record";
import { trimLeadingZeros } from "../rlp/integers";
import { hasPrefix, idKey, readU64, storageRowKey, u64Key } from "./byte-keys";
import type { ChainEnv } from "./chain-env";
import { CorruptRecordError, IncompleteCommitError, StateCommitFailedError, StoreClosedError } from "./errors";
import { LmdbNodeStore } from "./lmdb-node-store";
import { COMMIT_COUNTER_KEY, META_COMMIT_IN_PROGRESS, META_STATE_ROOT } from "./meta-keys";
import { type AccountDelta, type FrozenChanges, LayerStack, type SlotWrite, type StateLayer } from "./state-layer";
import { ValueSlab } from "./value-slab";
import { WriteBatch } from "./write-batch";

export interface StateDbOptions {
  /** Hash of an earlier block for BLOCKHASH; the StateDb itself keeps no chain data. */
  blockHash?: (number: bigint) => Uint8Array | undefined;
  /**
   * The account trie and the storage tries kept open between root
   * computations keep every node they have decoded, which grows with each
   * account and slot ever touched; after this many account and slot updates
   * they are reopened from their roots at the next commit, bounding memory.
   * Default 200,000.
   */
  trieCacheLimit?: number;
  /** Contracts' code kept decoded after a disk read (code is immutable per hash). Default 512. */
  codeCacheSize?: number;
}

const EMPTY = new Uint8Array(0);
/** Storage tries kept open between root computations (the most recently used). */
const OPEN_STORAGE_TRIES = 4096;
/** Trie keys (keccak of addresses and slots) kept: the same accounts and slots change block after block. */
const KEY_HASHES = 1 << 16;

/**
 * World state on LMDB behind an in-memory write-back overlay.
 *
 * Reads are synchronous: the open layer, then layers still being committed,
 * then LMDB. apply() writes only memory; computeStateRoot() folds the dirty
 * accounts and slots into the tries (touching only their paths); commit()
 * queues the overlay, the new trie nodes and the caller's rows as one LMDB
 * transaction and returns a promise that settles when it is durable against a
 * process crash, while execution carries on against a fresh overlay.
 */
export class StateDb implements HostState {
  private readonly layers = new LayerStack();
  private readonly nodes: LmdbNodeStore;
  private accountTrie: SecureTrie;
  /** Storage tries by `idKey(address)`, least recently used first: repeated roots touch only changed paths. */
  private readonly storageTries = new Map<string, SecureTrie>();
  /** keccak256 of addresses and slots by `idKey` (10 and 16 chars: they cannot collide). */
  private readonly keyHashes = new Map<string, Uint8Array>();
  /** The open layer's accounts changed since the last state-root computation (AccountDelta.dirty). */
  private dirty: AccountDelta[] = [];
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
  private readonly nodeWriteTrackers = new Set<Set<string>>();
  /**
   * Records and slots as LMDB holds them, for keys no layer holds: execution reads an account
   * or slot and apply() reads it again for the change it makes, and each LMDB read and decode
   * costs about a microsecond. Only a released layer changes LMDB under such keys, and then to
   * its own values, which it leaves here (takeIn). Clearing everything at each commit instead
   * sent every read after a commit to LMDB again: the serial executor took 15.5 instead of 10.5
   * us per ERC-20 transfer with the cache cleared before each batch of 1,000 (bench sequencer
   * showed no difference beyond its noise, 7,900-8,400 tx/s either way).
   */
  private readonly diskReads = new DiskReadCache();
  /** Commits handed to LMDB since the datadir was created (the commit counter's target). */
  private commitsQueued: number;
  private failure: StateCommitFailedError | null = null;
  private closed = false;

  constructor(
    private readonly env: ChainEnv,
    private readonly options: StateDbOptions = {},
  ) {
    this.trieCacheLimit = options.trieCacheLimit ?? 200_000;
    this.codeCacheSize = options.codeCacheSize ?? 512;
    this.nodes = new LmdbNodeStore(env.dbs.trieNodes, this.layers);
    const unfinished = env.dbs.meta.getBinary(META_COMMIT_IN_PROGRESS);
    if (unfinished !== undefined) throw new IncompleteCommitError(env.datadir, readU64(unfinished));
    const counter = env.commitCounter.getEntry(COMMIT_COUNTER_KEY);
    if (counter === undefined) env.commitCounter.putSync(COMMIT_COUNTER_KEY, u64Key(0n), 0);
    this.commitsQueued = counter?.version ?? 0;
    const stored = env.dbs.meta.getBinary(META_STATE_ROOT);
    this.root = stored ?? EMPTY_TRIE_ROOT;
    this.frozenRoot = this.root;
    this.durable = this.root;
    this.accountTrie = new SecureTrie({ store: this.nodes, root: this.root });
  }

  // ---- HostState ----

  account(address: Uint8Array): HostAccount | undefined {
    this.assertUsable();
    const rec = this.record(idKey(address), address);
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
    const v = this.slotValue(idKey(address), idKey(key), address, key);
    if (v.length !== 0) out.set(v, 32 - v.length);
  }

  blockHash(number: bigint): Uint8Array | undefined {
    return this.options.blockHash?.(number);
  }

  // ---- Reads beyond HostState ----

  /** The account's fields including its storage root (as of the last root computation) and slot count. */
  accountRecord(address: Uint8Array): Readonly<AccountRecord> | undefined {
    this.assertUsable();
    return this.record(idKey(address), address);
  }

  /**
   * Takes `row`, the account's LMDB row (null: none) that another reader of the same LMDB state
   * just read, as if this StateDb had read it: apply() then needs no read of its own. Ignored
   * when a layer holds the account or the row is known already. `row` is not kept.
   */
  primeAccount(address: Uint8Array, row: Uint8Array | null): void {
    const k = idKey(address);
    if (this.diskReads.accounts.has(k) || this.layers.findAccount(k) !== undefined) return;
    this.rememberRow(k, address, row ?? undefined);
  }

  /** The same for a slot, given its 32-byte value as LMDB holds it (not kept). */
  primeSlot(address: Uint8Array, slot: Uint8Array, value: Uint8Array): void {
    const k = idKey(address);
    const sk = idKey(slot);
    if (this.diskReads.slot(k, sk) !== undefined || this.layers.findSlot(k, sk) !== undefined) return;
    const trimmed = trimLeadingZeros(value);
    this.diskReads.rememberSlot(k, sk, trimmed === value ? value.slice() : trimmed);
  }

  /** Forgets the rows kept from LMDB reads (see diskReads): each is read from LMDB again when next needed. */
  forgetDiskReads(): void {
    this.diskReads.clear();
  }

  /** Code for a code hash (empty for the empty-code hash). */
  code(codeHash: Uint8Array): Uint8Array {
    if (bytesEqual(codeHash, EMPTY_CODE_HASH)) return EMPTY;
    const k = idKey(codeHash);
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
    return this.dirty.length > 0;
  }

  /** Commits handed to LMDB since the datadir was created: with none in flight, it names what LMDB holds. */
  get commitCount(): number {
    return this.commitsQueued;
  }

  /**
   * When this state is LMDB's plus only commits still being written (nothing applied since the
   * last one), what those commits change: every other account and slot reads the same from
   * LMDB, whether or not they have landed. Null when there are other changes.
   */
  pendingChanges(): FrozenChanges | null {
    if (this.dirty.length > 0 || this.layers.open.accounts.size > 0) return null;
    return this.layers.frozenChanges();
  }

  /** Root of the newest commit handed to LMDB (or of disk when none was): what the next durable root will be once they land. */
  get queuedRoot(): Uint8Array {
    return this.frozenRoot;
  }

  /** A trie node by its hash, from the layers not yet on disk or from LMDB. */
  trieNode(hash: Uint8Array): Uint8Array | undefined {
    return this.nodes.get(hash);
  }

  /**
   * A set that receives the idKey of every trie node each later commit writes, until
   * untrackNodeWrites: what an online prune must keep besides what its root reaches.
   */
  trackNodeWrites(): Set<string> {
    const set = new Set<string>();
    this.nodeWriteTrackers.add(set);
    return set;
  }

  untrackNodeWrites(set: Set<string>): void {
    this.nodeWriteTrackers.delete(set);
  }

  /** Commits handed to LMDB whose promise has not settled. */
  get commitsInFlight(): number {
    return this.layers.committing;
  }

  // ---- Writes ----

  /**
   * Applies one transaction's account changes to the overlay. Arrays are kept by reference, not
   * copied. `storageless` (BatchState.apply): accounts known to have no storage below the batch,
   * whose record is not read when no layer holds them and no commit is in flight: a parallel
   * batch's commit would otherwise read it cold (its execution read the account elsewhere), about
   * 60 ns an account on the 2-core VM.
   */
  apply(changes: readonly AccountChange[], storageless = 0): void {
    this.assertUsable();
    const open = this.layers.open;
    if (this.layers.committing !== 0) storageless = 0;
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      // Addresses and slots become LMDB keys; a malformed one must fail here, not half-way through a commit.
      if (c.address.length !== 20) throw new RangeError(`address must be 20 bytes, got ${c.address.length}`);
      const k = idKey(c.address);
      let delta = open.accounts.get(k);
      const prior = delta !== undefined ? delta.record : i < 31 && (storageless >>> i) & 1 ? null : (this.record(k, c.address) ?? null);
      if (delta === undefined) {
        // New to the layer, so every slot it gets is written after the last root computation
        // (commit() computes the root first): `slots` serves for both until then.
        delta = { key: k, address: c.address, record: prior, storageCleared: false, slots: new Map(), dirty: true, sinceRoot: null };
        open.accounts.set(k, delta);
        this.dirty.push(delta);
      } else if (!delta.dirty) {
        delta.dirty = true;
        delta.sinceRoot = new Map();
        this.dirty.push(delta);
      }

      if (c.deleted) {
        delta.record = null;
        delta.storageCleared = true;
        delta.slots.clear();
        delta.sinceRoot?.clear();
        continue;
      }

      let slotCount = prior?.slotCount ?? 0;
      for (const [slot, word] of c.storage) {
        if (slot.length !== 32 || word.length !== 32) throw new RangeError("storage keys and values must be 32 bytes");
        const sk = idKey(slot);
        const value = trimLeadingZeros(word);
        const before = this.slotValue(k, sk, c.address, slot);
        if (before.length === 0) {
          if (value.length !== 0) slotCount++;
        } else if (value.length === 0) {
          slotCount--;
        }
        const write: SlotWrite = [slot, value];
        delta.slots.set(sk, write);
        delta.sinceRoot?.set(sk, write);
      }
      if (c.code !== null && c.code.length !== 0) open.code.set(idKey(c.codeHash), [c.codeHash, c.code]);
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
    if (this.dirty.length === 0) return this.root;
    for (const delta of this.dirty) {
      const k = delta.key;
      const rec = delta.record;
      const path = this.hashedKey(k, delta.address);
      const slots = delta.sinceRoot ?? delta.slots;
      delta.dirty = false;
      delta.sinceRoot = null;
      if (rec === null) {
        this.accountTrie.trie.del(path);
        this.storageTries.delete(k);
        continue;
      }
      if (slots.size !== 0) {
        const storage = this.storageTrie(k, rec.storageRoot);
        for (const [sk, [slot, value]] of slots) {
          if (value.length === 0) storage.trie.del(this.hashedKey(sk, slot));
          else storage.trie.put(this.hashedKey(sk, slot), encode(value));
        }
        rec.storageRoot = storage.commit();
        this.trieUpdates += slots.size;
      }
      this.accountTrie.trie.put(path, accountRlp(rec));
    }
    this.trieUpdates += this.dirty.length;
    this.dirty = [];
    this.root = this.accountTrie.commit();
    return this.root;
  }

  /**
   * Writes the overlay, its trie nodes, the state root and the rows `extra`
   * adds to its batch in one LMDB transaction, and opens a fresh overlay.
   *
   * If `extra` throws, nothing is written and the overlay stays as it was
   * (retry, or discard()). Otherwise the rows are queued to lmdb-js's write
   * thread, so this returns after little more than encoding them, and the
   * promise resolves to the committed root once the transaction is committed,
   * which survives kill -9 (see chain-env.ts): acknowledge work only after it
   * resolves. Later commits may be issued before it settles; they land in
   * order. If it rejects, the StateDb is unusable (StateCommitFailedError),
   * commits queued behind it are skipped, and the datadir must be reopened.
   */
  commit(extra?: (batch: WriteBatch) => void): Promise<Uint8Array> {
    this.assertUsable();
    const root = this.computeStateRoot();
    const batch = new WriteBatch();
    extra?.(batch);
    const doomed = this.clearedStorageRows();

    const layer = this.layers.freeze();
    layer.stateRoot = root;
    for (const t of this.nodeWriteTrackers) for (const k of layer.nodes.keys()) t.add(k);
    this.frozenRoot = root;
    this.env.pending.add(batch);
    if (this.trieUpdates > this.trieCacheLimit) {
      // Every node is in a frozen layer or on disk, so fresh tries lose nothing but memory.
      this.accountTrie = new SecureTrie({ store: this.nodes, root });
      this.storageTries.clear();
      this.trieUpdates = 0;
    }

    const number = ++this.commitsQueued;
    let queued: Promise<boolean>;
    try {
      queued = this.queueLayer(layer, batch, doomed, number);
    } catch (cause) {
      // Unreachable unless a row escaped validation. Rows queued before the
      // throw still get written, next to the in-progress marker, so the next
      // open refuses the datadir instead of trusting it.
      this.fail(cause);
      throw this.failure;
    }
    const done = queued.then(
      (applied) => {
        if (!applied) {
          this.fail(new Error(`commit #${number} skipped: an earlier commit did not reach disk`));
          throw this.failure;
        }
        // The layer is about to stop serving reads, so LMDB's read snapshot must include it.
        this.env.root.resetReadTxn();
        this.layers.release(layer);
        this.diskReads.takeIn(layer);
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
    this.dirty = [];
    this.root = this.frozenRoot;
    this.accountTrie = new SecureTrie({ store: this.nodes, root: this.frozenRoot });
    this.storageTries.clear();
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

  /** keccak256(`key`), the secure tries' path for it, remembered by `idKey(key)`. */
  private hashedKey(k: string, key: Uint8Array): Uint8Array {
    let h = this.keyHashes.get(k);
    if (h === undefined) {
      if (this.keyHashes.size >= KEY_HASHES) this.keyHashes.clear();
      this.keyHashes.set(k, (h = keccak256(key)));
    }
    return h;
  }

  /** The account's storage trie at `root`: the one kept open when it is still there, else opened from the store. */
  private storageTrie(addressKey: string, root: Uint8Array): SecureTrie {
    const open = this.storageTries.get(addressKey);
    this.storageTries.delete(addressKey);
    // A kept trie whose root differs (the account was deleted and re-created) is stale.
    const trie = open !== undefined && bytesEqual(open.root(), root) ? open : new SecureTrie({ store: this.nodes, root });
    this.storageTries.set(addressKey, trie);
    if (this.storageTries.size > OPEN_STORAGE_TRIES) this.storageTries.delete(this.storageTries.keys().next().value!);
    return trie;
  }

  private record(addressKey: string, address: Uint8Array): AccountRecord | undefined {
    const delta = this.layers.findAccount(addressKey);
    if (delta !== undefined) return delta.record ?? undefined;
    const cached = this.diskReads.accounts.get(addressKey);
    if (cached !== undefined) return cached ?? undefined;
    return this.rememberRow(addressKey, address, this.env.dbs.accounts.getBinary(address));
  }

  /** Decodes and keeps an account's LMDB row (undefined: none) in diskReads. */
  private rememberRow(addressKey: string, address: Uint8Array, raw: Uint8Array | undefined): AccountRecord | undefined {
    const rec = raw === undefined ? undefined : decodeAccountRecord(raw);
    if (typeof rec === "string") throw new CorruptRecordError("accounts", address, rec);
    this.diskReads.rememberAccount(addressKey, rec ?? null);
    return rec;
  }

  /** A slot's value without leading zeros (empty for zero). */
  private slotValue(addressKey: string, slotKey: string, address: Uint8Array, slot: Uint8Array): Uint8Array {
    const layered = this.layers.findSlot(addressKey, slotKey);
    if (layered !== undefined) return layered;
    let value = this.diskReads.slot(addressKey, slotKey);
    if (value === undefined) {
      value = this.env.dbs.storage.getBinary(storageRowKey(address, slot)) ?? EMPTY;
      this.diskReads.rememberSlot(addressKey, slotKey, value);
    }
    return value;
  }

  /**
   * Storage rows to delete for accounts deleted in the open layer: those on
   * disk now plus those older frozen layers will have written by the time
   * this commit lands. Computed up front because queued writes cannot read.
   */
  private clearedStorageRows(): Uint8Array[] {
    const rows: Uint8Array[] = [];
    for (const [k, delta] of this.layers.open.accounts) {
      if (!delta.storageCleared) continue;
      const address = delta.address;
      for (const key of this.env.dbs.storage.getKeys({ start: address })) {
        if (!hasPrefix(key, address)) break;
        rows.push(key);
      }
      for (const [slot] of this.layers.frozenSlots(k)) rows.push(storageRowKey(address, slot));
    }
    return rows;
  }

  /**
   * Queues one commit as a block of writes conditional on the commit counter
   * being at `number - 1`, so a commit whose predecessor failed is skipped
   * whole (resolves false). Nothing in here may throw: see WriteBatch.
   */
  private queueLayer(layer: StateLayer, batch: WriteBatch, doomed: Uint8Array[], number: number): Promise<boolean> {
    const { accounts, storage, code, trieNodes, meta } = this.env.dbs;
    const counter = this.env.commitCounter;
    const slab = new ValueSlab();
    return counter.ifVersion(COMMIT_COUNTER_KEY, number - 1, () => {
      void meta.put(META_COMMIT_IN_PROGRESS, u64Key(BigInt(number)));
      for (const key of doomed) void storage.remove(key);
      for (const delta of layer.accounts.values()) {
        const address = delta.address;
        if (delta.record === null) void accounts.remove(address);
        else void accounts.put(address, slab.place(encodeAccountRecord(delta.record)));
        for (const [slot, value] of delta.slots.values()) {
          const key = storageRowKey(address, slot);
          if (value.length === 0) void storage.remove(key);
          else void storage.put(key, slab.place(value));
        }
      }
      for (const [hash, bytes] of layer.code.values()) void code.put(hash, bytes);
      for (const [hash, enc] of layer.nodes.values()) void trieNodes.put(hash, slab.place(enc));
      void meta.put(META_STATE_ROOT, layer.stateRoot!);
      batch.queue(this.env.dbs, slab);
      void counter.put(COMMIT_COUNTER_KEY, u64Key(BigInt(number)), number);
      void meta.remove(META_COMMIT_IN_PROGRESS);
    });
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

/** See StateDb.diskReads. Cleared whole past LIMIT entries, so memory stays bounded. */
class DiskReadCache {
  static readonly LIMIT = 100_000;
  readonly accounts = new Map<string, AccountRecord | null>();
  /** By account, then slot: no key concatenated per read. */
  private readonly slots = new Map<string, Map<string, Uint8Array>>();
  private slotCount = 0;

  rememberAccount(addressKey: string, rec: AccountRecord | null): void {
    if (this.accounts.size >= DiskReadCache.LIMIT) this.accounts.clear();
    this.accounts.set(addressKey, rec);
  }

  slot(addressKey: string, slotKey: string): Uint8Array | undefined {
    return this.slots.get(addressKey)?.get(slotKey);
  }

  rememberSlot(addressKey: string, slotKey: string, value: Uint8Array): void {
    if (this.slotCount >= DiskReadCache.LIMIT) this.clearSlots();
    let m = this.slots.get(addressKey);
    if (m === undefined) this.slots.set(addressKey, (m = new Map()));
    m.set(slotKey, value);
    this.slotCount++;
  }

  /** `layer`, just written to LMDB and released: its values are now LMDB's. */
  takeIn(layer: StateLayer): void {
    for (const [k, d] of layer.accounts) {
      this.rememberAccount(k, d.record);
      if (d.storageCleared) this.slots.delete(k);
      for (const [sk, [, value]] of d.slots) this.rememberSlot(k, sk, value);
    }
  }

  clear(): void {
    this.accounts.clear();
    this.clearSlots();
  }

  private clearSlots(): void {
    this.slots.clear();
    this.slotCount = 0;
  }
}
