// Lean reading of mini-block log entries (the layout src/chain/codec.ts writes and docs/stream.md
// documents) for followers that apply diffs. Only the state diff becomes objects (what
// StateDb.apply takes); transactions and receipts stay byte ranges of the entry: each receipt's
// bytes are exactly what the store keeps per receipt (codec.encodeReceipt of the same row), so a
// seal stores them without re-encoding. decodeLogEntry builds everything eagerly; this keeps a
// replica's cost close to the state work itself.
import { Packr } from "msgpackr";
import type { AccountChange } from "../exec/abi";
import { STREAM_PACKR_OPTIONS } from "./format";

const packr = new Packr(STREAM_PACKR_OPTIONS);
const MINI = 0, SEAL = 1;

export interface MiniRows {
  kind: "mini";
  seq: bigint;
  blockNumber: bigint;
  index: number;
  timestamp: number;
  blockTimestamp: bigint;
  /** Per transaction: sender and raw signed transaction (views into the entry). */
  txs: [Uint8Array, Uint8Array][];
  /** Per transaction: the receipt's stored encoding and the transaction hash (views into the entry). */
  receipts: Uint8Array[];
  txHashes: Uint8Array[];
  /** cumulativeGasUsed of the last receipt (0 when there is none). */
  lastCumulativeGas: bigint;
  changes: AccountChange[];
}

export interface SealRow {
  kind: "seal";
  seq: bigint;
  header: Uint8Array;
}

export class EntryError extends Error {
  override name = "EntryError";
}

/** Big-endian unsigned bytes to bigint, six bytes per step. */
export function bytesToBigIntFast(b: Uint8Array): bigint {
  const n = b.length;
  if (n <= 6) {
    let x = 0;
    for (let i = 0; i < n; i++) x = x * 256 + b[i]!;
    return BigInt(x);
  }
  let out = 0n;
  let i = 0;
  const head = n % 6;
  if (head) {
    let x = 0;
    for (; i < head; i++) x = x * 256 + b[i]!;
    out = BigInt(x);
  }
  for (; i < n; i += 6) {
    const x = b[i]! * 0x10000000000 + b[i + 1]! * 0x100000000 + b[i + 2]! * 0x1000000 + b[i + 3]! * 0x10000 + b[i + 4]! * 0x100 + b[i + 5]!;
    out = (out << 48n) | BigInt(x);
  }
  return out;
}

/** A cursor over msgpack bytes that reads the few types entries use and skips anything else. */
class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  private need(n: number): void {
    if (this.pos + n > this.b.length) throw new EntryError("entry is truncated");
  }
  private byte(): number {
    this.need(1);
    return this.b[this.pos++]!;
  }
  private u(n: 1 | 2 | 4): number {
    this.need(n);
    const p = this.pos;
    this.pos += n;
    return n === 1 ? this.b[p]! : n === 2 ? this.view.getUint16(p) : this.view.getUint32(p);
  }
  array(): number {
    const t = this.byte();
    if (t >= 0x90 && t <= 0x9f) return t & 0x0f;
    if (t === 0xdc) return this.u(2);
    if (t === 0xdd) return this.u(4);
    throw new EntryError(`expected an array, found type 0x${t.toString(16)}`);
  }
  bin(): Uint8Array {
    const t = this.byte();
    const n = t === 0xc4 ? this.u(1) : t === 0xc5 ? this.u(2) : t === 0xc6 ? this.u(4) : -1;
    if (n < 0) throw new EntryError(`expected bytes, found type 0x${t.toString(16)}`);
    this.need(n);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  number(): number {
    const t = this.byte();
    if (t <= 0x7f) return t;
    if (t >= 0xe0) return t - 0x100;
    switch (t) {
      case 0xcc: return this.u(1);
      case 0xcd: return this.u(2);
      case 0xce: return this.u(4);
      case 0xcf: { this.need(8); const v = Number(this.view.getBigUint64(this.pos)); this.pos += 8; return v; }
      case 0xd0: { this.need(1); return this.view.getInt8(this.pos++); }
      case 0xd1: { this.need(2); const v = this.view.getInt16(this.pos); this.pos += 2; return v; }
      case 0xd2: { this.need(4); const v = this.view.getInt32(this.pos); this.pos += 4; return v; }
      case 0xd3: { this.need(8); const v = Number(this.view.getBigInt64(this.pos)); this.pos += 8; return v; }
      case 0xca: { this.need(4); const v = this.view.getFloat32(this.pos); this.pos += 4; return v; }
      case 0xcb: { this.need(8); const v = this.view.getFloat64(this.pos); this.pos += 8; return v; }
    }
    throw new EntryError(`expected a number, found type 0x${t.toString(16)}`);
  }
  /** Skips one value of any type. */
  skip(): void {
    const t = this.byte();
    if (t <= 0x7f || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) return;
    if (t >= 0xa0 && t <= 0xbf) return this.advance(t & 0x1f);
    if (t >= 0x90 && t <= 0x9f) return this.skipN(t & 0x0f);
    if (t >= 0x80 && t <= 0x8f) return this.skipN(2 * (t & 0x0f));
    switch (t) {
      case 0xc4: case 0xd9: return this.advance(this.u(1));
      case 0xc5: case 0xda: return this.advance(this.u(2));
      case 0xc6: case 0xdb: return this.advance(this.u(4));
      case 0xcc: case 0xd0: return this.advance(1);
      case 0xcd: case 0xd1: return this.advance(2);
      case 0xce: case 0xd2: case 0xca: return this.advance(4);
      case 0xcf: case 0xd3: case 0xcb: return this.advance(8);
      case 0xdc: return this.skipN(this.u(2));
      case 0xdd: return this.skipN(this.u(4));
      case 0xde: return this.skipN(2 * this.u(2));
      case 0xdf: return this.skipN(2 * this.u(4));
      case 0xd4: return this.advance(2);
      case 0xd5: return this.advance(3);
      case 0xd6: return this.advance(5);
      case 0xd7: return this.advance(9);
      case 0xd8: return this.advance(17);
      case 0xc7: return this.advance(this.u(1) + 1);
      case 0xc8: return this.advance(this.u(2) + 1);
      case 0xc9: return this.advance(this.u(4) + 1);
    }
    throw new EntryError(`unknown msgpack type 0x${t.toString(16)}`);
  }
  private advance(n: number): void {
    this.need(n);
    this.pos += n;
  }
  private skipN(n: number): void {
    for (let i = 0; i < n; i++) this.skip();
  }
}

