// Applies verified stream frames to a follower's store. A replica trusts the sequencer's state
// diffs (checked against the header's state root at every seal); a full node trusts nothing and
// hands each block to a BlockVerifier that re-executes it first (src/fullnode). Frames are
// applied in order; each batch of whole frames is one atomic LMDB commit together with its
// chain rows, so a crash leaves the store at a frame boundary and the stream resumes after it.
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
import type { Frame } from "../stream/format";
import { LazyTx } from "./lazy-tx";
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

const MAX_COMMITS_IN_FLIGHT = 3;
const nowSeconds = () => BigInt(Math.floor(Date.now() / 1000));

export class Follower {
  building: BlockBuilder;
  /** Last frame whose commit is durable. */
  durableSeq: bigint;
  /** Called when more frames became durable (to serve them onward, to report catch-up). */
  readonly durableListeners: (() => void)[] = [];
  readonly counters = { frames: 0, txs: 0, blocks: 0, commits: 0, applyNs: 0 };
  private readonly listeners: SequencerEvents[] = [];
  private readonly inFlight: Promise<unknown>[] = [];
  private readonly receiptWaiters = new Map<string, (() => void)[]>();
  /** Full node: the open block's mini-blocks, waiting for its seal. */
  private pendingMinis: StreamedMini[] = [];
  private failed: Error | null = null;
  /** Last frame taken, when newer than the store's stream head. */
  private tip: { seq: bigint; hash: Uint8Array } | null = null;

  constructor(
    readonly store: ReplicaStore,
    readonly core: EvmCore,
    private readonly log: Logger,
    private readonly verifier: BlockVerifier | null = null,
  ) {
    this.durableSeq = store.streamHead.seq;
    this.building = this.newBuilder(store.head());
    for (const mini of store.unsealedMiniBlocks()) mini.transactions.forEach((tx, i) => this.building.restore(tx, mini.receipts[i]!));
  }

