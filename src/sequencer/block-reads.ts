// Blocks and receipts read back from a ChainDb for JSON-RPC, decoded on first use and kept for
// the BLOCK_CACHE most recently sealed or asked for: what both the sequencer's store and a
// follower's answer block and receipt queries from.
import { logsBloom } from "../chain/bloom";
import { decodeBodyEntry, decodeReceipt } from "../chain/codec";
import { decodeHeader, headerHash } from "../chain/header";
import type { Block, IncludedTx, Receipt } from "../chain/types";
import type { ChainDb } from "../state/index";
import type { MiniRows } from "../stream/entry";

const BLOCK_CACHE = 64;

export class BlockReads {
  private readonly blocks = new Map<bigint, Block>();
  private readonly receiptLists = new Map<bigint, Receipt[]>();

  /**
   * `fromLog(n)`: block `n`'s mini-block log entries, for a store that keeps a block's
   * transactions and receipts only there (a replica writes no body or receipts rows).
   */
  constructor(
    private readonly chain: ChainDb,
    private readonly txFromBody: (from: Uint8Array, raw: Uint8Array) => IncludedTx,
    private readonly fromLog: (n: bigint) => MiniRows[] = () => [],
  ) {}

  /** Keeps a block just sealed, whose rows its commit writes. */
  remember(block: Block, receipts: Receipt[]): void {
    keep(this.blocks, block.header.number, block);
    keep(this.receiptLists, block.header.number, receipts);
  }

  block(n: bigint): Block | null {
    const cached = this.blocks.get(n);
    if (cached) return cached;
    const rlp = this.chain.getHeader(n);
    if (!rlp) return null;
    const header = decodeHeader(rlp);
    const body = this.chain.getBody(n);
    const transactions = body
      ? body.map((e) => {
          const { from, raw } = decodeBodyEntry(e);
          return this.txFromBody(from, raw);
        })
      : this.fromLog(n).flatMap((m) => m.txs.map(([from, raw]) => this.txFromBody(from, raw)));
    const block = { header, hash: headerHash(header), transactions };
    keep(this.blocks, n, block);
    return block;
  }

  receipts(n: bigint): Receipt[] {
    const cached = this.receiptLists.get(n);
    if (cached) return cached;
    const r = (this.chain.getReceipts(n) ?? this.fromLog(n).flatMap((m) => m.receipts)).map((b) => decodeReceipt(b, logsBloom));
    keep(this.receiptLists, n, r);
    return r;
  }
}

function keep<T>(cache: Map<bigint, T>, n: bigint, v: T): void {
  cache.set(n, v);
  if (cache.size > BLOCK_CACHE) cache.delete(cache.keys().next().value!);
}
