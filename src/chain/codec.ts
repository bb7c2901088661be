// Binary encodings of what the store keeps and the stream sends: mini-blocks (with their state
// diffs), receipts and block bodies. One msgpackr configuration; bigints travel as minimal
// big-endian bytes so 256-bit values need no detour through strings.
import { Packr } from "msgpackr";
import type { AccountChange } from "../exec/abi";
import { bigintToMinimalBytes, minimalBytesToBigInt } from "../rlp/index";
import type { Log, MiniBlock, Receipt } from "./types";

const packr = new Packr({ useRecords: false, moreTypes: false });

const big = bigintToMinimalBytes;
const unbig = (b: Uint8Array) => minimalBytesToBigInt(b);
const NONE = new Uint8Array(0);

type LogRow = [Uint8Array, Uint8Array[], Uint8Array];
type ReceiptRow = [
  number, // type
  number, // status
  Uint8Array, // cumulative gas
  Uint8Array, // gas used
  LogRow[],
  Uint8Array, // contract address or empty
  Uint8Array, // effective gas price
  Uint8Array, // from
  Uint8Array, // to or empty
  Uint8Array, // tx hash
  number, // tx index
  Uint8Array, // block number
  number, // first log index
];
type ChangeRow = [Uint8Array, number, Uint8Array, Uint8Array, Uint8Array, Uint8Array, [Uint8Array, Uint8Array][]];

function receiptRow(r: Receipt): ReceiptRow {
  return [
    r.type, r.status, big(r.cumulativeGasUsed), big(r.gasUsed), r.logs.map((l) => [l.address, l.topics, l.data]),
    r.contractAddress ?? NONE, big(r.effectiveGasPrice), r.from, r.to ?? NONE, r.transactionHash, r.transactionIndex,
    big(r.blockNumber), r.logIndexStart,
  ];
}

function receiptFromRow(row: ReceiptRow, bloomOf: (logs: Log[]) => Uint8Array): Receipt {
  const logs = row[4].map(([address, topics, data]) => ({ address, topics, data }));
  return {
    type: row[0], status: row[1] as 0 | 1, cumulativeGasUsed: unbig(row[2]), gasUsed: unbig(row[3]), logs,
    logsBloom: bloomOf(logs), contractAddress: row[5].length ? row[5] : null, effectiveGasPrice: unbig(row[6]),
    from: row[7], to: row[8].length ? row[8] : null, transactionHash: row[9], transactionIndex: row[10],
    blockNumber: unbig(row[11]), logIndexStart: row[12],
  };
}

export function encodeReceipt(r: Receipt): Uint8Array {
  return packr.pack(receiptRow(r));
}

export function decodeReceipt(bytes: Uint8Array, bloomOf: (logs: Log[]) => Uint8Array): Receipt {
  return receiptFromRow(packr.unpack(bytes), bloomOf);
}

function changeRow(c: AccountChange): ChangeRow {
  return [c.address, c.deleted ? 1 : 0, big(c.nonce), big(c.balance), c.codeHash, c.code ?? NONE, c.storage];
}

function changeFromRow(r: ChangeRow): AccountChange {
  return { address: r[0], deleted: r[1] === 1, nonce: unbig(r[2]), balance: unbig(r[3]), codeHash: r[4], code: r[5].length ? r[5] : null, storage: r[6] };
}

/**
 * The log is the chain's single ordered history (and what replicas stream): each entry is either
 * a mini-block (transactions, receipts and the state diff it produced) or the seal of an EVM
 * block (its header), in the order they happened.
 */
export type LogEntry =
  | { kind: "mini"; mini: MiniBlock; changes: AccountChange[] }
  | { kind: "seal"; seq: bigint; header: Uint8Array /* RLP */ };

const MINI = 0, SEAL = 1;

export function encodeMiniBlock(mini: MiniBlock, changes: AccountChange[]): Uint8Array {
  return packr.pack([
    MINI, big(mini.seq), big(mini.blockNumber), mini.index, mini.timestamp, big(mini.blockTimestamp),
    mini.transactions.map((t) => [t.from, t.raw]),
    mini.receipts.map(receiptRow),
    changes.map(changeRow),
  ]);
}

export function encodeSeal(seq: bigint, headerRlp: Uint8Array): Uint8Array {
  return packr.pack([SEAL, big(seq), headerRlp]);
}

/** Decodes a log entry; `txFrom` rebuilds each transaction from its sender and raw bytes. */
export function decodeLogEntry(
  bytes: Uint8Array,
  txFrom: (from: Uint8Array, raw: Uint8Array) => MiniBlock["transactions"][number],
  bloomOf: (logs: Log[]) => Uint8Array,
): LogEntry {
  const row = packr.unpack(bytes);
  if (row[0] === SEAL) return { kind: "seal", seq: unbig(row[1]), header: row[2] };
  const [, seq, blockNumber, index, timestamp, blockTimestamp, txs, receipts, changes] = row;
  return {
    kind: "mini",
    mini: {
      seq: unbig(seq), blockNumber: unbig(blockNumber), index, timestamp, blockTimestamp: unbig(blockTimestamp),
      transactions: (txs as [Uint8Array, Uint8Array][]).map(([from, raw]) => txFrom(from, raw)),
      receipts: (receipts as ReceiptRow[]).map((r) => receiptFromRow(r, bloomOf)),
    },
    changes: (changes as ChangeRow[]).map(changeFromRow),
  };
}

/** A block body entry: sender ‖ raw signed transaction (senders are kept so reads need no recovery). */
export function encodeBodyEntry(from: Uint8Array, raw: Uint8Array): Uint8Array {
  const out = new Uint8Array(20 + raw.length);
  out.set(from);
  out.set(raw, 20);
  return out;
}

export function decodeBodyEntry(entry: Uint8Array): { from: Uint8Array; raw: Uint8Array } {
  return { from: entry.subarray(0, 20), raw: entry.subarray(20) };
}
