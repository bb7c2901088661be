// The stream client a replica or full node follows its upstream with: subscribes from its own
// position, verifies every frame (seq continuity and the hash chain) before handing it over,
// acknowledges what was applied, and reconnects by itself (with backoff) after disconnects,
// refused frames, or an upstream restart, always from its own last applied seq.
import { bytesEqual, bytesToHex, hexToBytes } from "../crypto/index";
import type { Logger } from "../log/logger";
import { ackMessage, CLOSE, decodeFrame, FrameError, subscribeMessage, verifyFrame, type Frame, type Hello } from "./format";

/** Stops the follower: retrying cannot help (bad token, another chain, a state-root mismatch...). */
export class StreamFatalError extends Error {
  override name = "StreamFatalError";
  constructor(
    message: string,
    /** Process exit code the CLI uses: 2 configuration/authentication, 3 chain verification. */
    readonly exitCode = 3,
  ) {
    super(message);
  }
}

export interface StreamPosition {
  /** Next sequence number wanted. */
  from: bigint;
  /** Hash of entry from-1 as this node has it; null when from = 0 (the genesis hash from the hello is used). */
  prevHash: Uint8Array | null;
}

export interface StreamClientOptions {
  url: string;
  token: string;
  position(): StreamPosition;
  /** Called once per connection before any frame is handed over; may throw StreamFatalError. */
  onHello(hello: Hello): Promise<void> | void;
  /**
   * Applies verified, consecutive frames; throwing stops the client (onFatal). `more` is true when
   * later frames are known to exist (already received, or below the upstream's announced head).
   */
  onFrames(frames: Frame[], more: boolean): Promise<void> | void;
  onFatal(err: Error): void;
  log: Logger;
  /** History window in bytes. */
  window?: number;
  /** Most frames handed over in one onFrames call. */
  maxBatch?: number;
  /** Reconnect when nothing (not even a heartbeat) arrived for this long. */
  silenceMs?: number;
}

export interface StreamClientStats {
  connected: boolean;
  connections: number;
  framesReceived: number;
  bytesReceived: number;
  refusedFrames: number;
  upstreamHead: bigint;
  /** Frames and bytes received since the current connection's hello. */
  framesSinceHello: number;
  bytesSinceHello: number;
}

export class StreamClient {
  readonly stats: StreamClientStats = { connected: false, connections: 0, framesReceived: 0, bytesReceived: 0, refusedFrames: 0, upstreamHead: -1n, framesSinceHello: 0, bytesSinceHello: 0 };
  hello: Hello | null = null;
  private ws: WebSocket | null = null;
  private gen = 0;
  private queue: Frame[] = [];
  private processing = false;
  private helloDone = false;
  private stopped = false;
  private fatal = false;
  private backoff = 100;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private waitingToReconnect = false;
  private lastMessage = 0;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private expectedSeq = 0n;
  private expectedPrev: Uint8Array | null = null;
  private firstFrame = true;
  private failures = 0;
  private pumpScheduled = false;

  constructor(private readonly o: StreamClientOptions) {}

  start(): void {
    this.connect();
    const silence = this.o.silenceMs ?? 20_000;
    this.watchdog = setInterval(() => {
      if (this.ws && this.stats.connected && Date.now() - this.lastMessage > silence) {
        this.o.log.warn("stream: upstream silent, reconnecting", { url: this.o.url, silentMs: Date.now() - this.lastMessage });
        this.ws.close(CLOSE.BAD_FRAME, "silent upstream");
      }
    }, Math.min(5000, silence / 2));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.ws?.close(1000, "follower stopping");
    this.ws = null;
    while (this.processing) await Bun.sleep(5);
  }

  private connect(): void {
    if (this.stopped || this.fatal) return;
    const gen = ++this.gen;
    const pos = this.o.position();
    this.expectedSeq = pos.from;
    this.expectedPrev = pos.prevHash;
    this.firstFrame = true;
    this.helloDone = false;
    this.hello = null;
    const ws = new WebSocket(this.o.url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      if (gen !== this.gen) return;
      this.stats.connected = true;
      this.stats.connections++;
      this.lastMessage = Date.now();
      ws.send(subscribeMessage(this.o.token, pos.from, this.o.window));
    };
    ws.onmessage = (ev) => {
      if (gen !== this.gen) return;
      this.lastMessage = Date.now();
      if (typeof ev.data === "string") this.onControl(ev.data, gen);
      else this.onBinary(new Uint8Array(ev.data as ArrayBuffer), gen);
    };
    ws.onclose = (ev) => {
      if (gen !== this.gen) return;
      this.stats.connected = false;
      this.ws = null;
      if (this.stopped || this.fatal) return;
      const hadHello = this.hello !== null;
      this.failures = hadHello ? 0 : this.failures + 1;
      if (hadHello && ev.code !== CLOSE.BAD_FRAME && ev.code !== CLOSE.AHEAD && ev.code !== CLOSE.TOO_SLOW)
        this.o.log.warn("stream: disconnected, reconnecting", { url: this.o.url, code: ev.code, reason: ev.reason || undefined });
      else if (!hadHello && (this.failures === 1 || this.failures % 20 === 0))
        this.o.log.warn("stream: upstream unreachable, retrying", { url: this.o.url, attempts: this.failures, code: ev.code });
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      /* onclose follows with the details */
    };
  }

