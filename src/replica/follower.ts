// Applies verified stream frames to a follower's store. A replica trusts the sequencer's state
// diffs (checked against the header's state root at every seal); a full node trusts nothing and
// hands each block to a BlockVerifier that re-executes it first (src/fullnode). Frames are
// applied in order; each batch of whole frames is one atomic LMDB commit together with its
// chain rows, so a crash leaves the store at a frame boundary and the stream resumes after it.
//
// The replica's hot path reads entries lean (src/stream/entry.ts): only the state diff is turned
// into objects; transactions and receipts of the open block are materialised when something
// reads them (an RPC query of the pending block, a subscription, a transaction waiter).
import type { Common } from "@ethereumjs/common";
import type { AccountChange } from "../exec/abi";
import type { EvmCore } from "../exec/core";
import { logsBloom } from "../chain/bloom";
import { decodeLogEntry, encodeBodyEntry, encodeReceipt } from "../chain/codec";
import { decodeHeader } from "../chain/header";
import type { Block, Header, MiniBlock, Receipt } from "../chain/types";
import { bytesEqual, bytesToHex, keccak256 } from "../crypto/index";
import type { Logger } from "../log/logger";
import { BlockBuilder } from "../sequencer/block-builder";
import type { SequencerEvents } from "../sequencer/sequencer";
import type { WriteBatch } from "../state/index";
import { StreamFatalError, type StreamPosition } from "../stream/client";
import { decodeEntryRows, EntryError, looksLikeSeal, type MiniRows } from "../stream/entry";
import type { Frame } from "../stream/format";
import { LazyTx } from "./lazy-tx";
import { mergeChanges } from "../chain/merge-changes";
import type { ReplicaStore } from "./store";

/** A mini-block as the stream delivered it. */
export interface StreamedMini {
  frame: Frame;
  mini: MiniBlock;
  changes: AccountChange[];
}

/**
 * Re-executes a whole block on the store's state (the full node), leaving its own results
 * applied; returns them per mini-block. Throws StreamFatalError at the first difference.
 */
export interface BlockVerifier {
  verify(parent: { header: Header; hash: Uint8Array }, minis: StreamedMini[], header: Header, headerRlp: Uint8Array, sealSeq: bigint): {
    changes: AccountChange[][];
    receipts: Receipt[][];
  };
}

type Rows = ((b: WriteBatch) => void)[];

const MAX_COMMITS_IN_FLIGHT = 3;
/** Most frames a catching-up replica holds back waiting for their block's seal (see apply). */
const MAX_HELD_FRAMES = 256;
const nowSeconds = () => BigInt(Math.floor(Date.now() / 1000));
const lazyTx = (from: Uint8Array, raw: Uint8Array) => new LazyTx(from, raw);

export class Follower {
  /** Last frame whose commit is durable. */
  durableSeq: bigint;
  /** Called when more frames became durable (to serve them onward, to report catch-up). */
  readonly durableListeners: (() => void)[] = [];
  readonly counters = { frames: 0, txs: 0, blocks: 0, commits: 0, applyNs: 0 };
  private readonly listeners: SequencerEvents[] = [];
  private readonly inFlight: Promise<unknown>[] = [];
  private readonly receiptWaiters = new Map<string, (() => void)[]>();
  private failed: Error | null = null;
  /** Last frame taken, when newer than the store's stream head. */
  private tip: { seq: bigint; hash: Uint8Array } | null = null;
  /** The open block: its number, every mini-block's rows, and the builder that presents it to reads. */
  private openNumber: bigint;
  private openRows: MiniRows[] = [];
  private builder: BlockBuilder;
  /** Entries of open mini-blocks not yet restored into the builder (materialised on read). */
  private unrestored: Uint8Array[] = [];
  /** Full node: the open block's mini-blocks, waiting for its seal. */
  private pendingMinis: StreamedMini[] = [];
  /** Replica: diffs of this batch's mini-blocks not yet applied (merged before a root or the commit). */
  private unapplied: AccountChange[][] = [];
  /** Replica catching up: frames after the last batch's last seal, applied with the next batch. */
  private held: Frame[] = [];

  constructor(
    readonly store: ReplicaStore,
    readonly core: EvmCore,
    private readonly log: Logger,
    private readonly verifier: BlockVerifier | null = null,
  ) {
    this.durableSeq = store.streamHead.seq;
    const head = store.head();
    this.openNumber = head.header.number + 1n;
    this.builder = this.newBuilder(head);
    // Resume the open block after a restart: its mini-blocks are in the log, their state applied.
    for (let seq = store.streamHead.seq; seq >= 0n && !verifier; seq--) {
      const bytes = store.chain.getMiniBlock(seq);
      if (!bytes) break;
      const e = decodeEntryRows(bytes);
      if (e.kind === "seal") break;
      this.openRows.unshift(e);
      this.unrestored.unshift(bytes);
    }
  }

