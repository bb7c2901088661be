// The sequencer as a JSON-RPC node (NodeApi): reads from the store and the block being built,
// writes through the sequencer. State queries see the newest state: everything committed in
// mini-blocks, sealed or not (the real-time view MegaETH-style sequencers give).
import { ExecStatus, INVALID_MESSAGES, type TxInput } from "../exec/abi";
import type { Block, BlockTag, IncludedTx, Receipt } from "../chain/types";
import { bloomMatches } from "../chain/bloom";
import { bytesEqual, bytesToHex } from "../crypto/index";
import type {
  CallRequest,
  FeeHistory,
  LogFilter,
  LogWithPosition,
  NodeApi,
  ReceiptWithBlock,
  TxLocation,
  Unsubscribe,
} from "../rpc/node-api";
import { ExecutionRevertedError } from "../rpc/rpc-errors";
import { SequencerError } from "./errors";
import type { Sequencer } from "./sequencer";

const ZERO_HASH = new Uint8Array(32);
const ZERO_ADDRESS = new Uint8Array(20);
const MAX_LOG_RANGE = 10_000n;
const SUGGESTED_TIP = 1_000_000_000n;

/**
 * What the node reads from: the sequencer. A follower (src/replica/node.ts) passes an adapter
 * without a pool, so the pooled-transaction lookup is optional.
 */
export type NodeSource = Omit<Sequencer, "pooledTx"> & Partial<Pick<Sequencer, "pooledTx">>;

export class SequencerNode implements NodeApi {
  constructor(
    private readonly seq: NodeSource,
    private readonly version: string,
    /** eth_call / eth_estimateGas gas cap. */
    private readonly callGasCap = 50_000_000n,
  ) {}

  private get store() {
    return this.seq.store;
  }

  chainId(): bigint {
    return this.seq.common.chainId();
  }
  clientVersion(): string {
    return this.version;
  }
  blockNumber(): bigint {
    return this.store.head().header.number;
  }

  /** Only the newest state is kept: older block numbers are refused, as a pruned geth would. */
  private checkStateTag(tag: BlockTag): void {
    if (typeof tag === "string") return;
    const head = this.store.head().header.number;
    const n = typeof tag === "bigint" ? tag : this.store.blockNumberByHash(tag.hash);
    if (n === null) throw new SequencerError(`header for hash ${bytesToHex((tag as { hash: Uint8Array }).hash)} not found`);
    if (n > head + 1n) throw new SequencerError(`header not found: block ${n} is beyond the head ${head}`);
    if (n < head) throw new SequencerError(`historical state not available: block ${n}; this node serves the state at the head (${head}) only`);
  }

  getBalance(address: Uint8Array, tag: BlockTag): bigint {
    this.checkStateTag(tag);
    return this.store.state.balance(address);
  }
  getTransactionCount(address: Uint8Array, tag: BlockTag): bigint {
    this.checkStateTag(tag);
    const nonce = this.store.state.nonce(address);
    if (tag !== "pending") return nonce;
    const pooled = this.seq.pool.pendingNonce(address);
    return pooled > nonce ? pooled : nonce;
  }
  getCode(address: Uint8Array, tag: BlockTag): Uint8Array {
    this.checkStateTag(tag);
    return this.store.state.code(address);
  }
  getStorageAt(address: Uint8Array, slot: Uint8Array, tag: BlockTag): Uint8Array {
    this.checkStateTag(tag);
    return this.store.state.storageAt(address, slot);
  }

  private callInput(req: CallRequest, gas: bigint): TxInput {
    const dynamic = req.maxFeePerGas !== undefined || req.maxPriorityFeePerGas !== undefined;
    return {
      type: dynamic ? 2 : req.accessList ? 1 : 0,
      sender: req.from ?? ZERO_ADDRESS,
      to: req.to ?? null,
      nonce: this.store.state.nonce(req.from ?? ZERO_ADDRESS),
      gasLimit: gas,
      value: req.value ?? 0n,
      gasPrice: req.gasPrice ?? 0n,
      maxFeePerGas: req.maxFeePerGas ?? 0n,
      maxPriorityFeePerGas: req.maxPriorityFeePerGas ?? 0n,
      maxFeePerBlobGas: 0n,
      data: req.data ?? new Uint8Array(0),
      accessList: req.accessList ?? [],
      blobVersionedHashes: [],
      noValidation: true,
    };
  }

  private run(req: CallRequest, gas: bigint) {
    const env = { ...this.seq.building.env, gasLimit: gas > this.seq.building.env.gasLimit ? gas : this.seq.building.env.gasLimit };
    const r = this.seq.core.execute(env, this.callInput(req, gas), this.store.state);
    if (r.status === ExecStatus.Invalid) throw new SequencerError(INVALID_MESSAGES[r.invalidReason]);
    return r;
  }

  call(req: CallRequest, tag: BlockTag): Uint8Array {
    this.checkStateTag(tag);
    const r = this.run(req, req.gas ?? this.callGasCap);
    if (r.status === ExecStatus.Revert) throw new ExecutionRevertedError(r.returnData);
    if (r.status === ExecStatus.Failure) throw new SequencerError("execution failed: out of gas or invalid operation");
    return r.returnData;
  }