/** Decodes an entry: the state diff into objects, everything else as views into `bytes`. */
export function decodeEntryRows(bytes: Uint8Array): MiniRows | SealRow {
  const r = new Reader(bytes);
  const fields = r.array();
  const kind = r.number();
  if (kind === SEAL) {
    if (fields !== 3) throw new EntryError(`seal entry with ${fields} fields`);
    return { kind: "seal", seq: bytesToBigIntFast(r.bin()), header: r.bin() };
  }
  if (kind !== MINI || fields !== 9) throw new EntryError(`unknown entry kind ${kind} with ${fields} fields`);
  const seq = bytesToBigIntFast(r.bin());
  const blockNumber = bytesToBigIntFast(r.bin());
  const index = r.number();
  const timestamp = r.number();
  const blockTimestamp = bytesToBigIntFast(r.bin());
  const ntx = r.array();
  const txs: [Uint8Array, Uint8Array][] = new Array(ntx);
  for (let i = 0; i < ntx; i++) {
    if (r.array() !== 2) throw new EntryError(`transaction ${i} is not [sender, raw]`);
    const from = r.bin();
    if (from.length !== 20) throw new EntryError(`transaction ${i}: ${from.length}-byte sender`);
    txs[i] = [from, r.bin()];
  }
  const nrc = r.array();
  if (nrc !== ntx) throw new EntryError(`${ntx} transactions but ${nrc} receipts`);
  const receipts: Uint8Array[] = new Array(nrc);
  const txHashes: Uint8Array[] = new Array(nrc);
  let lastCumulativeGas = 0n;
  for (let i = 0; i < nrc; i++) {
    const start = r.pos;
    if (r.array() !== 13) throw new EntryError(`receipt ${i} does not have 13 fields`);
    r.skip(); // type
    r.skip(); // status
    const cumulative = r.bin();
    for (let k = 3; k < 9; k++) r.skip();
    const hash = r.bin();
    if (hash.length !== 32) throw new EntryError(`receipt ${i}: ${hash.length}-byte transaction hash`);
    r.skip(); // index
    r.skip(); // block number
    r.skip(); // first log index
    receipts[i] = bytes.subarray(start, r.pos);
    txHashes[i] = hash;
    if (i === nrc - 1) lastCumulativeGas = bytesToBigIntFast(cumulative);
  }
  const rows = packr.unpack(bytes.subarray(r.pos));
  if (!Array.isArray(rows)) throw new EntryError("state diff is not an array");
  const changes: AccountChange[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const c = rows[i];
    if (!Array.isArray(c) || c.length !== 7 || !(c[0] instanceof Uint8Array) || c[0].length !== 20 || !Array.isArray(c[6]))
      throw new EntryError(`malformed state change ${i}`);
    changes[i] = {
      address: c[0],
      deleted: c[1] === 1,
      nonce: bytesToBigIntFast(c[2]),
      balance: bytesToBigIntFast(c[3]),
      codeHash: c[4],
      code: c[5].length ? c[5] : null,
      storage: c[6],
    };
  }
  return { kind: "mini", seq, blockNumber, index, timestamp, blockTimestamp, txs, receipts, txHashes, lastCumulativeGas, changes };
}