  private scheduleReconnect(delay = this.backoff): void {
    if (this.stopped || this.fatal || this.reconnectTimer || this.waitingToReconnect) return;
    this.backoff = Math.min(this.backoff * 2, 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.waitingToReconnect = true;
      // Frames already verified are applied first, so position() is where we really are.
      void this.whenIdle().then(() => {
        this.waitingToReconnect = false;
        this.connect();
      });
    }, delay);
  }

  private async whenIdle(): Promise<void> {
    while ((this.processing || this.queue.length) && !this.stopped && !this.fatal) {
      if (!this.processing) this.pump();
      await Bun.sleep(2);
    }
  }

  /** Refuses the connection's frames from here on and reconnects from the applied position. */
  private refuse(reason: string, gen: number): void {
    if (gen !== this.gen) return;
    this.stats.refusedFrames++;
    this.o.log.error("stream: refusing frame", { url: this.o.url, error: reason, resumeFrom: "last applied seq + 1" });
    this.gen++; // ignore anything else this socket delivers
    this.stats.connected = false;
    this.ws?.close(CLOSE.BAD_FRAME, "bad frame");
    this.ws = null;
    this.backoff = 100;
    this.scheduleReconnect(50);
  }

  private die(err: Error): void {
    if (this.fatal) return;
    this.fatal = true;
    this.gen++;
    this.ws?.close(1000, "fatal");
    this.ws = null;
    if (this.watchdog) clearInterval(this.watchdog);
    this.o.onFatal(err);
  }

  private onControl(text: string, gen: number): void {
    let m: any;
    try {
      m = JSON.parse(text);
    } catch {
      return this.refuse(`upstream sent a text message that is not JSON: ${text.slice(0, 80)}`, gen);
    }
    if (m.type === "heartbeat") {
      if (typeof m.head === "string") this.stats.upstreamHead = BigInt(m.head);
      return;
    }
    if (m.type === "error") {
      const msg = `upstream ${this.o.url} refused: ${m.code}: ${m.message}`;
      if (m.code === "unauthorized" || m.code === "bad-request" || m.code === "unsupported-version") return this.die(new StreamFatalError(msg, 2));
      this.o.log.warn("stream: upstream error", { url: this.o.url, code: m.code, error: m.message });
      if (m.code === "ahead") this.backoff = Math.max(this.backoff, 2000);
      if (m.code === "too-slow") this.backoff = 100;
      return;
    }
    if (m.type === "hello") {
      this.hello = m as Hello;
      this.stats.framesSinceHello = 0;
      this.stats.bytesSinceHello = 0;
      this.stats.upstreamHead = BigInt(m.head);
      if (this.expectedPrev === null) this.expectedPrev = hexToBytes(m.genesisHash);
      this.backoff = 100;
      Promise.resolve()
        .then(() => this.o.onHello(m as Hello))
        .then(
          () => {
            if (gen !== this.gen) return;
            this.helloDone = true;
            this.o.log.info("stream: following", { url: this.o.url, from: m.from, upstreamHead: m.head });
            this.pump();
          },
          (err) => this.die(err instanceof Error ? err : new Error(String(err))),
        );
      return;
    }
    this.o.log.debug("stream: ignoring control message", { type: m.type });
  }

  private onBinary(bytes: Uint8Array, gen: number): void {
    this.stats.bytesReceived += bytes.length;
    if (this.hello === null) return this.refuse("a frame arrived before the hello", gen);
    let f: Frame;
    try {
      f = decodeFrame(bytes);
    } catch (err) {
      if (err instanceof FrameError) return this.refuse(err.message, gen);
      throw err;
    }
    const why = verifyFrame(f, this.expectedSeq, this.expectedPrev!);
    if (why !== null) {
      if (this.firstFrame && f.seq === this.expectedSeq && !bytesEqual(f.prevHash, this.expectedPrev!)) {
        // Not a transmission error: the upstream's history differs from what we applied.
        return this.die(
          new StreamFatalError(
            `upstream history differs from this node's at seq ${f.seq}: its entry ${f.seq - 1n} hashes to ${bytesToHex(f.prevHash)}, ours to ${bytesToHex(this.expectedPrev!)}; refusing to continue (was the upstream's datadir reset? then reset this one too)`,
          ),
        );
      }
      return this.refuse(why, gen);
    }
    this.firstFrame = false;
    this.expectedSeq = f.seq + 1n;
    this.expectedPrev = f.hash;
    this.stats.framesReceived++;
    this.stats.framesSinceHello++;
    this.stats.bytesSinceHello += bytes.length;
    this.queue.push(f);
    this.schedulePump();
  }

  /** Pumps after the messages already read from the socket are queued, so they are applied as one batch. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.processing || this.fatal || this.queue.length === 0) return;
    if (!this.helloDone && !this.waitingToReconnect) return;
    this.processing = true;
    const batch = this.queue.splice(0, this.o.maxBatch ?? 4096);
    const more = this.queue.length > 0 || this.stats.upstreamHead > batch[batch.length - 1]!.seq;
    const gen = this.gen;
    Promise.resolve()
      .then(() => this.o.onFrames(batch, more))
      .then(
        () => {
          this.processing = false;
          if (gen === this.gen && this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(ackMessage(batch[batch.length - 1]!.seq));
          if (this.queue.length) this.schedulePump();
        },
        (err) => {
          this.processing = false;
          this.queue.length = 0;
          this.die(err instanceof Error ? err : new Error(String(err)));
        },
      );
  }
}
