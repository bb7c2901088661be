// The state-diff stream's wire format, version 1 (docs/stream.md is the reference for writers of
// other replicas). Binary WebSocket messages carry frames; text messages carry JSON control
// messages (subscribe, ack, hello, error).
//
// A frame is one msgpack array [version, seq, prevHash, hash, entry]: `entry` is the mini-block
// log entry exactly as the sequencer stored it (src/chain/codec.ts), and
// hash = keccak256(prevHash ‖ u64be(seq) ‖ entry) chains every frame to the one before; the
// first frame's prevHash is the genesis block hash.
import { Packr } from "msgpackr";
import { bytesEqual, bytesToHex, keccak256 } from "../crypto/index";

export const STREAM_VERSION = 1;

/**
 * The one msgpackr configuration of the stream and of the log entries it carries (the same
 * options as src/chain/codec.ts): plain msgpack arrays, byte strings as msgpack bin, no records
 * or extension types, so any msgpack library can read it.
 */
export const STREAM_PACKR_OPTIONS = { useRecords: false, moreTypes: false } as const;
const packr = new Packr(STREAM_PACKR_OPTIONS);

/** WebSocket close codes the server uses (4000-4999 is the application range). */
export const CLOSE = {
  /** The subscribe request was malformed (bad JSON, missing fields, second subscribe, binary message...). */
  BAD_REQUEST: 4400,
  /** Missing or wrong token. */
  UNAUTHORIZED: 4401,
  /** The subscribe message did not arrive in time. */
  SUBSCRIBE_TIMEOUT: 4408,
  /** The subscriber asked for a sequence number beyond the server's head + 1. */
  AHEAD: 4409,
  /** The subscriber fell too far behind on live frames; reconnect from your last applied seq. */
  TOO_SLOW: 4008,
  /** Unsupported protocol version. */
  VERSION: 4426,
  /** The server is shutting down (or at its subscriber limit); reconnect later. */
  GOING_AWAY: 1001,
  TRY_AGAIN_LATER: 1013,
  /** Client side: a frame failed verification (gap, hash) and was refused. */
  BAD_FRAME: 4000,
} as const;

export interface Frame {
  version: number;
  seq: bigint;
  prevHash: Uint8Array;
  hash: Uint8Array;
  /** The log entry's bytes, as stored (decode with decodeLogEntry). */
  entry: Uint8Array;
}

export class FrameError extends Error {
  override name = "FrameError";
}

// Reused across calls (hashing is synchronous): a fresh buffer per frame costs more than the copy.
let hashInput = new Uint8Array(1 << 16);

/** keccak256(prevHash ‖ u64be(seq) ‖ entry). */
export function frameHash(prevHash: Uint8Array, seq: bigint, entry: Uint8Array): Uint8Array {
  const n = 40 + entry.length;
  if (hashInput.length < n) hashInput = new Uint8Array(Math.max(n, 2 * hashInput.length));
  hashInput.set(prevHash, 0);
  new DataView(hashInput.buffer).setBigUint64(32, seq);
  hashInput.set(entry, 40);
  return keccak256(hashInput.subarray(0, n));
}

export function encodeFrame(f: Omit<Frame, "version">): Uint8Array {
  if (f.seq > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`seq ${f.seq} exceeds 2^53-1`);
  return packr.pack([STREAM_VERSION, Number(f.seq), f.prevHash, f.hash, f.entry]);
}

/** Decodes a binary message into a frame, checking its shape (not its hash: see verifyFrame). */
export function decodeFrame(bytes: Uint8Array): Frame {
  let row: unknown;
  try {
    row = packr.unpack(bytes);
  } catch (err) {
    throw new FrameError(`frame is not msgpack: ${(err as Error).message}`);
  }
  if (!Array.isArray(row) || row.length !== 5) throw new FrameError("frame is not a 5-element msgpack array");
  const [version, seq, prevHash, hash, entry] = row;
  if (version !== STREAM_VERSION) throw new FrameError(`frame version ${String(version)}; this node speaks version ${STREAM_VERSION}`);
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) throw new FrameError(`frame seq ${String(seq)} is not a sequence number`);
  const isBytes = (b: unknown, n?: number) => b instanceof Uint8Array && (n === undefined || b.length === n);
  if (!isBytes(prevHash, 32) || !isBytes(hash, 32)) throw new FrameError(`frame ${seq}: hashes must be 32-byte strings`);
  if (!isBytes(entry) || (entry as Uint8Array).length === 0) throw new FrameError(`frame ${seq}: entry must be a non-empty byte string`);
  return { version, seq: BigInt(seq), prevHash: prevHash as Uint8Array, hash: hash as Uint8Array, entry: entry as Uint8Array };
}

