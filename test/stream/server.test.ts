// The stream server in-process over an in-memory log: history then live with no gap and no
// duplicate, starting anywhere (across hash-index checkpoints), flow control, the slow-subscriber
// drop, the test hook, clear errors for bad tokens and malformed requests, and the client's
// verification and reconnection.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesEqual } from "../../src/crypto/index";
import { createLogger } from "../../src/log/logger";
import { StreamClient } from "../../src/stream/client";
import { CLOSE, decodeFrame, frameHash, verifyFrame, type Frame } from "../../src/stream/format";
import { startStreamServer, type StreamServer } from "../../src/stream/server";

const quiet = createLogger("error", true);
const GENESIS: Uint8Array = new Uint8Array(32).fill(7);
const TOKEN = "test-token-123";
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function memLog(n: number) {
  const entries: Uint8Array[] = [];
  const add = (k: number) => {
    for (let i = 0; i < k; i++) {
      const e = new Uint8Array(40 + ((entries.length * 7) % 60));
      e.fill(entries.length & 0xff);
      e[0] = 1 + (entries.length % 200);
      entries.push(e);
    }
  };
  add(n);
  return { entries, add, source: { head: () => BigInt(entries.length - 1), entry: (s: bigint) => entries[Number(s)] } };
}

function start(log: ReturnType<typeof memLog>, extra: Partial<Parameters<typeof startStreamServer>[0]> = {}, datadir?: string): StreamServer {
  const dir = datadir ?? mkdtempSync(join(tmpdir(), "bunseq-stream-"));
  if (!datadir) dirs.push(dir);
  return startStreamServer({ source: log.source, datadir: dir, genesis: { hash: GENESIS, chainId: 31337n, json: { config: { chainId: 31337 } } }, token: TOKEN, port: 0, log: quiet, ...extra });
}

/** A raw subscriber: collects text messages, frames, and the close event. */
function raw(url: string) {
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  const texts: any[] = [];
  const frames: Frame[] = [];
  let bytes = 0;
  let closed: { code: number; reason: string } | null = null;
  const opened = new Promise<void>((r) => (ws.onopen = () => r()));
  ws.onmessage = (e) => {
    if (typeof e.data === "string") texts.push(JSON.parse(e.data));
    else {
      bytes += (e.data as ArrayBuffer).byteLength;
      frames.push(decodeFrame(new Uint8Array(e.data as ArrayBuffer)));
    }
  };
  const closedP = new Promise<{ code: number; reason: string }>((r) => (ws.onclose = (e) => r((closed = { code: e.code, reason: e.reason }))));
  return {
    ws, texts, frames, opened, closedP,
    get bytes() {
      return bytes;
    },
    get closed() {
      return closed;
    },
    send: (m: unknown) => ws.send(typeof m === "string" ? m : JSON.stringify(m)),
  };
}

