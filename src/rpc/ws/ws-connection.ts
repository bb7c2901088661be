// One WebSocket client. Sending goes through here so a client that stops reading cannot make
// the server buffer without bound: past the limit it is closed with a reason and forgotten.

/** The slice of Bun's ServerWebSocket a connection uses (kept small so tests can fake it). */
export interface WsSocket {
  send(data: string): number;
  getBufferedAmount(): number;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/** 1008 "policy violation": the client broke the server's send-buffer rule. */
export const CLOSE_SLOW_CONSUMER = 1008;

// A dropped client that also stops reading its close frame is cut off after this long.
const TERMINATE_AFTER_MS = 2000;

/** A WebSocket client with its subscriptions and bounded send buffer. */
export class WsConnection {
  /** Subscription ids this connection holds, so closing it can end them all. */
  readonly subscriptions = new Set<string>();
  private open = true;

  constructor(
    private readonly socket: WsSocket,
    private readonly maxBufferBytes: number,
  ) {}

  /** False once closed by either side; sends are then silently skipped. */
  get isOpen(): boolean {
    return this.open;
  }

  /** Queues `text` for the client, dropping the client if its backlog passes the limit. */
  send(text: string): void {
    if (!this.open) return;
    this.socket.send(text);
    const buffered = this.socket.getBufferedAmount();
    if (buffered > this.maxBufferBytes) this.drop(buffered);
  }

  /** Records that the socket closed (the server's close handler calls this). */
  markClosed(): void {
    this.open = false;
  }

  private drop(buffered: number): void {
    this.open = false;
    // Close reasons are capped at 123 bytes by the protocol; this one stays well under.
    this.socket.close(CLOSE_SLOW_CONSUMER, `send buffer ${buffered} > ${this.maxBufferBytes} bytes: client reads too slowly`);
    const timer = setTimeout(() => {
      try {
        this.socket.terminate();
      } catch {
        // already gone
      }
    }, TERMINATE_AFTER_MS);
    (timer as { unref?: () => void }).unref?.();
  }
}
