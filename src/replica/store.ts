// A follower's (replica's or full node's) LMDB store: the sequencer's datadir layout (src/state
// ChainStore: state, headers, bodies, receipts, tx index and the mini-block log, whose entries are
// byte-for-byte the sequencer's), plus the genesis config and the stream head (last applied seq and
// its frame hash) in the meta database, written in the same commit as the frame. A replica writes
// no body or receipts rows: a block's log entries hold its transactions and receipts already, and
// a block → entry range row leads reads to them (a full node stores its own re-executed results).
import { type Genesis, type GethGenesis, loadGenesis } from "../chain/genesis";
import { decodeHeader, headerHash } from "../chain/header";
import type { Block, Header, Receipt } from "../chain/types";
import { bytesEqual, bytesToHex } from "../crypto/index";
import type { Logger } from "../log/logger";
import { BlockReads } from "../sequencer/block-reads";
import { StateDbView, txFromBody, writeGenesis } from "../sequencer/lmdb-store";
import type { SequencerStore, StateView } from "../sequencer/store";
import { ChainStore, type StateDb, type WriteBatch } from "../state/index";
import { decodeEntryRows, type MiniRows } from "../stream/entry";

const META_STREAM_HEAD = new TextEncoder().encode("streamHead");

/** The read side of SequencerStore, which the JSON-RPC node (SequencerNode) uses. */
export type ReadStore = Pick<SequencerStore, "state" | "head" | "blockByNumber" | "blockNumberByHash" | "receipts" | "txLocation">;

export class ReplicaStoreError extends Error {
  override name = "ReplicaStoreError";
}

export class ReplicaStore implements ReadStore {
  readonly state: StateView;
  private headBlock: { header: Header; hash: Uint8Array };
  /** Last applied frame (commit issued; see durableSeq). */
  streamHead: { seq: bigint; hash: Uint8Array };
  private readonly reads: BlockReads;

  private constructor(
    readonly chainStore: ChainStore,
    readonly genesis: Genesis,
  ) {
    this.state = new StateDbView(chainStore.state);
    this.reads = new BlockReads(chainStore.chain, txFromBody, (n) => this.logRows(n));
    const n = chainStore.chain.getHeadBlock()!;
    const header = decodeHeader(chainStore.chain.getHeader(n)!);
    this.headBlock = { header, hash: headerHash(header) };
    const raw = chainStore.env.dbs.meta.getBinary(META_STREAM_HEAD);
    this.streamHead = raw ? { seq: new DataView(raw.buffer, raw.byteOffset, 8).getBigUint64(0), hash: raw.slice(8, 40) } : { seq: -1n, hash: genesis.hash };
  }

  get chain() {
    return this.chainStore.chain;
  }
  get db(): StateDb {
    return this.chainStore.state;
  }

  /**
   * Opens `<datadir>/chain`. With a stored genesis it opens ready; without one it returns the
   * open ChainStore for init() once the genesis is known (from --genesis or the upstream's hello).
   */
  static open(datadir: string, genesisJson?: GethGenesis): ReplicaStore | { uninitialised: ChainStore } {
    const cs = ChainStore.open(datadir);
    const stored = cs.chain.getGenesisHash();
    if (stored === undefined) return { uninitialised: cs };
    const json = genesisJson ?? cs.chain.getChainConfig<GethGenesis>();
    if (!json) {
      void cs.close();
      throw new ReplicaStoreError(`${datadir} holds a chain (genesis ${bytesToHex(stored)}) but no genesis config: pass --genesis`);
    }
    const genesis = loadGenesis(json);
    if (!bytesEqual(genesis.hash, stored)) {
      void cs.close();
      throw new ReplicaStoreError(`${datadir} was initialised for genesis ${bytesToHex(stored)}, but the genesis given hashes to ${bytesToHex(genesis.hash)}`);
    }
    return new ReplicaStore(cs, genesis);
  }

  /** Writes the genesis block and state into an empty datadir. */
  static async init(cs: ChainStore, genesis: Genesis, log: Logger): Promise<ReplicaStore> {
    await writeGenesis(cs, genesis, log);
    return new ReplicaStore(cs, genesis);
  }

  head() {
    return this.headBlock;
  }

  /** Records a sealed block in the caches (its rows are written by the caller's commit). */
  setHead(block: Block, receipts: Receipt[]): void {
    this.headBlock = { header: block.header, hash: block.hash };
    this.reads.remember(block, receipts);
  }

  /** The new head when the block itself is not cached (read back from the store when asked for). */
  setHeadHeader(header: Header, hash: Uint8Array): void {
    this.headBlock = { header, hash };
  }

  putStreamHead(batch: WriteBatch, seq: bigint, hash: Uint8Array): void {
    const v = new Uint8Array(40);
    new DataView(v.buffer).setBigUint64(0, seq);
    v.set(hash, 8);
    batch.put("meta", META_STREAM_HEAD, v);
    this.chain.setHeadMiniBlock(batch, seq);
  }

  blockByNumber(n: bigint): Block | null {
    return this.reads.block(n);
  }

  blockNumberByHash(hash: Uint8Array): bigint | null {
    return this.chain.getBlockNumber(hash) ?? null;
  }

  receipts(n: bigint): Receipt[] {
    return this.reads.receipts(n);
  }

  /**
   * The mini-blocks of block `n` from the log, for a block stored as its log entries (a replica
   * keeps no body or receipts rows); none for a block without entries (genesis, or unknown).
   */
  private logRows(n: bigint): MiniRows[] {
    const range = this.chain.getBlockEntries(n);
    if (!range) return [];
    const out: MiniRows[] = [];
    for (let seq = range.first; seq < range.seal; seq++) {
      const bytes = this.chain.getMiniBlock(seq);
      const rows = bytes && decodeEntryRows(bytes);
      if (!rows || rows.kind !== "mini") throw new ReplicaStoreError(`block ${n}: log entry ${seq} is ${rows ? "not a mini-block" : "missing"}`);
      out.push(rows);
    }
    return out;
  }

  txLocation(hash: Uint8Array) {
    return this.chain.getTxLocation(hash) ?? null;
  }

  close(): Promise<void> {
    return this.chainStore.close();
  }
}
