// The sequencer: takes signed transactions, orders them through the pool, executes them on the
// core every --mini-block-ms, commits each mini-block atomically, and seals an EVM block every
// --block-ms. Serial execution; the parallel executor plugs in behind BatchExecutor.
import type { Common } from "@ethereumjs/common";
import { ExecStatus, INVALID_MESSAGES, InvalidReason, type AccountChange } from "../exec/abi";
import type { EvmCore } from "../exec/core";
import type { BatchExecutor } from "../parallel/index";
import type { Block, IncludedTx, MiniBlock, Receipt } from "../chain/types";
import { bytesToHex } from "../crypto/index";
import { decodeSignedTx, TxDecodeError } from "../tx/index";
import type { TxPool } from "../txpool/index";
import type { Logger } from "../log/logger";
import { mergeChanges } from "../chain/merge-changes";
import { BlockBuilder } from "./block-builder";
import { ReceiptTimeoutError, SequencerError, TxDroppedError } from "./errors";
import type { RecoveryBatcher } from "./intake";
import { coreInput, includedTx, type PendingTx, pendingTx } from "./pending-tx";
import type { SequencerStore } from "./store";

export interface SequencerConfig {
  miniBlockMs: number;
  blockMs: number;
  blockGasLimit: bigint;
  coinbase: Uint8Array;
  /** Upper bound of transactions per mini-block, so one mini-block cannot stall the loop. */
  maxTxsPerMiniBlock: number;
}

/** What subscribers hear about. */
export interface SequencerEvents {
  miniBlock(mini: MiniBlock): void;
  block(block: Block, receipts: Receipt[]): void;
}

interface ReceiptWaiter {
  resolve: (r: Receipt) => void;
  reject: (e: Error) => void;
}

/** Time spent per stage, for the benchmark's breakdown. */
export interface StageTimes {
  decodeNs: number;
  recoverNs: number;
  poolNs: number;
  executeNs: number;
  commitNs: number;
  sealNs: number;
}