  get common(): Common {
    return this.store.genesis.common;
  }

  /** The open block as the sequencer's BlockBuilder presents it (pending transactions and receipts). */
  get building(): BlockBuilder {
    if (this.unrestored.length) {
      const entries = this.unrestored;
      this.unrestored = [];
      for (const bytes of entries) this.restore(bytes);
    }
    return this.builder;
  }

  private restore(bytes: Uint8Array): MiniBlock {
    const e = decodeLogEntry(bytes, lazyTx, logsBloom);
    if (e.kind !== "mini") throw new Error("restore: not a mini-block");
    const mini = e.mini;
    mini.transactions.forEach((t, i) => {
      (t as LazyTx).knownHash = mini.receipts[i]!.transactionHash;
      this.builder.restore(t, mini.receipts[i]!);
    });
    return mini;
  }

  private newBuilder(parent: { header: Header; hash: Uint8Array }): BlockBuilder {
    return new BlockBuilder(parent.header, parent.hash, { gasLimit: parent.header.gasLimit, coinbase: parent.header.coinbase }, this.common, nowSeconds());
  }

  /** Where the stream should resume: after the last frame taken (applied, or held by a full node for its block's seal). */
  position(): StreamPosition {
    const h = this.tip ?? this.store.streamHead;
    return { from: h.seq + 1n, prevHash: h.seq < 0n ? this.store.genesis.hash : h.hash };
  }