/** Why a frame cannot follow the previous one; null when it can. */
export function verifyFrame(f: Frame, expectedSeq: bigint, expectedPrevHash: Uint8Array): string | null {
  if (f.seq !== expectedSeq) {
    return f.seq > expectedSeq
      ? `gap: expected frame ${expectedSeq}, got ${f.seq} (${f.seq - expectedSeq} missing)`
      : `duplicate or out of order: expected frame ${expectedSeq}, got ${f.seq}`;
  }
  if (!bytesEqual(f.prevHash, expectedPrevHash))
    return `chain-hash break at frame ${f.seq}: prevHash ${bytesToHex(f.prevHash)}, but the previous frame's hash is ${bytesToHex(expectedPrevHash)}`;
  const h = frameHash(f.prevHash, f.seq, f.entry);
  if (!bytesEqual(h, f.hash))
    return `hash mismatch at frame ${f.seq}: the frame says ${bytesToHex(f.hash)}, its contents hash to ${bytesToHex(h)} (corrupted in transit?)`;
  return null;
}

// ---- Control messages (JSON text) ----

/** Client → server, first message. `from` is the first sequence number wanted. */
export interface SubscribeRequest {
  type: "subscribe";
  version?: number;
  token: string;
  from: bigint;
  /** Flow-control window for history: unacknowledged bytes the server may have in flight. */
  window?: number;
}

/** Server → client, once subscribed. */
export interface Hello {
  type: "hello";
  version: number;
  chainId: string;
  genesisHash: string;
  /** The chain's genesis in geth's genesis.json format, so a fresh replica needs no config. */
  genesis: unknown;
  /** JSON-RPC URL transactions can be forwarded to (the sequencer's, or the upstream replica's). */
  rpc: string | null;
  /** Last sequence number the server has (-1 when the log is empty), and the first it will send. */
  head: string;
  from: string;
  /** Unacknowledged live bytes after which the server drops a subscriber. */
  maxLagBytes: number;
}

export type ErrorCode = "bad-request" | "unauthorized" | "ahead" | "unsupported-version" | "timeout" | "too-slow" | "unavailable";

/** Server → client before it closes the connection. */
export interface ErrorMessage {
  type: "error";
  code: ErrorCode;
  message: string;
}

/** Client → server: every frame up to `seq` is applied (releases flow-control window). */
export interface Ack {
  type: "ack";
  seq: bigint;
}

export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function parseSeq(v: unknown, what: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^(0|[1-9][0-9]{0,19})$/.test(v)) return BigInt(v);
  throw new RequestError("bad-request", `${what} must be a non-negative integer (number or decimal string), got ${JSON.stringify(v)}`);
}

/** Parses a client's text message: subscribe (first) or ack (later). Throws RequestError with a clear message. */
export function parseClientMessage(text: string): SubscribeRequest | Ack {
  let m: any;
  try {
    m = JSON.parse(text);
  } catch (err) {
    throw new RequestError("bad-request", `message is not JSON (${(err as Error).message}); send {"type":"subscribe","token":"...","from":N}`);
  }
  if (m === null || typeof m !== "object" || Array.isArray(m)) throw new RequestError("bad-request", `message must be a JSON object, got ${text.slice(0, 80)}`);
  if (m.type === "ack") return { type: "ack", seq: parseSeq(m.seq, "ack.seq") };
  if (m.type !== "subscribe") throw new RequestError("bad-request", `unknown message type ${JSON.stringify(m.type)}; expected "subscribe" (then "ack")`);
  if (m.version !== undefined && m.version !== STREAM_VERSION)
    throw new RequestError("unsupported-version", `stream version ${JSON.stringify(m.version)} is not supported; this server speaks version ${STREAM_VERSION}`);
  if (typeof m.token !== "string") throw new RequestError("unauthorized", 'subscribe needs "token": the shared stream token (--stream-token)');
  if (m.from === undefined) throw new RequestError("bad-request", 'subscribe needs "from": the first sequence number wanted (0 for everything)');
  const from = parseSeq(m.from, "subscribe.from");
  if (m.window !== undefined && (typeof m.window !== "number" || !Number.isSafeInteger(m.window) || m.window < 1))
    throw new RequestError("bad-request", `subscribe.window must be a positive integer (bytes), got ${JSON.stringify(m.window)}`);
  return { type: "subscribe", version: m.version, token: m.token, from, window: m.window };
}

export function subscribeMessage(token: string, from: bigint, window?: number): string {
  return JSON.stringify({ type: "subscribe", version: STREAM_VERSION, token, from: from.toString(), ...(window ? { window } : {}) });
}

export function ackMessage(seq: bigint): string {
  return `{"type":"ack","seq":"${seq}"}`;
}
