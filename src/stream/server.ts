// The stream server: serves a node's mini-block log as hash-chained frames over WebSocket
// (Bun.serve, its own port). A subscriber sends {"type":"subscribe","token","from"}; the server
// answers with a hello, then frames from `from` on: history read from LMDB, paced by the
// subscriber's acknowledgements, then live frames as entries are committed, with no gap and no
// duplicate (one cursor per subscriber). A live subscriber that falls more than maxLagBytes
// behind is dropped (close 4008) and reconnects from its own last applied seq: a slow replica
// never slows the producer or grows its memory without bound. See docs/stream.md.
import { timingSafeEqual } from "node:crypto";
import { join } from "node:path";
import type { Server, ServerWebSocket } from "bun";
import { bytesToHex } from "../crypto/index";
import type { Logger } from "../log/logger";
import { corruptFrame, parseFaults, type FaultPlan } from "./fault";
import {
  CLOSE,
  encodeFrame,
  frameHash,
  parseClientMessage,
  RequestError,
  STREAM_VERSION,
  type ErrorCode,
  type Hello,
} from "./format";
import { HashIndex, type LogSource } from "./hash-index";

export interface StreamServerOptions {
  source: LogSource;
  /** The node's datadir; the hash index lives in <datadir>/stream/. */
  datadir: string;
  genesis: { hash: Uint8Array; chainId: bigint; json: unknown };
  token: string;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Announced in the hello: where subscribers may forward transactions. */
  rpcUrl?: string | null;
  /** Unacknowledged live bytes after which a subscriber is dropped. Default 64 MiB. */
  maxLagBytes?: number;
  /** History window when the subscriber names none. Default 8 MiB. */
  defaultWindow?: number;
  maxSubscribers?: number;
  subscribeTimeoutMs?: number;
  heartbeatMs?: number;
  /** --stream-test-fault (tests only). */
  faults?: string;
  log: Logger;
}

export interface StreamServer {
  url: string;
  port: number;
  /** Call after entries become durable: sends them to live subscribers. */
  notify(): void;
  stats(): { subscribers: { id: number; state: string; next: string; unackedBytes: number }[]; head: string };
  stop(): Promise<void>;
}

type Phase = "subscribing" | "history" | "live" | "closed";