  on(listener: SequencerEvents): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  /** Resolves once a receipt for `hash` is applied locally (or `ms` passes: false). */
  waitForTx(hash: Uint8Array, ms: number): Promise<boolean> {
    const key = bytesToHex(hash);
    if (this.building.indexByHash.has(key) || this.store.txLocation(hash)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => (clearTimeout(timer), resolve(true));
      const timer = setTimeout(() => {
        const list = this.receiptWaiters.get(key);
        if (list) {
          list.splice(list.indexOf(done), 1);
          if (!list.length) this.receiptWaiters.delete(key);
        }
        resolve(false);
      }, ms);
      const list = this.receiptWaiters.get(key);
      if (list) list.push(done);
      else this.receiptWaiters.set(key, [done]);
    });
  }

  /**
   * Applies consecutive verified frames; resolves once their commit is issued (bounded pipelining).
   * With `more` (later frames are known to be coming: catching up), a replica applies only up to
   * the batch's last seal and holds the rest for the next call, so its commits end at seals: a
   * commit that ends inside a block has to compute a state root that no header checks.
   */
  async apply(frames: Frame[], more = false): Promise<void> {
    if (this.failed) throw this.failed;
    if (frames.length) this.tip = { seq: frames.at(-1)!.seq, hash: frames.at(-1)!.hash };
    if (this.held.length) {
      frames = this.held.concat(frames);
      this.held = [];
    }
    if (more && !this.verifier) {
      let end = frames.length;
      while (end > 0 && !looksLikeSeal(frames[end - 1]!.entry)) end--;
      if (frames.length - end <= MAX_HELD_FRAMES) {
        this.held = frames.slice(end);
        frames = frames.slice(0, end);
      }
    }
    const t0 = Bun.nanoseconds();
    const rows: Rows = [];
    const events: (() => void)[] = [];
    try {
      for (const f of frames) {
        if (this.verifier) this.takeVerified(f, rows, events);
        else this.take(f, rows, events);
        this.counters.frames++;
      }
      this.flushDiffs();
    } catch (err) {
      this.failed = err as Error;
      throw err;
    }
    this.counters.applyNs += Bun.nanoseconds() - t0;
    if (rows.length === 0) return; // all held, or a full node holding an open block
    const { seq, hash } = frames.at(-1)!;
    this.store.streamHead = { seq, hash };
    const commit = this.store.chainStore.commit((b) => {
      for (const r of rows) r(b);
      this.store.putStreamHead(b, seq, hash);
    });
    this.counters.commits++;
    const tracked = commit.then(
      () => {
        if (seq > this.durableSeq) this.durableSeq = seq;
        for (const l of this.durableListeners) l();
      },
      (err) => {
        this.failed = err;
        throw err;
      },
    );
    this.inFlight.push(tracked);
    void tracked.finally(() => this.inFlight.splice(this.inFlight.indexOf(tracked), 1)).catch(() => {});
    for (const e of events) e();
    // Absolute time (sub-millisecond) so lag can be measured against the sequencer's clock.
    this.log.debug("applied", { from: frames[0]!.seq.toString(), to: seq.toString(), at: performance.timeOrigin + performance.now() });
    while (this.inFlight.length >= MAX_COMMITS_IN_FLIGHT) await this.inFlight[0];
  }

  /** Waits for every issued commit. */
  async settled(): Promise<void> {
    while (this.inFlight.length) await Promise.allSettled([...this.inFlight]);
  }

  // ---- Replica: apply the sequencer's diffs ----

  private take(f: Frame, rows: Rows, events: (() => void)[]): void {
    let e;
    try {
      e = decodeEntryRows(f.entry);
    } catch (err) {
      if (err instanceof EntryError || err instanceof RangeError) throw new StreamFatalError(`frame ${f.seq}: log entry is malformed (${(err as Error).message}) although its hash chain is intact`);
      throw new StreamFatalError(`frame ${f.seq}: log entry does not decode (${(err as Error).message})`);
    }
    if (e.seq !== f.seq) throw new StreamFatalError(`frame ${f.seq} carries entry seq ${e.seq}`);
    if (e.kind === "seal") return this.seal(f, e.header, rows, events);
    if (e.blockNumber !== this.openNumber) throw new StreamFatalError(`frame ${f.seq}: mini-block of block ${e.blockNumber}, but block ${this.openNumber} is open`);
    this.unapplied.push(e.changes);
    this.openRows.push(e);
    this.counters.txs += e.txs.length;
    const entry = f.entry;
    rows.push((b) => this.store.chain.putMiniBlock(b, f.seq, entry));
    if (this.listeners.length) {
      void this.building; // restores the earlier ones first, in order
      const mini = this.restore(entry);
      events.push(() => {
        for (const l of this.listeners) l.miniBlock(mini);
      });
    } else this.unrestored.push(entry);
    if (this.receiptWaiters.size) {
      const hashes = e.txHashes.map((h) => bytesToHex(h));
      events.push(() => hashes.forEach((h) => this.wake(h)));
    }
  }

  private wake(key: string): void {
    const list = this.receiptWaiters.get(key);
    if (!list) return;
    this.receiptWaiters.delete(key);
    for (const w of list) w();
  }

  private checkSeal(f: Frame, headerRlp: Uint8Array): { header: Header; where: string } {
    let header: Header;
    try {
      header = decodeHeader(headerRlp);
    } catch (err) {
      throw new StreamFatalError(`frame ${f.seq}: seal header does not decode: ${(err as Error).message}`);
    }
    const parent = this.store.head();
    const where = `seq ${f.seq} (block ${header.number})`;
    if (header.number !== this.openNumber) throw new StreamFatalError(`seal at ${where}, but block ${this.openNumber} is open`);
    if (!bytesEqual(header.parentHash, parent.hash))
      throw new StreamFatalError(`seal at ${where}: parent hash ${bytesToHex(header.parentHash)}, but block ${parent.header.number} is ${bytesToHex(parent.hash)}`);
    return { header, where };
  }

  /** Applies the diffs taken since the last flush, merged (one write per account and slot). */
  private flushDiffs(): void {
    if (this.unapplied.length === 0) return;
    this.store.db.apply(this.unapplied.length === 1 ? this.unapplied[0]! : mergeChanges(this.unapplied));
    this.unapplied = [];
  }

  private checkRoot(header: Header, where: string): void {
    this.flushDiffs();
    const root = this.store.db.computeStateRoot();
    if (!bytesEqual(root, header.stateRoot))
      throw new StreamFatalError(
        `STATE ROOT MISMATCH at ${where}: the sequencer's header says ${bytesToHex(header.stateRoot)}, this node computed ${bytesToHex(root)} from the applied diffs; refusing to continue`,
      );
  }

  private seal(f: Frame, headerRlp: Uint8Array, rows: Rows, events: (() => void)[]): void {
    const { header, where } = this.checkSeal(f, headerRlp);
    this.checkRoot(header, where);
    const minis = this.openRows;
    let gasUsed = 0n;
    for (const m of minis) if (m.receipts.length) gasUsed = m.lastCumulativeGas;
    if (gasUsed !== header.gasUsed) throw new StreamFatalError(`gasUsed mismatch at ${where}: the header says ${header.gasUsed}, the receipts sum to ${gasUsed}; refusing to continue`);
    const n = header.number;
    const hash = keccak256(headerRlp);
    const entry = f.entry;
    const first = minis.length ? minis[0]!.seq : f.seq;
    rows.push((batch) => {
      const chain = this.store.chain;
      chain.putTxLocations(batch, minis.length === 1 ? minis[0]!.txHashes : minis.flatMap((m) => m.txHashes), n);
      chain.putMiniBlock(batch, f.seq, entry);
      chain.putHeader(batch, n, headerRlp);
      // Its transactions and receipts stay in the log entries alone (ReplicaStore reads them there).
      chain.putBlockEntries(batch, n, first, f.seq);
      chain.setHeadBlock(batch, n);
    });
    if (this.listeners.length) {
      const b = this.building;
      const block: Block = { header, hash, transactions: b.transactions };
      const receipts = b.receipts;
      this.store.setHead(block, receipts);
      events.push(() => {
        for (const l of this.listeners) l.block(block, receipts);
      });
    } else this.store.setHeadHeader(header, hash);
    this.openBlock({ header, hash });
  }

  private openBlock(parent: { header: Header; hash: Uint8Array }): void {
    this.openNumber = parent.header.number + 1n;
    this.openRows = [];
    this.unrestored = [];
    this.builder = this.newBuilder(parent);
    this.counters.blocks++;
  }

  // ---- Full node: hold the block's mini-blocks, re-execute them at its seal ----

  private takeVerified(f: Frame, rows: Rows, events: (() => void)[]): void {
    let entry;
    try {
      entry = decodeLogEntry(f.entry, lazyTx, logsBloom);
    } catch (err) {
      throw new StreamFatalError(`frame ${f.seq}: log entry does not decode (${(err as Error).message}) although its hash chain is intact`);
    }
    if (entry.kind === "seal") {
      if (entry.seq !== f.seq) throw new StreamFatalError(`frame ${f.seq} carries a seal with seq ${entry.seq}`);
      return this.sealVerified(f, entry.header, rows, events);
    }
    const mini = entry.mini;
    if (mini.seq !== f.seq) throw new StreamFatalError(`frame ${f.seq} carries mini-block seq ${mini.seq}`);
    if (mini.blockNumber !== this.openNumber) throw new StreamFatalError(`frame ${f.seq}: mini-block of block ${mini.blockNumber}, but block ${this.openNumber} is open`);
    mini.transactions.forEach((t, i) => ((t as LazyTx).knownHash = mini.receipts[i]!.transactionHash));
    this.pendingMinis.push({ frame: f, mini, changes: entry.changes });
  }

  private sealVerified(f: Frame, headerRlp: Uint8Array, rows: Rows, events: (() => void)[]): void {
    const { header, where } = this.checkSeal(f, headerRlp);
    const minis = this.pendingMinis;
    this.pendingMinis = [];
    // Re-executed, compared with the stream and left applied: what is stored is this node's own result.
    const { receipts } = this.verifier!.verify(this.store.head(), minis, header, headerRlp, f.seq);
    this.checkRoot(header, where);
    const n = header.number;
    const hash = keccak256(headerRlp);
    const b = this.builder;
    minis.forEach((m, k) => {
      m.mini.receipts = receipts[k]!;
      m.mini.transactions.forEach((t, i) => b.restore(t, m.mini.receipts[i]!));
      const entry = m.frame.entry;
      rows.push((batch) => this.store.chain.putMiniBlock(batch, m.frame.seq, entry));
      this.counters.txs += m.mini.transactions.length;
      events.push(() => {
        for (const l of this.listeners) l.miniBlock(m.mini);
        for (const r of m.mini.receipts) this.wake(bytesToHex(r.transactionHash));
      });
    });
    const block: Block = { header, hash, transactions: b.transactions };
    const blockReceipts = b.receipts;
    const entry = f.entry;
    rows.push((batch) => {
      const chain = this.store.chain;
      chain.putMiniBlock(batch, f.seq, entry);
      chain.putHeader(batch, n, headerRlp);
      chain.putBody(batch, n, block.transactions.map((t) => encodeBodyEntry(t.from, t.raw)));
      chain.putReceipts(batch, n, blockReceipts.map(encodeReceipt));
      blockReceipts.forEach((r, i) => chain.putTxLocation(batch, r.transactionHash, n, i));
      chain.setHeadBlock(batch, n);
    });
    this.store.setHead(block, blockReceipts);
    events.push(() => {
      for (const l of this.listeners) l.block(block, blockReceipts);
    });
    this.openBlock({ header, hash });
  }
}
