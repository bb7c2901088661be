import { Packr } from "msgpackr";
import { bytesEqual } from "../crypto/hex";
import { keccak256 } from "../crypto/keccak";
import { decode } from "../rlp/decode";
import { encode } from "../rlp/encode";
import { readU64, u64Key } from "./byte-keys";
import type { ChainEnv, DatabaseName } from "./chain-env";
import { CorruptRecordError, GenesisMismatchError } from "./errors";
import {
  META_CHAIN_CONFIG,
  META_GENESIS_HASH,
  META_HEAD_BLOCK,
  META_HEAD_MINI_BLOCK,
} from "./meta-keys";
import type { WriteBatch } from "./write-batch";

/** Where a transaction landed. */
export interface TxLocation {
  blockNumber: bigint;
  index: number;
}

// Chain config is free-form (fork schedule, limits) and holds bigints, which
// JSON cannot; msgpack keeps bigint and number apart on the way back.
const configCodec = new Packr({ useRecords: false, useBigIntExtension: true });

/**
 * Typed access to the chain databases. Writes go into the WriteBatch of a
 * StateDb commit so blocks, receipts and the mini-block log land in the same
 * transaction as the state they belong to. Reads see batches still being
 * committed, then LMDB.
 */
export class ChainDb {
  constructor(private readonly env: ChainEnv) {}

  // ---- Headers ----

  /** Stores a header under its number and its hash; returns the hash (keccak of the RLP). */
  putHeader(batch: WriteBatch, number: bigint, headerRlp: Uint8Array): Uint8Array {
    const hash = keccak256(headerRlp);
    const key = u64Key(number);
    batch.put("headers", key, headerRlp);
    batch.put("headerNumbers", hash, key);
    return hash;
  }

  getHeader(number: bigint): Uint8Array | undefined {
    return this.read("headers", u64Key(number));
  }

  getBlockNumber(hash: Uint8Array): bigint | undefined {
    const v = this.read("headerNumbers", hash);
    if (v === undefined) return undefined;
    if (v.length !== 8) throw new CorruptRecordError("headerNumbers", hash, `${v.length}-byte block number`);
    return readU64(v);
  }

  getHeaderByHash(hash: Uint8Array): Uint8Array | undefined {
    const n = this.getBlockNumber(hash);
    return n === undefined ? undefined : this.getHeader(n);
  }

  /** Hash of the block at `number` (for BLOCKHASH), or undefined when unknown. */
  blockHash(number: bigint): Uint8Array | undefined {
    if (number < 0n || number >> 64n !== 0n) return undefined;
    const rlp = this.getHeader(number);
    return rlp === undefined ? undefined : keccak256(rlp);
  }

  // ---- Bodies and receipts ----

  /** Stores a block's transactions, each in its raw (typed-envelope) encoding. */
  putBody(batch: WriteBatch, number: bigint, rawTxs: readonly Uint8Array[]): void {
    batch.put("bodies", u64Key(number), encode(rawTxs as Uint8Array[]));
  }

  getBody(number: bigint): Uint8Array[] | undefined {
    return this.readList("bodies", u64Key(number));
  }

  /** Stores a block's receipts, each already in its consensus encoding. */
  putReceipts(batch: WriteBatch, number: bigint, receipts: readonly Uint8Array[]): void {
    batch.put("receipts", u64Key(number), encode(receipts as Uint8Array[]));
  }

  getReceipts(number: bigint): Uint8Array[] | undefined {
    return this.readList("receipts", u64Key(number));
  }

  // ---- Transaction index ----

  putTxLocation(batch: WriteBatch, txHash: Uint8Array, blockNumber: bigint, index: number): void {
    this.putTxLocations(batch, [txHash], blockNumber, index);
  }

  /** putTxLocation for consecutive transactions of one block, from index `first` on. */
  putTxLocations(batch: WriteBatch, txHashes: readonly Uint8Array[], blockNumber: bigint, first = 0): void {
    // One buffer for all: small arrays of their own are slow to hand to LMDB (see ValueSlab).
    const v = new Uint8Array(12 * txHashes.length);
    const view = new DataView(v.buffer);
    for (let i = 0; i < txHashes.length; i++) {
      view.setBigUint64(12 * i, blockNumber);
      view.setUint32(12 * i + 8, first + i);
      batch.put("txIndex", txHashes[i]!, v.subarray(12 * i, 12 * i + 12));
    }
  }

  getTxLocation(txHash: Uint8Array): TxLocation | undefined {
    const v = this.read("txIndex", txHash);
    if (v === undefined) return undefined;
    if (v.length !== 12) throw new CorruptRecordError("txIndex", txHash, `${v.length}-byte location`);
    const view = new DataView(v.buffer, v.byteOffset, 12);
    return { blockNumber: view.getBigUint64(0), index: view.getUint32(8) };
  }

  // ---- Blocks kept only in the mini-block log ----

