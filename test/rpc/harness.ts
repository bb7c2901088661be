// A real server on 127.0.0.1 (random port) over a fresh FakeNode, plus raw HTTP/WS helpers.
import type { RpcLimits } from "../../src/rpc/limits";
import { startRpcServer, type RpcServer } from "../../src/rpc/server/start-rpc-server";
import { FakeNode } from "./fake-node";

export interface Harness {
  fake: FakeNode;
  server: RpcServer;
  /** Unexpected exceptions the server reported (tests that provoke them check this). */
  internalErrors: { error: unknown; method: string }[];
  /** POSTs `body` (an object is JSON-encoded) and returns status, text and parsed JSON. */
  post(body: unknown, init?: RequestInit): Promise<{ status: number; text: string; json: any; headers: Headers }>;
  /** One JSON-RPC call over HTTP; returns the whole response object. */
  call(method: string, params?: unknown[]): Promise<any>;
  stop(): Promise<void>;
}

/** Starts a server over a new FakeNode. */
export function startHarness(limits: Partial<RpcLimits> = {}): Harness {
  const fake = new FakeNode();
  const internalErrors: Harness["internalErrors"] = [];
  const server = startRpcServer({
    api: fake,
    host: "127.0.0.1",
    port: 0,
    limits,
    onInternalError: (error, method) => internalErrors.push({ error, method }),
  });
  let nextId = 1;
  const post: Harness["post"] = async (body, init = {}) => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
      ...init,
    });
    const text = await res.text();
    let json: any;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, headers: res.headers };
  };
  return {
    fake,
    server,
    internalErrors,
    post,
    async call(method, params = []) {
      return (await post({ jsonrpc: "2.0", id: nextId++, method, params })).json;
    },
    stop: () => server.stop(),
  };
}

/** A WebSocket client that queues incoming messages for the test to take in order. */
export class WsClient {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly queue: any[] = [];
  private readonly waiters: ((m: any) => void)[] = [];
  private nextId = 1;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener("open", () => resolve(), { once: true });
      this.socket.addEventListener("error", () => reject(new Error("websocket error")), { once: true });
    });
    this.closed = new Promise((resolve) => this.socket.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })));
    this.socket.addEventListener("message", (e) => {
      const msg = JSON.parse(String(e.data));
      const waiter = this.waiters.shift();
      if (waiter) waiter(msg);
      else this.queue.push(msg);
    });
  }

  static async open(url: string): Promise<WsClient> {
    const client = new WsClient(url);
    await client.opened;
    return client;
  }

  send(payload: unknown): void {
    this.socket.send(typeof payload === "string" || payload instanceof Uint8Array ? payload : JSON.stringify(payload));
  }

  /** The next message, failing after `ms`. */
  next(ms = 2000): Promise<any> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no WebSocket message within ${ms} ms`));
      }, ms);
      const waiter = (m: any) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves true if no message arrives within `ms`. */
  async silentFor(ms: number): Promise<boolean> {
    if (this.queue.length > 0) return false;
    try {
      await this.next(ms);
      return false;
    } catch {
      return true;
    }
  }

  /** Sends one request and returns its response (assumes no notifications interleave). */
  async call(method: string, params: unknown[] = []): Promise<any> {
    this.send({ jsonrpc: "2.0", id: this.nextId++, method, params });
    return this.next();
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close();
    return this.closed;
  }
}