  get common(): Common {
    return this.store.genesis.common;
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

  /** Applies consecutive verified frames; resolves once their commit is issued (bounded pipelining). */
  async apply(frames: Frame[]): Promise<void> {
    if (this.failed) throw this.failed;
    const t0 = Bun.nanoseconds();
    const rows: ((b: WriteBatch) => void)[] = [];
    const events: (() => void)[] = [];
    let last: Frame | null = null;
    try {
      for (const f of frames) {
        let entry;
        try {
          entry = decodeLogEntry(f.entry, (from, raw) => new LazyTx(from, raw), logsBloom);
        } catch (err) {
          throw new StreamFatalError(`frame ${f.seq}: log entry does not decode (${(err as Error).message}) although its hash chain is intact`);
        }
        if (entry.kind === "mini") {
          const mini = entry.mini;
          if (mini.seq !== f.seq) throw new StreamFatalError(`frame ${f.seq} carries mini-block seq ${mini.seq}`);
          if (mini.blockNumber !== this.building.number)
            throw new StreamFatalError(`frame ${f.seq}: mini-block of block ${mini.blockNumber}, but block ${this.building.number} is open`);
          mini.transactions.forEach((t, i) => ((t as LazyTx).knownHash = mini.receipts[i]!.transactionHash));
          if (this.verifier) {
            this.pendingMinis.push({ frame: f, mini, changes: entry.changes });
          } else {
            this.store.db.apply(entry.changes);
            this.addMini(f, mini, rows, events);
          }
        } else {
          if (entry.seq !== f.seq) throw new StreamFatalError(`frame ${f.seq} carries a seal with seq ${entry.seq}`);
          this.seal(f, entry.header, rows, events);
        }
        last = f;
        this.tip = { seq: f.seq, hash: f.hash };
        this.counters.frames++;
      }
    } catch (err) {
      this.failed = err as Error;
      throw err;
    }
    this.counters.applyNs += Bun.nanoseconds() - t0;
    if (rows.length === 0 || last === null) return; // a full node holding an open block
    const seq = last.seq;
    const hash = last.hash;
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
    while (this.inFlight.length >= MAX_COMMITS_IN_FLIGHT) await this.inFlight[0];
  }

  /** Waits for every issued commit. */
  async settled(): Promise<void> {
    while (this.inFlight.length) await Promise.allSettled([...this.inFlight]);
  }

  private addMini(f: Frame, mini: MiniBlock, rows: ((b: WriteBatch) => void)[], events: (() => void)[]): void {
    mini.transactions.forEach((tx, i) => this.building.restore(tx, mini.receipts[i]!));
    const entry = f.entry;
    rows.push((b) => this.store.chain.putMiniBlock(b, mini.seq, entry));
    this.counters.txs += mini.transactions.length;
    events.push(() => {
      for (const l of this.listeners) l.miniBlock(mini);
      for (const r of mini.receipts) {
        const key = bytesToHex(r.transactionHash);
        const list = this.receiptWaiters.get(key);
        if (!list) continue;
        this.receiptWaiters.delete(key);
        for (const w of list) w();
      }
    });
  }

  private seal(f: Frame, headerRlp: Uint8Array, rows: ((b: WriteBatch) => void)[], events: (() => void)[]): void {
    let header: Header;
    try {
      header = decodeHeader(headerRlp);
    } catch (err) {
      throw new StreamFatalError(`frame ${f.seq}: seal header does not decode: ${(err as Error).message}`);
    }
    const parent = this.store.head();
    const n = header.number;
    const where = `seq ${f.seq} (block ${n})`;
    if (n !== this.building.number) throw new StreamFatalError(`seal at ${where}, but block ${this.building.number} is open`);
    if (!bytesEqual(header.parentHash, parent.hash))
      throw new StreamFatalError(`seal at ${where}: parent hash ${bytesToHex(header.parentHash)}, but block ${parent.header.number} is ${bytesToHex(parent.hash)}`);

    if (this.verifier) {
      const minis = this.pendingMinis;
      this.pendingMinis = [];
      const { changes, receipts } = this.verifier.verify(parent, minis, header, headerRlp, f.seq);
      // Verified against the stream and already applied; what is stored is this node's own result.
      void changes;
      minis.forEach((m, i) => {
        m.mini.receipts = receipts[i]!;
        this.addMini(m.frame, m.mini, rows, events);
      });
    }

    const root = this.store.db.computeStateRoot();
    if (!bytesEqual(root, header.stateRoot))
      throw new StreamFatalError(
        `STATE ROOT MISMATCH at ${where}: the sequencer's header says ${bytesToHex(header.stateRoot)}, this node computed ${bytesToHex(root)} from the applied diffs; refusing to continue`,
      );
    const b = this.building;
    const mine = b.header(root);
    for (const field of ["transactionsRoot", "receiptsRoot", "logsBloom"] as const)
      if (!bytesEqual(mine[field], header[field]))
        throw new StreamFatalError(`${field} mismatch at ${where}: header ${bytesToHex(header[field])}, computed ${bytesToHex(mine[field])}; refusing to continue`);
    if (mine.gasUsed !== header.gasUsed) throw new StreamFatalError(`gasUsed mismatch at ${where}: header ${header.gasUsed}, receipts sum to ${mine.gasUsed}`);

    const hash = keccak256(headerRlp);
    const block: Block = { header, hash, transactions: b.transactions };
    const receipts = b.receipts;
    const entry = f.entry;
    rows.push((batch) => {
      const chain = this.store.chain;
      chain.putMiniBlock(batch, f.seq, entry);
      chain.putHeader(batch, n, headerRlp);
      chain.putBody(batch, n, block.transactions.map((t) => encodeBodyEntry(t.from, t.raw)));
      chain.putReceipts(batch, n, receipts.map(encodeReceipt));
      receipts.forEach((r, i) => chain.putTxLocation(batch, r.transactionHash, n, i));
      chain.setHeadBlock(batch, n);
    });
    this.store.setHead(block, receipts);
    this.building = this.newBuilder({ header, hash });
    this.counters.blocks++;
    events.push(() => {
      for (const l of this.listeners) l.block(block, receipts);
    });
  }
}
