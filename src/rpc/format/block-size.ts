// geth's block `size`: the length of rlp([header, transactions, uncles, withdrawals]).
import { encodeHeader } from "../../chain/header";
import type { Block } from "../../chain/types";
import { encodedStringLength, headerLength } from "../../rlp";

const EMPTY_LIST_BYTES = 1; // 0xc0

// Sizes are served repeatedly for the same immutable block objects.
const cache = new WeakMap<Block, number>();

/** The encoded size in bytes of `block`, computed without encoding the transactions again. */
export function blockSize(block: Block): number {
  const cached = cache.get(block);
  if (cached !== undefined) return cached;
  const headerBytes = encodeHeader(block.header).length;
  let txPayload = 0;
  // A legacy envelope is itself an RLP list; a typed one is carried as an RLP string.
  for (const tx of block.transactions) txPayload += tx.type === 0 ? tx.raw.length : encodedStringLength(tx.raw);
  const payload = headerBytes + headerLength(txPayload) + txPayload + EMPTY_LIST_BYTES + EMPTY_LIST_BYTES;
  const size = headerLength(payload) + payload;
  cache.set(block, size);
  return size;
}
