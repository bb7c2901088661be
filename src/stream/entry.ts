// Lean reading of mini-block log entries (the layout src/chain/codec.ts writes and docs/stream.md
// documents) for followers that apply diffs. Only the state diff becomes objects (what
// StateDb.apply takes); transactions and receipts stay byte ranges of the entry: each receipt's
// bytes are exactly what the store keeps per receipt (codec.encodeReceipt of the same row), so a
// seal stores them without re-encoding. decodeLogEntry builds everything eagerly; this keeps a
// replica's cost close to the state work itself.
import type { AccountChange } from "../exec/abi";

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
  // array() and bin() run for every item of an entry: written out, without helper calls.
  array(): number {
    const b = this.b;
    const p = this.pos;
    const t = b[p];
    if (t !== undefined && t >= 0x90 && t <= 0x9f) {
      this.pos = p + 1;
      return t & 0x0f;
    }
    if (t === 0xdc || t === 0xdd) {
      const end = p + (t === 0xdc ? 3 : 5);
      if (end > b.length) throw new EntryError("entry is truncated");
      this.pos = end;
      return t === 0xdc ? this.view.getUint16(p + 1) : this.view.getUint32(p + 1);
    }
    if (t === undefined) throw new EntryError("entry is truncated");
    throw new EntryError(`expected an array, found type 0x${t.toString(16)}`);
  }
  bin(): Uint8Array {
    const b = this.b;
    const p = this.pos;
    const t = b[p];
    let start: number;
    let n: number;
    if (t === 0xc4 && p + 2 <= b.length) (start = p + 2), (n = b[p + 1]!);
    else if (t === 0xc5 && p + 3 <= b.length) (start = p + 3), (n = this.view.getUint16(p + 1));
    else if (t === 0xc6 && p + 5 <= b.length) (start = p + 5), (n = this.view.getUint32(p + 1));
    else if (t === undefined || t === 0xc4 || t === 0xc5 || t === 0xc6) throw new EntryError("entry is truncated");
    else throw new EntryError(`expected bytes, found type 0x${t.toString(16)}`);
    const end = start + n;
    if (end > b.length) throw new EntryError("entry is truncated");
    this.pos = end;
    return b.subarray(start, end);
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
  /** Skips `count` values of any type; one loop, nested arrays and maps adding their items to the count. */
  skip(count = 1): void {
    const b = this.b;
    const len = b.length;
    let pos = this.pos;
    for (let n = count; n > 0; n--) {
      if (pos >= len) throw new EntryError("entry is truncated");
      const t = b[pos++]!;
      if (t <= 0x7f || t >= 0xe0) continue;
      if (t >= 0x90 && t <= 0x9f) n += t & 0x0f;
      else if (t >= 0xa0 && t <= 0xbf) pos += t & 0x1f;
      else if (t >= 0x80 && t <= 0x8f) n += 2 * (t & 0x0f);
      else if (t === 0xc4 || t === 0xd9) pos += 1 + (pos < len ? b[pos]! : 0);
      else if (t === 0xc5 || t === 0xda) pos += 2 + (pos + 2 <= len ? this.view.getUint16(pos) : 0);
      else if (t === 0xc6 || t === 0xdb) pos += 4 + (pos + 4 <= len ? this.view.getUint32(pos) : 0);
      else if (t === 0xdc) (n += pos + 2 <= len ? this.view.getUint16(pos) : 0), (pos += 2);
      else if (t === 0xdd) (n += pos + 4 <= len ? this.view.getUint32(pos) : 0), (pos += 4);
      else if (t === 0xde) (n += pos + 2 <= len ? 2 * this.view.getUint16(pos) : 0), (pos += 2);
      else if (t === 0xdf) (n += pos + 4 <= len ? 2 * this.view.getUint32(pos) : 0), (pos += 4);
      else if (t === 0xcc || t === 0xd0) pos += 1;
      else if (t === 0xcd || t === 0xd1) pos += 2;
      else if (t === 0xce || t === 0xd2 || t === 0xca) pos += 4;
      else if (t === 0xcf || t === 0xd3 || t === 0xcb) pos += 8;
      else if (t >= 0xd4 && t <= 0xd8) pos += 1 + (1 << (t - 0xd4)); // fixext: type byte and 1-16 data bytes
      else if (t === 0xc7) pos += 2 + (pos < len ? b[pos]! : 0);
      else if (t === 0xc8) pos += 3 + (pos + 2 <= len ? this.view.getUint16(pos) : 0);
      else if (t === 0xc9) pos += 5 + (pos + 4 <= len ? this.view.getUint32(pos) : 0);
      else if (t !== 0xc0 && t !== 0xc2 && t !== 0xc3) throw new EntryError(`unknown msgpack type 0x${t.toString(16)}`);
    }
    if (pos > len) throw new EntryError("entry is truncated");
    this.pos = pos;
  }
}

/** True when `bytes` starts like a seal entry ([1, ...] with 3 fields); decodeEntryRows checks the rest. */
export function looksLikeSeal(bytes: Uint8Array): boolean {
  return bytes[0] === 0x93 && bytes[1] === SEAL;
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
    r.skip(2); // type, status
    if (i === nrc - 1) lastCumulativeGas = bytesToBigIntFast(r.bin());
    else r.skip(); // cumulative gas used
    r.skip(6); // gas used, logs, contract address, effective gas price, from, to
    const hash = r.bin();
    if (hash.length !== 32) throw new EntryError(`receipt ${i}: ${hash.length}-byte transaction hash`);
    r.skip(3); // index, block number, first log index
    receipts[i] = bytes.subarray(start, r.pos);
    txHashes[i] = hash;
  }
  const nch = r.array();
  const changes: AccountChange[] = new Array(nch);
  for (let i = 0; i < nch; i++) {
    if (r.array() !== 7) throw new EntryError(`malformed state change ${i}`);
    const address = r.bin();
    if (address.length !== 20) throw new EntryError(`malformed state change ${i}: ${address.length}-byte address`);
    const deleted = r.number() === 1;
    const nonce = bytesToBigIntFast(r.bin());
    const balance = bytesToBigIntFast(r.bin());
    const codeHash = r.bin();
    const code = r.bin();
    const nslots = r.array();
    const storage: [Uint8Array, Uint8Array][] = new Array(nslots);
    for (let k = 0; k < nslots; k++) {
      if (r.array() !== 2) throw new EntryError(`malformed state change ${i}: storage entry ${k} is not [slot, value]`);
      storage[k] = [r.bin(), r.bin()];
    }
    changes[i] = { address, deleted, nonce, balance, codeHash, code: code.length ? code : null, storage };
  }
  if (r.pos !== bytes.length) throw new EntryError(`${bytes.length - r.pos} bytes after the state diff`);
  return { kind: "mini", seq, blockNumber, index, timestamp, blockTimestamp, txs, receipts, txHashes, lastCumulativeGas, changes };
}