async function until(what: string, fn: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

function checkChain(frames: Frame[], from: bigint, entries: Uint8Array[]) {
  let prev = frames[0]!.prevHash;
  frames.forEach((f, i) => {
    expect(f.seq).toBe(from + BigInt(i));
    expect(verifyFrame(f, from + BigInt(i), prev)).toBeNull();
    expect(bytesEqual(f.entry, entries[Number(f.seq)]!)).toBe(true);
    prev = f.hash;
  });
}

/** The hash of entry `seq`, computed from scratch. */
function hashAt(entries: Uint8Array[], seq: number): Uint8Array {
  let h = GENESIS;
  for (let s = 0; s <= seq; s++) h = frameHash(h, BigInt(s), entries[s]!);
  return h;
}

describe("stream server", () => {
  test("history from any seq (across checkpoints), then live, no gap and no duplicate", async () => {
    const log = memLog(3000);
    const srv = start(log);
    for (const from of [0, 1023, 1024, 2049]) {
      const n = log.entries.length;
      const c = raw(srv.url);
      await c.opened;
      c.send({ type: "subscribe", token: TOKEN, from });
      await until("history", () => c.frames.length >= n - from);
      const hello = c.texts.find((t) => t.type === "hello");
      expect(hello).toMatchObject({ version: 1, chainId: "31337", head: String(n - 1), from: String(from) });
      expect(bytesEqual(c.frames[0]!.prevHash, from === 0 ? GENESIS : hashAt(log.entries, from - 1))).toBe(true);
      c.send({ type: "ack", seq: n - 1 });
      log.add(5);
      srv.notify();
      await until("live", () => c.frames.length === n + 5 - from);
      checkChain(c.frames, BigInt(from), log.entries);
      c.ws.close();
    }
    await srv.stop();
  });

  test("the hash index persists, and is rebuilt when it does not match the log", async () => {
    const log = memLog(2100);
    const dir = mkdtempSync(join(tmpdir(), "bunseq-stream-"));
    dirs.push(dir);
    let srv = start(log, {}, dir);
    await srv.stop();
    const file = join(dir, "stream", "hashes");
    expect(readFileSync(file).length).toBe(40 + 2 * 32); // header + checkpoints for 1023 and 2047
    const bad = readFileSync(file);
    bad[bad.length - 1]! ^= 1;
    writeFileSync(file, bad);
    srv = start(log, {}, dir);
    const c = raw(srv.url);
    await c.opened;
    c.send({ type: "subscribe", token: TOKEN, from: 2050 });
    await until("frames", () => c.frames.length === 50);
    expect(bytesEqual(c.frames[0]!.prevHash, hashAt(log.entries, 2049))).toBe(true);
    await srv.stop();
  });

  test("history is paced by the subscriber's window; acks release more", async () => {
    const log = memLog(2000);
    const srv = start(log);
    const c = raw(srv.url);
    await c.opened;
    c.send({ type: "subscribe", token: TOKEN, from: 0, window: 4096 });
    await Bun.sleep(150);
    expect(c.frames.length).toBeGreaterThan(0);
    expect(c.bytes).toBeLessThan(4096 + 400);
    const got = c.frames.length;
    c.send({ type: "ack", seq: String(c.frames[got - 1]!.seq) });
    await until("more frames", () => c.frames.length > got);
    await srv.stop();
  });

  test("a live subscriber that does not keep up is dropped with a clear reason", async () => {
    const log = memLog(1);
    const srv = start(log, { faults: "maxlag:20000" });
    const c = raw(srv.url);
    await c.opened;
    c.send({ type: "subscribe", token: TOKEN, from: 0 });
    await until("hello", () => c.frames.length === 1);
    for (let i = 0; i < 400 && !c.closed; i++) {
      log.add(1);
      srv.notify(); // never acked
      await Bun.sleep(0);
    }
    const closed = await c.closedP;
    expect(closed.code).toBe(CLOSE.TOO_SLOW);
    expect(c.texts.find((t) => t.type === "error")).toMatchObject({ code: "too-slow" });
    expect(c.texts.find((t) => t.type === "error").message).toContain("reconnect from your last applied seq");
    expect(srv.stats().subscribers.length).toBe(0);
    await srv.stop();
  });

  test("bad token and malformed subscribe requests get clear errors", async () => {
    const log = memLog(10);
    const srv = start(log, { subscribeTimeoutMs: 300 });
    const cases: [unknown, string, number, string][] = [
      [{ type: "subscribe", token: "wrong", from: 0 }, "unauthorized", CLOSE.UNAUTHORIZED, "bad stream token"],
      [{ type: "subscribe", from: 0 }, "unauthorized", CLOSE.UNAUTHORIZED, '"token"'],
      ["{not json", "bad-request", CLOSE.BAD_REQUEST, "not JSON"],
      [[1, 2], "bad-request", CLOSE.BAD_REQUEST, "JSON object"],
      [{ type: "subscribe", token: TOKEN }, "bad-request", CLOSE.BAD_REQUEST, '"from"'],
      [{ type: "subscribe", token: TOKEN, from: -1 }, "bad-request", CLOSE.BAD_REQUEST, "non-negative integer"],
      [{ type: "subscribe", token: TOKEN, from: "0x10" }, "bad-request", CLOSE.BAD_REQUEST, "non-negative integer"],
      [{ type: "subscribe", token: TOKEN, from: 0, window: 0 }, "bad-request", CLOSE.BAD_REQUEST, "window"],
      [{ type: "hello" }, "bad-request", CLOSE.BAD_REQUEST, "unknown message type"],
      [{ type: "ack", seq: 1 }, "bad-request", CLOSE.BAD_REQUEST, "first message must be"],
      [{ type: "subscribe", version: 2, token: TOKEN, from: 0 }, "unsupported-version", CLOSE.VERSION, "version 2"],
      [{ type: "subscribe", token: TOKEN, from: 12 }, "ahead", CLOSE.AHEAD, "beyond this stream's head 9"],
    ];
    for (const [msg, code, close, text] of cases) {
      const c = raw(srv.url);
      await c.opened;
      c.send(msg);
      const closed = await c.closedP;
      const err = c.texts.find((t) => t.type === "error");
      expect({ msg, code: err?.code, close: closed.code }).toEqual({ msg, code, close });
      expect(err.message).toContain(text);
      expect(c.frames.length).toBe(0);
    }
    // binary first message
    const b = raw(srv.url);
    await b.opened;
    b.ws.send(new Uint8Array([1, 2, 3]));
    expect((await b.closedP).code).toBe(CLOSE.BAD_REQUEST);
    expect(b.texts[0].message).toContain("binary messages are not accepted");
    // silence
    const s = raw(srv.url);
    await s.opened;
    expect((await s.closedP).code).toBe(CLOSE.SUBSCRIBE_TIMEOUT);
    // plain HTTP
    const res = await fetch(srv.url.replace("ws:", "http:"));
    expect(res.status).toBe(426);
    expect(await res.text()).toContain("docs/stream.md");
    await srv.stop();
  });

  test("client: refuses a dropped and a corrupted frame, reconnects, and applies every frame exactly once", async () => {
    const log = memLog(50);
    const srv = start(log, { faults: "drop:60,corrupt:70" });
    const applied: bigint[] = [];
    let head = { seq: -1n, hash: GENESIS };
    const errors: string[] = [];
    const logSink = { ...quiet, error: (m: string, f?: Record<string, unknown>) => void errors.push(`${m} ${f?.error}`), child: () => logSink } as any;
    const client = new StreamClient({
      url: srv.url,
      token: TOKEN,
      log: logSink,
      position: () => ({ from: head.seq + 1n, prevHash: head.hash }),
      onHello: () => {},
      onFrames: async (frames) => {
        for (const f of frames) {
          applied.push(f.seq);
          head = { seq: f.seq, hash: f.hash };
        }
        await Bun.sleep(1);
      },
      onFatal: (e) => errors.push(`FATAL ${e.message}`),
    });
    client.start();
    await until("caught up", () => head.seq === 49n);
    for (let i = 0; i < 40; i++) {
      log.add(1);
      srv.notify();
      await Bun.sleep(3);
    }
    await until("all applied", () => head.seq === 89n, 8000);
    await client.stop();
    expect(applied).toEqual(Array.from({ length: 90 }, (_, i) => BigInt(i)));
    expect(errors.some((e) => e.includes("gap: expected frame 60, got 61"))).toBe(true);
    expect(errors.some((e) => e.includes("hash mismatch at frame 70"))).toBe(true);
    expect(errors.some((e) => e.startsWith("FATAL"))).toBe(false);
    expect(client.stats.refusedFrames).toBe(2);
    await srv.stop();
  });

  test("client: a bad token is fatal, with the server's message", async () => {
    const srv = start(memLog(3));
    const fatal = await new Promise<Error>((resolve) => {
      const c = new StreamClient({
        url: srv.url, token: "nope", log: quiet, position: () => ({ from: 0n, prevHash: null }),
        onHello: () => {}, onFrames: () => {}, onFatal: resolve,
      });
      c.start();
    });
    expect(fatal.message).toContain("unauthorized: bad stream token");
    await srv.stop();
  });
});