interface Sub {
  id: number;
  ws: ServerWebSocket<SocketData>;
  phase: Phase;
  /** Next seq to send and the hash of the entry before it. */
  next: bigint;
  prevHash: Uint8Array;
  window: number;
  /** Sent, not yet acknowledged: [seq, bytes], oldest first. */
  inflight: [bigint, number][];
  unacked: number;
  pumping: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

interface SocketData {
  sub: Sub | null;
  remote: string;
}

const CACHE_FRAMES = 512;
/**
 * History serving, all subscribers together, may use at most this many ms of every 10 ms of the
 * node's thread: BUSY while the node's own work delays our timers (a producing sequencer), IDLE
 * when they fire on time.
 */
const HISTORY_MS_PER_10MS_BUSY = 3;
const HISTORY_MS_PER_10MS_IDLE = 8;
/** A 1 ms timer that fires later than this means the thread is busy with other work. */
const BUSY_TIMER_LATENESS_MS = 4;
/** Socket bytes buffered in user space beyond which history waits for drain. */
const HIGH_WATER = 4 << 20;

export function startStreamServer(o: StreamServerOptions): StreamServer {
  const log = o.log;
  const maxLagBytes = o.maxLagBytes ?? 64 << 20;
  const faults: FaultPlan = parseFaults(o.faults);
  const maxLag = faults.maxLagBytes ?? maxLagBytes;
  const defaultWindow = Math.min(o.defaultWindow ?? 8 << 20, maxLag);
  const maxSubscribers = o.maxSubscribers ?? 64;
  const token = Buffer.from(o.token, "utf8");
  const index = new HashIndex(join(o.datadir, "stream", "hashes"), o.genesis.hash, o.source, log);
  /** Encoded frames of recent entries (live traffic is encoded once for every subscriber). */
  const cache = new Map<bigint, { bytes: Uint8Array; hash: Uint8Array }>();
  const subs = new Set<Sub>();
  let nextId = 1;
  let stopped = false;

  const tokenOk = (given: string) => {
    const b = Buffer.from(given, "utf8");
    return b.length === token.length && timingSafeEqual(b, token);
  };

  function fail(ws: ServerWebSocket<SocketData>, code: ErrorCode, closeCode: number, message: string): void {
    log.warn("stream subscriber refused", { remote: ws.data.remote, code, error: message });
    ws.send(JSON.stringify({ type: "error", code, message }));
    ws.close(closeCode, message.length > 120 ? message.slice(0, 117) + "..." : message);
    if (ws.data.sub) ws.data.sub.phase = "closed";
  }

  function drop(sub: Sub, code: ErrorCode, closeCode: number, message: string): void {
    if (sub.phase === "closed") return;
    log.warn("stream subscriber dropped", { id: sub.id, remote: sub.ws.data.remote, error: message });
    sub.phase = "closed";
    try {
      sub.ws.send(JSON.stringify({ type: "error", code, message }));
      sub.ws.close(closeCode, message.slice(0, 120));
    } catch {}
    // A subscriber that stopped reading never completes the close handshake: cut it off.
    setTimeout(() => {
      try {
        sub.ws.terminate();
      } catch {}
    }, 2000).unref?.();
  }

  /** Sends one frame; false when the subscriber is gone. */
  function send(sub: Sub, seq: bigint, bytes: Uint8Array): boolean {
    const r = sub.ws.send(bytes);
    if (r === 0) {
      sub.phase = "closed";
      return false;
    }
    sub.inflight.push([seq, bytes.length]);
    sub.unacked += bytes.length;
    return true;
  }

  function applyFault(seq: bigint, bytes: Uint8Array): Uint8Array | null {
    const kind = faults.frames.get(seq);
    if (kind === undefined) return bytes;
    log.warn("stream test hook: spoiling a frame", { seq: seq.toString(), fault: kind });
    return kind === "drop" ? null : corruptFrame(bytes);
  }

  function frameAt(seq: bigint, prevHash: Uint8Array): { bytes: Uint8Array; hash: Uint8Array } {
    const cached = cache.get(seq);
    if (cached) return cached;
    const entry = o.source.entry(seq);
    if (entry === undefined) throw new Error(`mini-block log entry ${seq} is missing`);
    const hash = frameHash(prevHash, seq, entry);
    return { bytes: encodeFrame({ seq, prevHash, hash, entry }), hash };
  }

  // One budget for every subscriber's history, so catching-up replicas, however many, take at
  // most 30% of the node's thread (the sequencer's mini-block loop keeps its rhythm).
  let budgetWindow = 0;
  let budgetUsed = 0;
  let busy = true;
  function budgetLeft(now: number): number {
    if (now - budgetWindow >= 10) {
      budgetWindow = now;
      budgetUsed = 0;
    }
    return (busy ? HISTORY_MS_PER_10MS_BUSY : HISTORY_MS_PER_10MS_IDLE) - budgetUsed;
  }
  /** Schedules the next pump of `sub` in `ms`, noting from the timer's lateness whether the thread is busy. */
  function later(sub: Sub, ms: number): void {
    const due = performance.now() + ms;
    sub.timer = setTimeout(() => {
      sub.timer = null;
      busy = performance.now() - due > BUSY_TIMER_LATENESS_MS;
      pump(sub);
    }, ms);
  }

  /** Sends history to `sub` while its window, its socket and the shared budget allow. */
  function pump(sub: Sub): void {
    if (sub.phase !== "history" || sub.pumping || sub.timer) return;
    const start = performance.now();
    const left = budgetLeft(start);
    if (left <= 0) return later(sub, Math.max(1, Math.ceil(budgetWindow + 10 - start)));
    const deadline = start + left;
    sub.pumping = true;
    try {
      while (sub.phase === "history") {
        if (sub.next > index.tail.seq) {
          sub.phase = "live";
          log.debug("stream subscriber is live", { id: sub.id, next: sub.next.toString() });
          return;
        }
        if (sub.unacked >= sub.window || sub.ws.getBufferedAmount() > HIGH_WATER) return; // resumed by ack / drain
        const seq = sub.next;
        const f = frameAt(seq, sub.prevHash);
        const out = faults.frames.has(seq) ? applyFault(seq, f.bytes) : f.bytes;
        faults.frames.delete(seq);
        if (out !== null && !send(sub, seq, out)) return;
        sub.next = seq + 1n;
        sub.prevHash = f.hash;
        // Out of budget: yield so the node's own timers keep their rhythm.
        if (performance.now() > deadline) return later(sub, 1);
      }
    } catch (err) {
      log.error("stream history failed", { id: sub.id, error: String((err as Error)?.stack ?? err) });
      drop(sub, "unavailable", CLOSE.TRY_AGAIN_LATER, `server error reading history: ${(err as Error).message}`);
    } finally {
      sub.pumping = false;
      budgetUsed += performance.now() - start;
    }
  }

  function notify(): void {
    if (stopped) return;
    const head = o.source.head();
    if (head <= index.tail.seq) return;
    index.extendTo(head, (seq, prevHash, hash, entry) => {
      const bytes = encodeFrame({ seq, prevHash, hash, entry });
      cache.set(seq, { bytes, hash });
      if (cache.size > CACHE_FRAMES) cache.delete(cache.keys().next().value!);
      let out: Uint8Array | null = bytes;
      let live = 0;
      for (const sub of subs) {
        if (sub.phase !== "live" || sub.next !== seq) continue;
        if (live++ === 0 && faults.frames.has(seq)) out = applyFault(seq, bytes);
        if (out !== null && !send(sub, seq, out)) continue;
        sub.next = seq + 1n;
        sub.prevHash = hash;
        if (sub.unacked > maxLag)
          drop(sub, "too-slow", CLOSE.TOO_SLOW, `too slow: ${sub.unacked} bytes of live frames unacknowledged (limit ${maxLag}); reconnect from your last applied seq`);
      }
      if (live > 0) faults.frames.delete(seq);
    });
  }

  function onSubscribe(ws: ServerWebSocket<SocketData>, text: string): void {
    let req;
    try {
      req = parseClientMessage(text);
    } catch (err) {
      if (err instanceof RequestError) {
        const close = err.code === "unauthorized" ? CLOSE.UNAUTHORIZED : err.code === "unsupported-version" ? CLOSE.VERSION : CLOSE.BAD_REQUEST;
        return fail(ws, err.code, close, err.message);
      }
      throw err;
    }
    if (req.type !== "subscribe") return fail(ws, "bad-request", CLOSE.BAD_REQUEST, 'the first message must be {"type":"subscribe",...}, not an ack');
    if (!tokenOk(req.token)) return fail(ws, "unauthorized", CLOSE.UNAUTHORIZED, "bad stream token: it does not match this server's --stream-token");
    notify();
    const head = index.tail.seq;
    if (req.from > head + 1n)
      return fail(
        ws,
        "ahead",
        CLOSE.AHEAD,
        `from ${req.from} is beyond this stream's head ${head} (the next entry is ${head + 1n}): is the subscriber following another chain, or was this node's datadir reset?`,
      );
    const sub = ws.data.sub!;
    if (sub.timer) clearTimeout(sub.timer);
    sub.timer = null;
    sub.next = req.from;
    sub.prevHash = index.hashBefore(req.from);
    sub.window = Math.min(req.window ?? defaultWindow, maxLag);
    sub.phase = "history";
    const hello: Hello = {
      type: "hello",
      version: STREAM_VERSION,
      chainId: o.genesis.chainId.toString(),
      genesisHash: bytesToHex(o.genesis.hash),
      genesis: o.genesis.json,
      rpc: o.rpcUrl ?? null,
      head: head.toString(),
      from: req.from.toString(),
      maxLagBytes: maxLag,
    };
    ws.send(JSON.stringify(hello));
    log.info("stream subscriber", { id: sub.id, remote: ws.data.remote, from: req.from.toString(), head: head.toString() });
    pump(sub);
  }

  function onAck(sub: Sub, text: string): void {
    let msg;
    try {
      msg = parseClientMessage(text);
    } catch (err) {
      if (err instanceof RequestError) return drop(sub, err.code, CLOSE.BAD_REQUEST, err.message);
      throw err;
    }
    if (msg.type !== "ack") return drop(sub, "bad-request", CLOSE.BAD_REQUEST, "already subscribed: send acks only");
    while (sub.inflight.length && sub.inflight[0]![0] <= msg.seq) sub.unacked -= sub.inflight.shift()![1];
    pump(sub);
  }

  const heartbeat = setInterval(() => {
    const msg = JSON.stringify({ type: "heartbeat", head: index.tail.seq.toString() });
    for (const sub of subs) if (sub.phase === "history" || sub.phase === "live") sub.ws.send(msg);
  }, o.heartbeatMs ?? 5000);

  const server: Server<SocketData> = Bun.serve<SocketData, never>({
    hostname: o.host ?? "127.0.0.1",
    port: o.port,
    fetch(req, srv) {
      const upgrade = req.headers.get("upgrade");
      if (upgrade?.toLowerCase() === "websocket") {
        if (subs.size >= maxSubscribers) return new Response(`too many stream subscribers (limit ${maxSubscribers}); retry later\n`, { status: 503 });
        const remote = srv.requestIP(req);
        if (srv.upgrade(req, { data: { sub: null, remote: remote ? `${remote.address}:${remote.port}` : "?" } })) return undefined;
        return new Response("WebSocket upgrade failed\n", { status: 400 });
      }
      return new Response(
        "This is a bunseq state-diff stream: connect with WebSocket and send " +
          '{"type":"subscribe","token":"...","from":N}. Format: docs/stream.md\n',
        { status: 426, headers: { upgrade: "websocket", "content-type": "text/plain" } },
      );
    },
    websocket: {
      maxPayloadLength: 64 << 10,
      backpressureLimit: 1 << 30,
      closeOnBackpressureLimit: false,
      idleTimeout: 120,
      sendPings: true,
      open(ws) {
        const sub: Sub = {
          id: nextId++, ws, phase: "subscribing", next: 0n, prevHash: o.genesis.hash, window: defaultWindow,
          inflight: [], unacked: 0, pumping: false, timer: null,
        };
        ws.data.sub = sub;
        subs.add(sub);
        const ms = o.subscribeTimeoutMs ?? 10_000;
        sub.timer = setTimeout(() => {
          sub.timer = null;
          if (sub.phase === "subscribing") fail(ws, "timeout", CLOSE.SUBSCRIBE_TIMEOUT, `no subscribe message within ${ms} ms`);
        }, ms);
      },
      message(ws, message) {
        const sub = ws.data.sub;
        if (!sub || sub.phase === "closed") return;
        if (typeof message !== "string")
          return fail(ws, "bad-request", CLOSE.BAD_REQUEST, "binary messages are not accepted: send JSON text messages (subscribe, then acks)");
        try {
          if (sub.phase === "subscribing") onSubscribe(ws, message);
          else onAck(sub, message);
        } catch (err) {
          log.error("stream request failed", { id: sub.id, error: String((err as Error)?.stack ?? err) });
          drop(sub, "unavailable", CLOSE.TRY_AGAIN_LATER, `server error: ${(err as Error).message}`);
        }
      },
      drain(ws) {
        const sub = ws.data.sub;
        if (sub) pump(sub);
      },
      close(ws, code, reason) {
        const sub = ws.data.sub;
        if (!sub) return;
        if (sub.timer) clearTimeout(sub.timer);
        if (sub.phase !== "closed" && sub.phase !== "subscribing")
          log.info("stream subscriber left", { id: sub.id, next: sub.next.toString(), code, reason });
        sub.phase = "closed";
        subs.delete(sub);
      },
    },
  });

  const host = o.host ?? "127.0.0.1";
  const url = `ws://${host.includes(":") ? `[${host}]` : host}:${server.port}`;
  log.info("stream listening", { url, head: index.tail.seq.toString() });
  return {
    url,
    port: server.port!,
    notify,
    stats: () => ({
      head: index.tail.seq.toString(),
      subscribers: [...subs].map((s) => ({ id: s.id, state: s.phase, next: s.next.toString(), unackedBytes: s.unacked })),
    }),
    async stop() {
      stopped = true;
      clearInterval(heartbeat);
      for (const sub of subs) {
        if (sub.timer) clearTimeout(sub.timer);
        try {
          sub.ws.close(CLOSE.GOING_AWAY, "stream server shutting down");
        } catch {}
      }
      await server.stop(true);
      index.close();
    },
  };
}