  /** Binary search for the least gas that succeeds, starting from what one run at the cap used. */
  estimateGas(req: CallRequest, tag: BlockTag): bigint {
    this.checkStateTag(tag);
    const cap = req.gas ?? this.callGasCap;
    const first = this.run(req, cap);
    if (first.status === ExecStatus.Revert) throw new ExecutionRevertedError(first.returnData);
    if (first.status !== ExecStatus.Success) throw new SequencerError(`gas required exceeds allowance (${cap})`);
    let lo = first.gasUsed - 1n;
    let hi = cap;
    // Most transactions succeed with what they used plus refund headroom; try that first.
    const guess = ((first.gasUsed + first.gasRefunded) * 64n) / 63n;
    if (guess < hi && this.run(req, guess).status === ExecStatus.Success) hi = guess;
    while (hi - lo > 1n) {
      const mid = (lo + hi) / 2n;
      if (this.run(req, mid).status === ExecStatus.Success) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  gasPrice(): bigint {
    return this.seq.building.baseFee + SUGGESTED_TIP;
  }
  maxPriorityFeePerGas(): bigint {
    return SUGGESTED_TIP;
  }

  feeHistory(blockCount: number, newest: BlockTag, percentiles: number[] | undefined): FeeHistory {
    const head = this.store.head().header.number;
    const last = this.resolveNumber(newest) ?? head;
    const newestSealed = last > head ? head : last;
    const count = BigInt(Math.max(1, Math.min(blockCount, 1024)));
    const oldest = newestSealed - count + 1n < 0n ? 0n : newestSealed - count + 1n;
    const out: FeeHistory = { oldestBlock: oldest, baseFeePerGas: [], gasUsedRatio: [], baseFeePerBlobGas: [], blobGasUsedRatio: [] };
    if (percentiles) out.reward = [];
    for (let n = oldest; n <= newestSealed; n++) {
      const block = this.store.blockByNumber(n)!;
      const h = block.header;
      out.baseFeePerGas.push(h.baseFeePerGas);
      out.gasUsedRatio.push(Number(h.gasUsed) / Number(h.gasLimit));
      out.baseFeePerBlobGas.push(1n);
      out.blobGasUsedRatio.push(0);
      if (percentiles) out.reward!.push(rewards(block, this.store.receipts(n), percentiles));
    }
    out.baseFeePerGas.push(newestSealed === head ? this.seq.building.baseFee : this.store.blockByNumber(newestSealed + 1n)!.header.baseFeePerGas);
    out.baseFeePerBlobGas.push(1n);
    return out;
  }

  async sendRawTransaction(raw: Uint8Array): Promise<Uint8Array> {
    return (await this.seq.submit(raw)).hash;
  }

  async sendRawTransactionSync(raw: Uint8Array, timeoutMs: number): Promise<ReceiptWithBlock> {
    return this.withBlockHash(await this.seq.submitAndWait(raw, timeoutMs));
  }

  /** Receipts of the block being built carry a zero block hash until it is sealed. */
  private withBlockHash(r: Receipt): ReceiptWithBlock {
    const b = this.blockHashOf(r.blockNumber);
    return { ...r, blockHash: b };
  }

  private blockHashOf(n: bigint): Uint8Array {
    if (n === this.seq.building.number) return ZERO_HASH;
    return this.store.blockByNumber(n)?.hash ?? ZERO_HASH;
  }

  /**
   * Sealed, in the open block (zero block hash), or pending (null position): still in the pool,
   * or executed into a mini-block whose commit is not durable yet, so it never vanishes between the two.
   */
  getTransactionByHash(hash: Uint8Array): TxLocation | null {
    const b = this.seq.building;
    const i = b.indexByHash.get(bytesToHex(hash));
    if (i !== undefined) {
      const tx = b.transactions[i]!;
      return i < b.durableCount ? { tx, blockNumber: b.number, blockHash: ZERO_HASH, index: i } : pendingLocation(tx);
    }
    const loc = this.sealedLocation(hash);
    if (loc) {
      const block = this.store.blockByNumber(loc.blockNumber)!;
      return { tx: block.transactions[loc.index]!, blockNumber: loc.blockNumber, blockHash: block.hash, index: loc.index };
    }
    const pooled = this.seq.pooledTx?.(hash);
    return pooled ? pendingLocation(pooled) : null;
  }

  getTransactionReceipt(hash: Uint8Array): ReceiptWithBlock | null {
    const b = this.seq.building;
    const i = b.indexByHash.get(bytesToHex(hash));
    if (i !== undefined && i < b.durableCount) return { ...b.receipts[i]!, blockHash: ZERO_HASH };
    const loc = this.sealedLocation(hash);
    if (!loc) return null;
    return this.withBlockHash(this.store.receipts(loc.blockNumber)[loc.index]!);
  }

  /** The index also covers the block being built; those are answered from memory (durable ones only). */
  private sealedLocation(hash: Uint8Array) {
    const loc = this.store.txLocation(hash);
    return loc && loc.blockNumber < this.seq.building.number ? loc : null;
  }

  private resolveNumber(tag: BlockTag): bigint | null {
    const head = this.store.head().header.number;
    if (tag === "pending") return head + 1n;
    if (tag === "latest" || tag === "safe" || tag === "finalized") return head;
    if (tag === "earliest") return 0n;
    if (typeof tag === "bigint") return tag;
    return this.store.blockNumberByHash(tag.hash);
  }

  /** The block being built, as a block: zero state root and hash until sealed (eth_getBlockByNumber shows the hash as null). */
  private pendingBlock(): Block {
    const b = this.seq.building;
    return { header: b.header(ZERO_HASH), hash: ZERO_HASH, transactions: b.transactions };
  }

  getBlock(tag: BlockTag): Block | null {
    const n = this.resolveNumber(tag);
    if (n === null) return null;
    if (n === this.seq.building.number) return tag === "pending" ? this.pendingBlock() : null;
    return this.store.blockByNumber(n);
  }

  getLogs(filter: LogFilter): LogWithPosition[] {
    let from: bigint, to: bigint;
    if (filter.blockHash) {
      const n = this.store.blockNumberByHash(filter.blockHash);
      if (n === null) throw new SequencerError(`unknown block ${bytesToHex(filter.blockHash)}`);
      from = to = n;
    } else {
      from = this.resolveNumber(filter.fromBlock ?? "latest") ?? 0n;
      to = this.resolveNumber(filter.toBlock ?? "latest") ?? 0n;
      const pendingNumber = this.seq.building.number;
      if (to > pendingNumber) to = pendingNumber;
      if (from > to) return [];
      if (to - from > MAX_LOG_RANGE) throw new SequencerError(`block range too large: ${to - from + 1n} blocks, the limit is ${MAX_LOG_RANGE}`);
    }
    const out: LogWithPosition[] = [];
    for (let n = from; n <= to; n++) {
      const pending = n === this.seq.building.number;
      const block = pending ? null : this.store.blockByNumber(n);
      if (!pending && (!block || !bloomMatches(block.header.logsBloom, filter))) continue;
      const receipts = pending ? this.seq.building.receipts.slice(0, this.seq.building.durableCount) : this.store.receipts(n);
      out.push(...matchingLogs(receipts, pending ? ZERO_HASH : block!.hash, filter));
    }
    return out;
  }

  onNewHead(cb: (block: Block) => void): Unsubscribe {
    return this.seq.on({ block: (b) => cb(b), miniBlock: () => {} });
  }

  onLogs(cb: (logs: LogWithPosition[]) => void): Unsubscribe {
    return this.seq.on({
      block: () => {},
      miniBlock: (mini) => {
        const logs = matchingLogs(mini.receipts, ZERO_HASH, {});
        if (logs.length) cb(logs);
      },
    });
  }

  onMiniBlock(
    cb: (mini: { seq: bigint; blockNumber: bigint; timestamp: number; transactions: Uint8Array[]; receipts: ReceiptWithBlock[] }) => void,
  ): Unsubscribe {
    return this.seq.on({
      block: () => {},
      miniBlock: (m) =>
        cb({
          seq: m.seq,
          blockNumber: m.blockNumber,
          timestamp: m.timestamp,
          transactions: m.transactions.map((t) => t.hash),
          receipts: m.receipts.map((r) => ({ ...r, blockHash: ZERO_HASH })),
        }),
    });
  }
}

function pendingLocation(tx: IncludedTx): TxLocation {
  return { tx, blockNumber: null, blockHash: null, index: null };
}

function matchingLogs(receipts: Receipt[], blockHash: Uint8Array, f: LogFilter): LogWithPosition[] {
  const out: LogWithPosition[] = [];
  for (const r of receipts) {
    r.logs.forEach((log, i) => {
      if (f.address?.length && !f.address.some((a) => bytesEqual(a, log.address))) return;
      if (f.topics) {
        for (let t = 0; t < f.topics.length; t++) {
          const want = f.topics[t];
          if (!want || want.length === 0) continue;
          const have = log.topics[t];
          if (!have || !want.some((w) => bytesEqual(w, have))) return;
        }
      }
      out.push({
        ...log,
        blockNumber: r.blockNumber,
        blockHash,
        transactionHash: r.transactionHash,
        transactionIndex: r.transactionIndex,
        logIndex: r.logIndexStart + i,
        removed: false,
      });
    });
  }
  return out;
}

/** eth_feeHistory rewards: effective tips at gas-weighted percentiles of a block. */
function rewards(block: Block, receipts: Receipt[], percentiles: number[]): bigint[] {
  if (receipts.length === 0) return percentiles.map(() => 0n);
  const base = block.header.baseFeePerGas;
  const items = receipts.map((r) => ({ tip: r.effectiveGasPrice - base, gas: r.gasUsed })).sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0));
  const total = Number(block.header.gasUsed);
  return percentiles.map((p) => {
    const threshold = (total * p) / 100;
    let acc = 0;
    for (const it of items) {
      acc += Number(it.gas);
      if (acc >= threshold) return it.tip;
    }
    return items[items.length - 1]!.tip;
  });
}