  /**
   * Records that block `number` is the log entries `first`..`seal` (its mini-blocks, then its
   * seal): a replica keeps the block's transactions and receipts there, not in body and receipts rows.
   */
  putBlockEntries(batch: WriteBatch, number: bigint, first: bigint, seal: bigint): void {
    const v = new Uint8Array(16);
    const view = new DataView(v.buffer);
    view.setBigUint64(0, first);
    view.setBigUint64(8, seal);
    batch.put("blockEntries", u64Key(number), v);
  }

  getBlockEntries(number: bigint): { first: bigint; seal: bigint } | undefined {
    const v = this.read("blockEntries", u64Key(number));
    if (v === undefined) return undefined;
    if (v.length !== 16) throw new CorruptRecordError("blockEntries", u64Key(number), `${v.length}-byte entry range`);
    return { first: readU64(v, 0), seal: readU64(v, 8) };
  }

  // ---- Mini-block log ----

  putMiniBlock(batch: WriteBatch, seq: bigint, entry: Uint8Array): void {
    batch.put("miniBlocks", u64Key(seq), entry);
  }

  getMiniBlock(seq: bigint): Uint8Array | undefined {
    return this.read("miniBlocks", u64Key(seq));
  }

  /** Consecutive entries from `from` on, stopping at the first gap or after `limit`. */
  *miniBlocksFrom(from: bigint, limit = Number.POSITIVE_INFINITY): Generator<[bigint, Uint8Array]> {
    let seq = from;
    for (let n = 0; n < limit; n++, seq++) {
      const entry = this.getMiniBlock(seq);
      if (entry === undefined) return;
      yield [seq, entry];
    }
  }

  // ---- Pool journal: transactions acknowledged to a client but not yet in a mini-block ----

  /** Writes one entry in its own LMDB transaction; resolves once it would survive kill -9. */
  journalTx(hash: Uint8Array, entry: Uint8Array): Promise<unknown> {
    return this.env.dbs.poolJournal.put(hash, entry);
  }

  unjournalTx(hash: Uint8Array): Promise<unknown> {
    return this.env.dbs.poolJournal.remove(hash);
  }

  /** Removes included transactions in the same commit that makes them part of a mini-block. */
  unjournalInBatch(batch: WriteBatch, hash: Uint8Array): void {
    batch.remove("poolJournal", hash);
  }

  *journaledTxs(): Generator<Uint8Array> {
    for (const { value } of this.env.dbs.poolJournal.getRange()) yield value as Uint8Array;
  }

  // ---- Meta ----

  setHeadBlock(batch: WriteBatch, number: bigint): void {
    batch.put("meta", META_HEAD_BLOCK, u64Key(number));
  }

  getHeadBlock(): bigint | undefined {
    return this.readU64Meta(META_HEAD_BLOCK);
  }

  setHeadMiniBlock(batch: WriteBatch, seq: bigint): void {
    batch.put("meta", META_HEAD_MINI_BLOCK, u64Key(seq));
  }

  getHeadMiniBlock(): bigint | undefined {
    return this.readU64Meta(META_HEAD_MINI_BLOCK);
  }

  setGenesisHash(batch: WriteBatch, hash: Uint8Array): void {
    batch.put("meta", META_GENESIS_HASH, hash);
  }

  getGenesisHash(): Uint8Array | undefined {
    return this.read("meta", META_GENESIS_HASH);
  }

  /**
   * Refuses a datadir initialised for another genesis (GenesisMismatchError).
   * Returns false when no genesis is stored yet, i.e. the caller must write it.
   */
  checkGenesis(expected: Uint8Array): boolean {
    const stored = this.getGenesisHash();
    if (stored === undefined) return false;
    if (!bytesEqual(stored, expected)) throw new GenesisMismatchError(this.env.datadir, stored, expected);
    return true;
  }

  setChainConfig(batch: WriteBatch, config: unknown): void {
    batch.put("meta", META_CHAIN_CONFIG, configCodec.pack(config));
  }

  getChainConfig<T = unknown>(): T | undefined {
    const v = this.read("meta", META_CHAIN_CONFIG);
    return v === undefined ? undefined : (configCodec.unpack(v) as T);
  }

  // ---- Internals ----

  private read(db: DatabaseName, key: Uint8Array): Uint8Array | undefined {
    const pending = this.env.pending.lookup(db, key);
    if (pending !== undefined) return pending ?? undefined;
    return this.env.dbs[db].getBinary(key);
  }

  private readList(db: DatabaseName, key: Uint8Array): Uint8Array[] | undefined {
    const v = this.read(db, key);
    if (v === undefined) return undefined;
    const items = decode(v);
    if (!Array.isArray(items) || items.some((i) => !(i instanceof Uint8Array))) {
      throw new CorruptRecordError(db, key, "not a list of byte strings");
    }
    return items as Uint8Array[];
  }

  private readU64Meta(key: Uint8Array): bigint | undefined {
    const v = this.read("meta", key);
    if (v === undefined) return undefined;
    if (v.length !== 8) throw new CorruptRecordError("meta", key, `${v.length}-byte integer`);
    return readU64(v);
  }
}
