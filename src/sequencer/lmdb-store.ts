// SequencerStore on the LMDB ChainStore (src/state): genesis initialisation, atomic mini-block
// commits with their state diffs, sealed blocks with receipts and the transaction index.
import type { AccountChange } from "../exec/abi";
import type { Genesis } from "../chain/genesis";
import { logsBloom } from "../chain/bloom";
import { decodeBodyEntry, decodeLogEntry, encodeBodyEntry, encodeMiniBlock, encodeReceipt, encodeSeal } from "../chain/codec";
import { decodeHeader, encodeHeader, headerHash } from "../chain/header";
import type { Block, Header, IncludedTx, MiniBlock, Receipt } from "../chain/types";
import { bytesEqual, bytesToHex, keccak256 } from "../crypto/index";
import type { Logger } from "../log/logger";
import { ChainStore, type FrozenChanges, type StateDb } from "../state/index";
import { pruneAtStart, pruneTrieEvery } from "../state/prune-trie";
import { EMPTY_CODE_HASH } from "../trie/index";
import { decodeSignedTx } from "../tx/index";
import { BlockReads } from "./block-reads";
import { includedTx } from "./pending-tx";
import type { SequencerStore, StateView } from "./store";

/** The sequencer-facing view of a StateDb (also what followers read through). */
export class StateDbView implements StateView {
  constructor(private readonly db: StateDb) {}
  account(a: Uint8Array) {
    return this.db.account(a);
  }
  storage(a: Uint8Array, k: Uint8Array, out: Uint8Array) {
    this.db.storage(a, k, out);
  }
  blockHash(n: bigint) {
    return this.db.blockHash(n);
  }
  apply(changes: AccountChange[]) {
    this.db.apply(changes);
  }
  nonce(a: Uint8Array) {
    return this.db.accountRecord(a)?.nonce ?? 0n;
  }
  balance(a: Uint8Array) {
    return this.db.accountRecord(a)?.balance ?? 0n;
  }
  code(a: Uint8Array) {
    const rec = this.db.accountRecord(a);
    return rec ? this.db.code(rec.codeHash) : new Uint8Array(0);
  }
  slotCount(a: Uint8Array) {
    return this.db.accountRecord(a)?.slotCount;
  }
  storageAt(a: Uint8Array, slot: Uint8Array) {
    const out = new Uint8Array(32);
    this.db.storage(a, slot, out);
    return out;
  }
}

/** Writes the genesis state and block 0 into an empty datadir (sequencer and followers alike). */
export async function writeGenesis(store: ChainStore, genesis: Genesis, log: Logger): Promise<void> {
  store.state.apply(
    genesis.accounts.map((a) => ({
      address: a.address,
      deleted: false,
      nonce: a.nonce,
      balance: a.balance,
      codeHash: a.code.length ? keccak256(a.code) : EMPTY_CODE_HASH,
      code: a.code.length ? a.code : null,
      storage: a.storage,
    })),
  );
  const root = await store.commit((batch) => {
    store.chain.putHeader(batch, 0n, encodeHeader(genesis.header));
    store.chain.putBody(batch, 0n, []);
    store.chain.putReceipts(batch, 0n, []);
    store.chain.setHeadBlock(batch, 0n);
    store.chain.setGenesisHash(batch, genesis.hash);
    store.chain.setChainConfig(batch, genesis.json);
  });
  if (!bytesEqual(root, genesis.header.stateRoot))
    throw new Error(`genesis state root ${bytesToHex(root)} differs from the header's ${bytesToHex(genesis.header.stateRoot)}`);
  log.info("initialised datadir with genesis", { hash: bytesToHex(genesis.hash), accounts: genesis.accounts.length });
}

export const txFromBody = (from: Uint8Array, raw: Uint8Array): IncludedTx => includedTx(decodeSignedTx(raw), from.slice());

export class LmdbSequencerStore implements SequencerStore {
  readonly state: StateView;
  private headBlock: { header: Header; hash: Uint8Array };
  private nextSeq: bigint;
  private readonly reads: BlockReads;

  private constructor(private readonly store: ChainStore) {
    this.state = new StateDbView(store.state);
    this.reads = new BlockReads(store.chain, txFromBody);
    const head = store.chain.getHeadBlock()!;
    const header = decodeHeader(store.chain.getHeader(head)!);
    this.headBlock = { header, hash: headerHash(header) };
    const mini = store.chain.getHeadMiniBlock();
    this.nextSeq = mini === undefined ? 0n : mini + 1n;
  }

