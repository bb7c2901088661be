// An in-memory NodeApi for the RPC tests: a tiny chain that mines on demand, records the
// decoded arguments it was called with, and emits head, log and mini-block events.
import type { Block, BlockTag, Header, IncludedTx, Log } from "../../src/chain/types";
import { bytesEqual, bytesToHex, keccak256 } from "../../src/crypto";
import { encode } from "../../src/rlp";
import { headerHash } from "../../src/chain/header";
import type {
  CallRequest,
  FeeHistory,
  LogFilter,
  LogWithPosition,
  NodeApi,
  ReceiptWithBlock,
  TxLocation,
  Unsubscribe,
} from "../../src/rpc/node-api";
import { decodeSignedTx } from "../../src/tx";
import { NobleRecovery } from "../../src/tx/recovery/noble-recovery";

export const FAKE_CHAIN_ID = 901n;
export const FAKE_BASE_FEE = 1_000_000_000n;
const EMPTY_OMMERS = keccak256(encode([]));
const ZERO32 = new Uint8Array(32);

/** A node-side rejection as the pool raises it: JSON-RPC code on the error. */
export class FakePoolError extends Error {
  readonly code = -32000;
  constructor(message: string, readonly data?: unknown) {
    super(message);
  }
}

type MiniBlockEvent = Parameters<Parameters<NodeApi["onMiniBlock"]>[0]>[0];

/** What a mined transaction should produce. */
export interface MinedEntry {
  tx: IncludedTx;
  logs?: Log[];
  status?: 0 | 1;
  gasUsed?: bigint;
  contractAddress?: Uint8Array | null;
}

const recovery = new NobleRecovery();

/** Decodes and recovers a raw signed transaction into what a block holds. */
export function includedTxFromRaw(raw: Uint8Array): IncludedTx {
  const signed = decodeSignedTx(raw);
  const from = recovery.recover([signed])[0];
  if (!from) throw new FakePoolError("invalid sender");
  const v =
    signed.type !== 0 ? BigInt(signed.yParity) : signed.chainId === null ? 27n + BigInt(signed.yParity) : signed.chainId * 2n + 35n + BigInt(signed.yParity);
  return {
    raw: signed.raw,
    hash: signed.hash,
    from,
    type: signed.type,
    chainId: signed.chainId,
    nonce: signed.nonce,
    gasPrice: signed.gasPrice ?? signed.maxFeePerGas,
    maxFeePerGas: signed.maxFeePerGas,
    maxPriorityFeePerGas: signed.maxPriorityFeePerGas,
    gasLimit: signed.gasLimit,
    to: signed.to,
    value: signed.value,
    data: signed.data,
    accessList: signed.accessList,
    yParity: signed.yParity,
    v,
    r: signed.r,
    s: signed.s,
  };
}