export class Sequencer {
  building: BlockBuilder;
  readonly times: StageTimes = { decodeNs: 0, recoverNs: 0, poolNs: 0, executeNs: 0, commitNs: 0, sealNs: 0 };
  private readonly waiters = new Map<string, ReceiptWaiter[]>();
  private readonly listeners: SequencerEvents[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private blockDeadline = 0;
  private miniIndex = 0;
  private stopped = false;
  private readonly inFlight: Promise<void>[] = [];
  /** More commits than this in flight means the disk is behind: wait rather than pile up memory. */
  private static readonly MAX_IN_FLIGHT = 8;

  constructor(
    readonly store: SequencerStore,
    readonly core: EvmCore,
    private readonly executor: BatchExecutor,
    readonly pool: TxPool,
    private readonly recovery: RecoveryBatcher,
    readonly common: Common,
    readonly config: SequencerConfig,
    private readonly log: Logger,
  ) {
    const head = store.head();
    // Resume the block that was being built, with the timestamp its mini-blocks ran under:
    // they are durable and their state applied.
    const unsealed = store.unsealedMiniBlocks();
    this.building = new BlockBuilder(head.header, head.hash, this.params(), common, unsealed[0]?.blockTimestamp ?? nowSeconds());
    for (const mini of unsealed) {
      mini.transactions.forEach((tx, i) => this.building.restore(tx, mini.receipts[i]!));
      this.miniIndex = mini.index + 1;
    }
    pool.onBaseFee(this.building.baseFee);
    this.readmitJournaled();
  }

  on(listener: SequencerEvents): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  start(): void {
    this.blockDeadline = Date.now() + this.config.blockMs;
    this.schedule(0);
    this.log.info("sequencer started", {
      block: this.building.number.toString(),
      miniBlockMs: this.config.miniBlockMs,
      blockMs: this.config.blockMs,
      gasLimit: this.config.blockGasLimit.toString(),
    });
  }

  /** Stops producing; what was committed stays committed (unsealed mini-blocks resume on restart). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.settled();
  }

  /** Resolves once every mini-block produced so far is durable. */
  async settled(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  /** eth_sendRawTransaction: decode, recover, admit to the pool. Resolves with the hash. */
  async submit(raw: Uint8Array): Promise<PendingTx> {
    let t0 = Bun.nanoseconds();
    let signed;
    try {
      signed = decodeSignedTx(raw);
    } catch (err) {
      // geth answers undecodable raw transactions with its generic -32000 (errcodeDefault).
      if (err instanceof TxDecodeError) throw new SequencerError(`invalid transaction: ${err.message}`, -32000);
      throw err;
    }
    const t1 = Bun.nanoseconds();
    this.times.decodeNs += t1 - t0;
    const sender = await this.recovery.recover(signed);
    const t2 = Bun.nanoseconds();
    this.times.recoverNs += t2 - t1;
    const p = pendingTx(signed, sender, Date.now());
    this.admit(p);
    this.times.poolNs += Bun.nanoseconds() - t2;
    // Acknowledged only once journaled: an accepted transaction survives a crash.
    await this.store.journal(p.hash, sender, raw);
    return p;
  }

  private admit(p: PendingTx): void {
    const r = this.pool.add(p);
    if (r.replaced) this.store.unjournal(r.replaced.hash);
    for (const e of r.evicted) this.store.unjournal(e.hash);
  }

  /** Re-admits journaled transactions after a restart; those no longer valid are forgotten. */
  private readmitJournaled(): void {
    let n = 0;
    for (const { from, raw } of this.store.journaled()) {
      const signed = decodeSignedTx(raw);
      try {
        this.admit(pendingTx(signed, from.slice(), Date.now()));
        n++;
      } catch {
        this.store.unjournal(signed.hash);
      }
    }
    if (n) this.log.info("re-admitted journaled transactions", { count: n });
  }

  /** A transaction accepted into the pool and not yet executed, as a block would hold it. */
  pooledTx(hash: Uint8Array): IncludedTx | null {
    // Everything this sequencer admits is a PendingTx (see submit and readmitJournaled).
    const p = this.pool.get(hash) as PendingTx | undefined;
    return p ? includedTx(p.signed, p.sender) : null;
  }

  /** EIP-7966: resolves with the receipt once the transaction is in a committed mini-block. */
  async submitAndWait(raw: Uint8Array, timeoutMs: number): Promise<Receipt> {
    const p = await this.submit(raw);
    const key = bytesToHex(p.hash);
    return new Promise<Receipt>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.dropWaiter(key, waiter);
        reject(new ReceiptTimeoutError(`transaction ${key} was accepted but no receipt arrived within ${timeoutMs} ms`, 4, key));
      }, timeoutMs);
      const waiter: ReceiptWaiter = {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      const list = this.waiters.get(key);
      if (list) list.push(waiter);
      else this.waiters.set(key, [waiter]);
    });
  }

  private dropWaiter(key: string, w: ReceiptWaiter): void {
    const list = this.waiters.get(key);
    if (!list) return;
    list.splice(list.indexOf(w), 1);
    if (!list.length) this.waiters.delete(key);
  }

  private params() {
    return { gasLimit: this.config.blockGasLimit, coinbase: this.config.coinbase };
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.running = this.tick()
        .catch((err) => this.log.error("sequencer tick failed", { error: String(err?.stack ?? err) }))
        .finally(() => this.schedule(Math.max(0, this.config.miniBlockMs - (Date.now() - started))));
    }, delay);
  }

  private async tick(): Promise<void> {
    while (this.inFlight.length >= Sequencer.MAX_IN_FLIGHT) await this.inFlight[0];
    if (this.stopped) return;
    await this.produceMiniBlock();
    if (Date.now() >= this.blockDeadline) {
      await this.seal();
      this.blockDeadline += this.config.blockMs;
      if (this.blockDeadline < Date.now()) this.blockDeadline = Date.now() + this.config.blockMs;
    }
  }

  /** Executes what the pool offers against the latest state and commits it as one mini-block. */
  async produceMiniBlock(): Promise<MiniBlock | null> {
    const b = this.building;
    const batch = this.pool.next(b.gasLeft(), b.baseFee, this.config.maxTxsPerMiniBlock) as PendingTx[];
    if (batch.length === 0) return null;
    const t0 = Bun.nanoseconds();
    const mini: MiniBlock = {
      seq: this.store.nextMiniBlockSeq(),
      blockNumber: b.number,
      index: this.miniIndex,
      timestamp: Date.now(),
      blockTimestamp: b.timestamp,
      transactions: [],
      receipts: [],
    };
    const changes: AccountChange[] = [];
    // The executor applies each valid transaction's changes to the state, in order.
    const results = await this.executor.execute(b.env, batch.map(coreInput), this.store.state);
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      const result = results[i]!;
      if (result.status === ExecStatus.Invalid) {
        // The pool admitted it, but state moved on (e.g. the sender spent its balance).
        if (result.invalidReason !== InvalidReason.NonceTooHigh) {
          this.pool.remove(p.hash);
          this.store.unjournal(p.hash);
          this.failWaiters(p.hash, new TxDroppedError(INVALID_MESSAGES[result.invalidReason]));
          this.log.warn("dropped transaction", { hash: bytesToHex(p.hash), reason: INVALID_MESSAGES[result.invalidReason] });
        }
        continue;
      }
      for (const c of result.accounts) changes.push(c);
      const tx = includedTx(p.signed, p.sender);
      mini.transactions.push(tx);
      mini.receipts.push(b.add(tx, result));
      this.pool.onCommitted(p.sender, p.nonce + 1n);
    }
    const t1 = Bun.nanoseconds();
    this.times.executeNs += t1 - t0;
    if (mini.transactions.length === 0) return null;
    // Commits are pipelined: the next mini-block executes on a fresh overlay while this one is
    // written. Receipts and events go out only once it is durable, and commits land in order.
    // The log keeps each account's net change per mini-block: a hot account (coinbase, a pool)
    // appears once, not once per transaction.
    const durable = this.store.commitMiniBlock(mini, mergeChanges([changes]));
    this.times.commitNs += Bun.nanoseconds() - t1;
    this.miniIndex++;
    const included = b.transactions.length;
    this.track(
      durable.then(() => {
        b.durableCount = included;
        mini.receipts.forEach((r) => this.resolveWaiters(r));
        for (const l of this.listeners) l.miniBlock(mini);
      }),
    );
    return mini;
  }

  /** Bounds how many commits may be in flight, and stops the sequencer if one fails. */
  private track(p: Promise<void>): void {
    const tracked = p.catch((err) => {
      this.log.error("commit failed; the sequencer stops (restart resumes from the last durable mini-block)", {
        error: String(err?.stack ?? err),
      });
      this.stopped = true;
    });
    this.inFlight.push(tracked);
    void tracked.finally(() => this.inFlight.splice(this.inFlight.indexOf(tracked), 1));
  }

  /** Closes the current block: state root, roots of transactions and receipts, header, hash. */
  async seal(): Promise<Block> {
    const t0 = Bun.nanoseconds();
    const b = this.building;
    const block = b.seal(this.store.stateRoot());
    // Awaited (once per block): a block hash is served only once it can survive a crash.
    await this.store.sealBlock(block, b.receipts);
    this.times.sealNs += Bun.nanoseconds() - t0;
    this.building = new BlockBuilder(block.header, block.hash, this.params(), this.common, nowSeconds());
    this.miniIndex = 0;
    this.pool.onBaseFee(this.building.baseFee);
    this.log.debug("sealed block", {
      number: block.header.number.toString(),
      hash: bytesToHex(block.hash),
      txs: block.transactions.length,
      gasUsed: block.header.gasUsed.toString(),
    });
    for (const l of this.listeners) l.block(block, b.receipts);
    return block;
  }

  private resolveWaiters(r: Receipt): void {
    const key = bytesToHex(r.transactionHash);
    const list = this.waiters.get(key);
    if (!list) return;
    this.waiters.delete(key);
    for (const w of list) w.resolve(r);
  }

  private failWaiters(hash: Uint8Array, err: Error): void {
    const key = bytesToHex(hash);
    const list = this.waiters.get(key);
    if (!list) return;
    this.waiters.delete(key);
    for (const w of list) w.reject(err);
  }
}

function nowSeconds(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}