  /** Opens `<datadir>/chain`, writing the genesis block on first use; refuses another genesis. */
  static async open(datadir: string, genesis: Genesis, log: Logger): Promise<LmdbSequencerStore> {
    const store = ChainStore.open(datadir, { genesisHash: genesis.hash });
    if (store.chain.getHeadBlock() === undefined) await writeGenesis(store, genesis, log);
    return new LmdbSequencerStore(store);
  }

  head() {
    return this.headBlock;
  }

  nextMiniBlockSeq(): bigint {
    return this.nextSeq;
  }

  unsealedMiniBlocks(): MiniBlock[] {
    const out: MiniBlock[] = [];
    for (let seq = this.nextSeq - 1n; seq >= 0n; seq--) {
      const bytes = this.store.chain.getMiniBlock(seq);
      if (!bytes) break;
      const entry = decodeLogEntry(bytes, txFromBody, logsBloom);
      if (entry.kind === "seal") break; // everything before it belongs to sealed blocks
      out.unshift(entry.mini);
    }
    return out;
  }

  async commitMiniBlock(mini: MiniBlock, changes: AccountChange[]): Promise<void> {
    this.nextSeq = mini.seq + 1n;
    await this.store.commit((batch) => {
      this.store.chain.putMiniBlock(batch, mini.seq, encodeMiniBlock(mini, changes));
      this.store.chain.setHeadMiniBlock(batch, mini.seq);
      for (const t of mini.transactions) this.store.chain.unjournalInBatch(batch, t.hash);
      // Indexed now: the position in the block is final once the mini-block is durable.
      mini.receipts.forEach((r) => this.store.chain.putTxLocation(batch, r.transactionHash, mini.blockNumber, r.transactionIndex));
    });
  }

  async journal(hash: Uint8Array, from: Uint8Array, raw: Uint8Array): Promise<void> {
    await this.store.chain.journalTx(hash, encodeBodyEntry(from, raw));
  }

  unjournal(hash: Uint8Array): void {
    void this.store.chain.unjournalTx(hash);
  }

  journaled(): { from: Uint8Array; raw: Uint8Array }[] {
    return [...this.store.chain.journaledTxs()].map(decodeBodyEntry);
  }

  stateRoot(): Uint8Array {
    return this.store.state.computeStateRoot();
  }

  async sealBlock(block: Block, receipts: Receipt[]): Promise<void> {
    const n = block.header.number;
    const seq = this.nextSeq++;
    const rlp = encodeHeader(block.header);
    await this.store.commit((batch) => {
      this.store.chain.putMiniBlock(batch, seq, encodeSeal(seq, rlp));
      this.store.chain.setHeadMiniBlock(batch, seq);
      this.store.chain.putHeader(batch, n, rlp);
      this.store.chain.putBody(batch, n, block.transactions.map((t) => encodeBodyEntry(t.from, t.raw)));
      this.store.chain.putReceipts(batch, n, receipts.map(encodeReceipt));
      this.store.chain.setHeadBlock(batch, n);
    });
    this.headBlock = { header: block.header, hash: block.hash };
    this.reads.remember(block, receipts);
  }

  blockByNumber(n: bigint): Block | null {
    return this.reads.block(n);
  }

  blockNumberByHash(hash: Uint8Array): bigint | null {
    return this.store.chain.getBlockNumber(hash) ?? null;
  }

  receipts(n: bigint): Receipt[] {
    return this.reads.receipts(n);
  }

  txLocation(hash: Uint8Array) {
    return this.store.chain.getTxLocation(hash) ?? null;
  }

  isCommitted(): boolean {
    return this.store.state.commitsInFlight === 0 && !this.store.state.hasUncomputedChanges;
  }

  /** --prune-trie: drops trie nodes the state root no longer reaches (before anything commits). */
  pruneTrie(log: Logger): void {
    pruneAtStart(this.store, log);
  }

  /** --prune-trie-every: prunes every `seconds` while the sequencer runs; returns what stops it. */
  pruneTrieEvery(seconds: number, log: Logger): () => Promise<void> {
    return pruneTrieEvery(this.store, seconds, log);
  }

  /** What commits still being written change, when nothing else is uncommitted (StateDb.pendingChanges). */
  pendingChanges(): FrozenChanges | null {
    return this.store.state.pendingChanges();
  }

  /** Names what the state in LMDB is while isCommitted() holds. */
  stateVersion(): number {
    return this.store.state.commitCount;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
