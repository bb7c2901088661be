// What the sequencer needs from persistent storage. src/state implements it on LMDB.
import type { AccountChange, HostState } from "../exec/abi";
import type { Block, Header, MiniBlock, Receipt } from "../chain/types";

/** Latest state: committed data plus the changes of transactions executed since. */
export interface StateView extends HostState {
  apply(changes: AccountChange[]): void;
  nonce(address: Uint8Array): bigint;
  balance(address: Uint8Array): bigint;
  code(address: Uint8Array): Uint8Array;
  storageAt(address: Uint8Array, slot: Uint8Array): Uint8Array;
  /** Non-zero storage slots of an account (the parallel executor's EIP-7610 bookkeeping). */
  slotCount(address: Uint8Array): number | undefined;
}

export interface SequencerStore {
  readonly state: StateView;
  /** The newest sealed block. */
  head(): { header: Header; hash: Uint8Array };
  /** Sequence number the next mini-block gets. */
  nextMiniBlockSeq(): bigint;
  /** Mini-blocks committed after the head block was sealed (to resume after a restart). */
  unsealedMiniBlocks(): MiniBlock[];
  /** Makes the mini-block and all state applied so far durable, atomically. */
  commitMiniBlock(mini: MiniBlock, changes: AccountChange[]): Promise<void>;
  /** State root over everything committed (incremental: only what changed is rehashed). */
  stateRoot(): Uint8Array;
  /** Stores a sealed block with its receipts and makes it the head. */
  sealBlock(block: Block, receipts: Receipt[]): Promise<void>;
  blockByNumber(n: bigint): Block | null;
  blockNumberByHash(hash: Uint8Array): bigint | null;
  receipts(n: bigint): Receipt[];
  /** Records an accepted transaction durably until a mini-block includes it. */
  journal(hash: Uint8Array, from: Uint8Array, raw: Uint8Array): Promise<void>;
  /** Forgets journaled transactions the pool dropped (replaced, evicted, invalid). */
  unjournal(hash: Uint8Array): void;
  /** Accepted transactions not yet included, to re-admit after a restart. */
  journaled(): { from: Uint8Array; raw: Uint8Array }[];
  /** Where a sealed transaction is. */
  txLocation(hash: Uint8Array): { blockNumber: bigint; index: number } | null;
  /** True when LMDB holds everything the state view shows (no overlay, nothing committing). */
  isCommitted(): boolean;
  close(): Promise<void>;
}
