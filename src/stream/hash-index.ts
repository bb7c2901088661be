// The frame hash chain over a node's mini-block log, so the stream can start at any sequence
// number without rehashing history: a checkpoint every 1,024 entries, persisted to
// <datadir>/stream/hashes (derived data: rebuilt from the log when missing or inconsistent).
import { closeSync, mkdirSync, openSync, readFileSync, writeSync, ftruncateSync } from "node:fs";
import { dirname } from "node:path";
import { bytesEqual, bytesToHex } from "../crypto/index";
import type { Logger } from "../log/logger";
import { frameHash } from "./format";

/** The ordered log a stream serves. */
export interface LogSource {
  /** Last sequence number that may be served (durable), or -1n when the log is empty. */
  head(): bigint;
  /** The stored bytes of entry `seq`, or undefined. */
  entry(seq: bigint): Uint8Array | undefined;
}

export const CHECKPOINT_INTERVAL = 1024n;
const MAGIC = new TextEncoder().encode("BSQHIDX1");
const HEADER = MAGIC.length + 32;

export class HashIndex {
  private readonly checkpoints: Uint8Array[] = [];
  private tailSeq = -1n;
  private tailHash: Uint8Array;
  private fd: number;

  /** Opens (or builds) the index at `path` for the log anchored at `anchor` (the genesis hash). */
  constructor(
    private readonly path: string,
    private readonly anchor: Uint8Array,
    private readonly source: LogSource,
    private readonly log: Logger,
  ) {
    this.tailHash = anchor;
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "a+");
    this.load();
    this.extendTo(source.head());
  }

  /** Hash of the last indexed entry and its seq (-1 and the anchor when empty). */
  get tail(): { seq: bigint; hash: Uint8Array } {
    return { seq: this.tailSeq, hash: this.tailHash };
  }

  /** Indexes entries up to `head`; returns [seq, prevHash, hash, entry] for each new one. */
  extendTo(head: bigint, onEntry?: (seq: bigint, prevHash: Uint8Array, hash: Uint8Array, entry: Uint8Array) => void): void {
    const started = Date.now();
    for (let seq = this.tailSeq + 1n; seq <= head; seq++) {
      const entry = this.source.entry(seq);
      if (entry === undefined) throw new Error(`mini-block log has no entry ${seq} although its head is ${head}`);
      const prev = this.tailHash;
      const hash = frameHash(prev, seq, entry);
      this.tailSeq = seq;
      this.tailHash = hash;
      if ((seq + 1n) % CHECKPOINT_INTERVAL === 0n) this.appendCheckpoint(hash);
      onEntry?.(seq, prev, hash, entry);
      if (seq % 100_000n === 0n && Date.now() - started > 2000) this.log.info("indexing stream hashes", { seq: seq.toString(), head: head.toString() });
    }
  }

  /** Hash of entry seq-1 (the prevHash of frame `seq`); the anchor for seq 0. */
  hashBefore(seq: bigint): Uint8Array {
    if (seq === 0n) return this.anchor;
    const last = seq - 1n;
    if (last === this.tailSeq) return this.tailHash;
    if (last > this.tailSeq) throw new RangeError(`no hash for entry ${last}: indexed up to ${this.tailSeq}`);
    // Nearest checkpoint at or before `last`, then forward over the log.
    const k = (last + 1n) / CHECKPOINT_INTERVAL - 1n;
    let s = k < 0n ? 0n : (k + 1n) * CHECKPOINT_INTERVAL;
    let h = k < 0n ? this.anchor : this.checkpoints[Number(k)]!;
    for (; s <= last; s++) h = frameHash(h, s, this.source.entry(s)!);
    return h;
  }

  close(): void {
    closeSync(this.fd);
  }

  private load(): void {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(this.path);
    } catch {
      bytes = new Uint8Array(0);
    }
    const head = this.source.head();
    const valid =
      bytes.length >= HEADER &&
      bytesEqual(bytes.subarray(0, MAGIC.length), MAGIC) &&
      bytesEqual(bytes.subarray(MAGIC.length, HEADER), this.anchor) &&
      (bytes.length - HEADER) % 32 === 0;
    if (!valid) return this.reset(bytes.length > 0 ? "unreadable or for another chain" : null);
    const n = (bytes.length - HEADER) / 32;
    for (let i = 0; i < n; i++) this.checkpoints.push(bytes.slice(HEADER + i * 32, HEADER + (i + 1) * 32));
    if (n === 0) return;
    // The newest checkpoint must exist in the log and rehash to the same value.
    const lastSeq = BigInt(n) * CHECKPOINT_INTERVAL - 1n;
    if (lastSeq > head) return this.reset(`it covers entry ${lastSeq} but the log ends at ${head}`);
    let h = n >= 2 ? this.checkpoints[n - 2]! : this.anchor;
    for (let s = lastSeq + 1n - CHECKPOINT_INTERVAL; s <= lastSeq; s++) {
      const e = this.source.entry(s);
      if (e === undefined) return this.reset(`log entry ${s} is missing`);
      h = frameHash(h, s, e);
    }
    if (!bytesEqual(h, this.checkpoints[n - 1]!)) return this.reset(`checkpoint ${lastSeq} is ${bytesToHex(this.checkpoints[n - 1]!)}, the log hashes to ${bytesToHex(h)}`);
    this.tailSeq = lastSeq;
    this.tailHash = h;
  }

  private reset(why: string | null): void {
    if (why) this.log.warn("rebuilding the stream hash index", { path: this.path, reason: why });
    this.checkpoints.length = 0;
    this.tailSeq = -1n;
    this.tailHash = this.anchor;
    ftruncateSync(this.fd, 0);
    const header = new Uint8Array(HEADER);
    header.set(MAGIC);
    header.set(this.anchor, MAGIC.length);
    writeSync(this.fd, header);
  }

  private appendCheckpoint(hash: Uint8Array): void {
    this.checkpoints.push(hash);
    writeSync(this.fd, hash);
  }
}