function key(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** An in-memory chain behind the NodeApi interface. */
export class FakeNode implements NodeApi {
  readonly blocks: Block[] = [];
  readonly balances = new Map<string, bigint>();
  readonly nonces = new Map<string, bigint>();
  readonly codes = new Map<string, Uint8Array>();
  readonly storage = new Map<string, Uint8Array>();
  readonly receipts = new Map<string, ReceiptWithBlock>();
  readonly locations = new Map<string, TxLocation>();
  readonly pending: IncludedTx[] = [];
  /** Logs to attach to a pending transaction when it is mined, by tx hash. */
  readonly pendingLogs = new Map<string, Log[]>();
  /** Decoded arguments of the latest call of each method. */
  readonly seen = new Map<string, unknown[]>();
  /** Mine every accepted transaction right away (after the submitting call returns). */
  autoMine = false;
  private readonly heads = new Set<(b: Block) => void>();
  private readonly logListeners = new Set<(l: LogWithPosition[]) => void>();
  private readonly miniListeners = new Set<(m: MiniBlockEvent) => void>();
  private readonly syncWaiters = new Map<string, (r: ReceiptWithBlock) => void>();
  private miniSeq = 0n;

  constructor() {
    this.blocks.push(this.makeBlock([], 0n, new Uint8Array(32), 0n));
  }

  listenerCounts(): { heads: number; logs: number; miniBlocks: number } {
    return { heads: this.heads.size, logs: this.logListeners.size, miniBlocks: this.miniListeners.size };
  }

  private record(method: string, ...args: unknown[]): void {
    this.seen.set(method, args);
  }

  chainId(): bigint {
    return FAKE_CHAIN_ID;
  }
  clientVersion(): string {
    return "bunseq-fake/v0.0.1";
  }
  blockNumber(): bigint {
    return this.head().header.number;
  }
  head(): Block {
    return this.blocks[this.blocks.length - 1]!;
  }
  getBalance(address: Uint8Array, tag: BlockTag): bigint {
    this.record("getBalance", address, tag);
    return this.balances.get(key(address)) ?? 0n;
  }
  getTransactionCount(address: Uint8Array, tag: BlockTag): bigint {
    this.record("getTransactionCount", address, tag);
    return this.nonces.get(key(address)) ?? 0n;
  }
  getCode(address: Uint8Array, tag: BlockTag): Uint8Array {
    this.record("getCode", address, tag);
    return this.codes.get(key(address)) ?? new Uint8Array(0);
  }
  getStorageAt(address: Uint8Array, slot: Uint8Array, tag: BlockTag): Uint8Array {
    this.record("getStorageAt", address, slot, tag);
    return this.storage.get(`${key(address)}:${key(slot)}`) ?? new Uint8Array(0);
  }
  call(req: CallRequest, tag: BlockTag): Uint8Array {
    this.record("call", req, tag);
    const out = new Uint8Array(32);
    out[31] = 42;
    return out;
  }
  estimateGas(req: CallRequest, tag: BlockTag): bigint {
    this.record("estimateGas", req, tag);
    return 21_000n + BigInt(req.data?.length ?? 0) * 16n;
  }
  gasPrice(): bigint {
    return FAKE_BASE_FEE + 100_000_000n;
  }
  maxPriorityFeePerGas(): bigint {
    return 100_000_000n;
  }
  feeHistory(blockCount: number, newest: BlockTag, rewardPercentiles: number[] | undefined): FeeHistory {
    this.record("feeHistory", blockCount, newest, rewardPercentiles);
    const newestNumber = this.resolve(newest)?.header.number ?? this.blockNumber();
    const count = Math.min(blockCount, Number(newestNumber) + 1);
    const oldest = newestNumber - BigInt(count) + 1n;
    const history: FeeHistory = {
      oldestBlock: oldest,
      baseFeePerGas: Array.from({ length: count + 1 }, () => FAKE_BASE_FEE),
      gasUsedRatio: Array.from({ length: count }, () => 0.5),
      baseFeePerBlobGas: Array.from({ length: count + 1 }, () => 1n),
      blobGasUsedRatio: Array.from({ length: count }, () => 0),
    };
    if (rewardPercentiles !== undefined) history.reward = Array.from({ length: count }, () => rewardPercentiles.map((p) => BigInt(Math.round(p)) * 1000n));
    return history;
  }

  async sendRawTransaction(raw: Uint8Array): Promise<Uint8Array> {
    this.record("sendRawTransaction", raw);
    const tx = includedTxFromRaw(raw);
    if (tx.chainId !== null && tx.chainId !== FAKE_CHAIN_ID) {
      throw new FakePoolError(`invalid chain id for signer: have ${tx.chainId} want ${FAKE_CHAIN_ID}`);
    }
    const next = this.nonces.get(key(tx.from)) ?? 0n;
    if (tx.nonce < next) throw new FakePoolError(`nonce too low: next nonce ${next}, tx nonce ${tx.nonce}`);
    if (this.locations.has(key(tx.hash)) || this.pending.some((p) => bytesEqual(p.hash, tx.hash))) {
      throw new FakePoolError("already known");
    }
    this.pending.push(tx);
    if (this.autoMine) queueMicrotask(() => this.minePending());
    return tx.hash;
  }

  async sendRawTransactionSync(raw: Uint8Array, timeoutMs: number): Promise<ReceiptWithBlock> {
    const hash = await this.sendRawTransaction(raw);
    this.record("sendRawTransactionSync", raw, timeoutMs);
    // Auto-mining may already have included it by the time submission resolved.
    const mined = this.receipts.get(key(hash));
    if (mined !== undefined) return mined;
    // Never times out on its own: the RPC layer must enforce the window.
    return new Promise((resolve) => this.syncWaiters.set(key(hash), resolve));
  }

  getTransactionByHash(hash: Uint8Array): TxLocation | null {
    const mined = this.locations.get(key(hash));
    if (mined !== undefined) return mined;
    const pooled = this.pending.find((p) => bytesEqual(p.hash, hash));
    return pooled === undefined ? null : { tx: pooled, blockNumber: null, blockHash: null, index: null };
  }
  getTransactionReceipt(hash: Uint8Array): ReceiptWithBlock | null {
    return this.receipts.get(key(hash)) ?? null;
  }
  getBlock(tag: BlockTag): Block | null {
    this.record("getBlock", tag);
    return this.resolve(tag);
  }

  resolve(tag: BlockTag): Block | null {
    if (typeof tag === "bigint") return this.blocks[Number(tag)] ?? null;
    if (typeof tag === "object") return this.blocks.find((b) => bytesEqual(b.hash, tag.hash)) ?? null;
    if (tag === "earliest") return this.blocks[0]!;
    return this.head();
  }

  getLogs(filter: LogFilter): LogWithPosition[] {
    this.record("getLogs", filter);
    let blocks: Block[];
    if (filter.blockHash !== undefined) {
      const b = this.resolve({ hash: filter.blockHash });
      blocks = b === null ? [] : [b];
    } else {
      const from = this.resolve(filter.fromBlock ?? "latest")?.header.number ?? 0n;
      const to = this.resolve(filter.toBlock ?? "latest")?.header.number ?? this.blockNumber();
      blocks = this.blocks.filter((b) => b.header.number >= from && b.header.number <= to);
    }
    return blocks.flatMap((b) => this.blockLogs(b)).filter((log) => fakeMatches(log, filter));
  }

  blockLogs(block: Block): LogWithPosition[] {
    const out: LogWithPosition[] = [];
    for (const tx of block.transactions) {
      const r = this.receipts.get(key(tx.hash))!;
      r.logs.forEach((log, i) =>
        out.push({
          ...log,
          blockNumber: r.blockNumber,
          blockHash: r.blockHash,
          transactionHash: r.transactionHash,
          transactionIndex: r.transactionIndex,
          logIndex: r.logIndexStart + i,
          removed: false,
        }),
      );
    }
    return out;
  }

  onNewHead(cb: (block: Block) => void): Unsubscribe {
    this.heads.add(cb);
    return () => this.heads.delete(cb);
  }
  onLogs(cb: (logs: LogWithPosition[]) => void): Unsubscribe {
    this.logListeners.add(cb);
    return () => this.logListeners.delete(cb);
  }
  onMiniBlock(cb: (mini: MiniBlockEvent) => void): Unsubscribe {
    this.miniListeners.add(cb);
    return () => this.miniListeners.delete(cb);
  }

  /** Mines the pool into one block. */
  minePending(): Block {
    const txs = this.pending.splice(0);
    return this.mine(txs.map((tx) => ({ tx, logs: this.pendingLogs.get(key(tx.hash)) ?? [] })));
  }

  /** Seals a block with `entries`, stores receipts, and emits head, logs and mini-block events. */
  mine(entries: MinedEntry[]): Block {
    const parent = this.head();
    const number = parent.header.number + 1n;
    const gasUsed = entries.reduce((sum, e) => sum + (e.gasUsed ?? 21_000n), 0n);
    const block = this.makeBlock(entries.map((e) => e.tx), number, parent.hash, gasUsed);
    this.blocks.push(block);
    let cumulative = 0n;
    let logIndex = 0;
    const receipts: ReceiptWithBlock[] = [];
    entries.forEach((e, index) => {
      const used = e.gasUsed ?? 21_000n;
      cumulative += used;
      const tip = e.tx.maxPriorityFeePerGas + FAKE_BASE_FEE;
      const effective = e.tx.type === 2 ? (tip < e.tx.maxFeePerGas ? tip : e.tx.maxFeePerGas) : e.tx.gasPrice;
      const receipt: ReceiptWithBlock = {
        type: e.tx.type,
        status: e.status ?? 1,
        cumulativeGasUsed: cumulative,
        gasUsed: used,
        logs: e.logs ?? [],
        logsBloom: new Uint8Array(256),
        contractAddress: e.contractAddress ?? null,
        effectiveGasPrice: effective,
        from: e.tx.from,
        to: e.tx.to,
        transactionHash: e.tx.hash,
        transactionIndex: index,
        blockNumber: number,
        logIndexStart: logIndex,
        blockHash: block.hash,
      };
      logIndex += receipt.logs.length;
      receipts.push(receipt);
      this.receipts.set(key(e.tx.hash), receipt);
      this.locations.set(key(e.tx.hash), { tx: e.tx, blockNumber: number, blockHash: block.hash, index });
      const sender = key(e.tx.from);
      const nonce = this.nonces.get(sender) ?? 0n;
      if (e.tx.nonce >= nonce) this.nonces.set(sender, e.tx.nonce + 1n);
    });
    for (const cb of this.heads) cb(block);
    const logs = this.blockLogs(block);
    if (logs.length > 0) for (const cb of this.logListeners) cb(logs);
    const mini: MiniBlockEvent = {
      seq: this.miniSeq++,
      blockNumber: number,
      timestamp: Number(block.header.timestamp) * 1000,
      transactions: block.transactions.map((t) => t.hash),
      receipts,
    };
    for (const cb of this.miniListeners) cb(mini);
    for (const r of receipts) {
      const waiter = this.syncWaiters.get(key(r.transactionHash));
      this.syncWaiters.delete(key(r.transactionHash));
      waiter?.(r);
    }
    return block;
  }

  private makeBlock(transactions: IncludedTx[], number: bigint, parentHash: Uint8Array, gasUsed: bigint): Block {
    const header: Header = {
      parentHash,
      ommersHash: EMPTY_OMMERS,
      coinbase: new Uint8Array(20).fill(0xc0),
      stateRoot: keccak256(new TextEncoder().encode(`state ${number}`)),
      transactionsRoot: keccak256(new TextEncoder().encode(`txs ${number}`)),
      receiptsRoot: keccak256(new TextEncoder().encode(`receipts ${number}`)),
      logsBloom: new Uint8Array(256),
      difficulty: 0n,
      number,
      gasLimit: 30_000_000n,
      gasUsed,
      timestamp: 1_700_000_000n + number * 2n,
      extraData: new Uint8Array([0xbe, 0xef]),
      prevRandao: keccak256(new TextEncoder().encode(`randao ${number}`)),
      nonce: new Uint8Array(8),
      baseFeePerGas: FAKE_BASE_FEE,
      withdrawalsRoot: keccak256(new Uint8Array([0x80])), // empty trie
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: ZERO32,
    };
    const hash = headerHash(header);
    return { header, hash, transactions };
  }
}

// Independent of the server's matcher on purpose: eth_getLogs results are checked against it.
function fakeMatches(log: LogWithPosition, filter: LogFilter): boolean {
  if (filter.address && filter.address.length > 0 && !filter.address.some((a) => bytesEqual(a, log.address))) return false;
  const topics = filter.topics ?? [];
  if (topics.length > log.topics.length) return false;
  return topics.every((alts, i) => alts === null || alts.some((t) => bytesEqual(t, log.topics[i]!)));
}
