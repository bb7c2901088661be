// Minimal JSON-RPC clients for the sequencer benchmark: HTTP (setup, checks) and WebSocket
// (the load client), with every wait bounded.

export interface RpcResponse {
  id: number | null;
  result?: any;
  error?: { code: number; message: string; data?: unknown };
}

/** One HTTP JSON-RPC call or batch. */
export async function httpRpc(url: string, body: object | object[], timeoutMs = 30_000): Promise<any> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}: ${(await res.text()).slice(0, 200)}`);
  return res.json();
}

export async function httpCall(url: string, method: string, params: unknown[] = []): Promise<any> {
  const r = await httpRpc(url, { jsonrpc: "2.0", id: 1, method, params });
  if (r.error) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.result;
}

/** Calls over HTTP in batches of `chunk`; returns the responses in call order. */
export async function httpBatch(url: string, calls: { method: string; params: unknown[] }[], chunk = 500): Promise<RpcResponse[]> {
  const out: RpcResponse[] = [];
  for (let i = 0; i < calls.length; i += chunk) {
    const part = calls.slice(i, i + chunk).map((c, j) => ({ jsonrpc: "2.0", id: i + j, ...c }));
    const res: RpcResponse[] = await httpRpc(url, part);
    if (!Array.isArray(res)) throw new Error(`expected a batch response, got ${JSON.stringify(res).slice(0, 200)}`);
    res.sort((a, b) => (a.id as number) - (b.id as number));
    out.push(...res);
  }
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * JSON-RPC over one WebSocket: requests and batches as promises, subscription notifications to
 * a handler. Raw text can be sent as-is (pre-built batches), so the client spends no time encoding.
 */
export class WsRpc {
  private nextId = 1;
  private readonly pending = new Map<number, (r: any) => void>();
  private readonly batches = new Map<number, (r: RpcResponse[]) => void>();
  onNotification: (subscription: string, result: any) => void = () => {};
  onClose: (reason: string) => void = () => {};

  private constructor(private readonly ws: WebSocket) {
    ws.onmessage = (ev) => this.dispatch(typeof ev.data === "string" ? ev.data : new TextDecoder().decode(ev.data as ArrayBuffer));
    ws.onclose = (ev) => {
      const reason = `WebSocket closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ""})`;
      for (const r of this.pending.values()) r({ id: null, error: { code: -1, message: reason } });
      for (const r of this.batches.values()) r([{ id: null, error: { code: -1, message: reason } }]);
      this.pending.clear();
      this.batches.clear();
      this.onClose(reason);
    };
  }

  static connect(url: string, timeoutMs = 10_000): Promise<WsRpc> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => (ws.close(), reject(new Error(`WebSocket ${url}: no connection within ${timeoutMs} ms`))), timeoutMs);
      ws.onopen = () => (clearTimeout(timer), resolve(new WsRpc(ws)));
      ws.onerror = () => (clearTimeout(timer), reject(new Error(`WebSocket ${url}: connection failed`)));
    });
  }

  private dispatch(text: string): void {
    const msg = JSON.parse(text);
    if (Array.isArray(msg)) {
      // A batch is keyed by the id of its first request.
      let first = Infinity;
      for (const r of msg) if (typeof r.id === "number" && r.id < first) first = r.id;
      const done = this.batches.get(first);
      if (done) {
        this.batches.delete(first);
        done(msg);
      }
      return;
    }
    if (msg.method === "eth_subscription") return this.onNotification(msg.params.subscription, msg.params.result);
    const done = this.pending.get(msg.id);
    if (done) {
      this.pending.delete(msg.id);
      done(msg);
    } else if (msg.id === null && msg.error) {
      // A whole-batch rejection (e.g. batch too large) carries no id: fail the oldest batch.
      const [first, resolve] = this.batches.entries().next().value ?? [];
      if (resolve) {
        this.batches.delete(first!);
        resolve([msg]);
      }
    }
  }

  /** Reserves `count` consecutive ids (for a batch the caller builds itself). */
  ids(count: number): number {
    const first = this.nextId;
    this.nextId += count;
    return first;
  }

  /** Sends a batch whose ids start at `firstId`; resolves with its responses. */
  sendBatch(text: string, firstId: number): Promise<RpcResponse[]> {
    return new Promise((resolve) => {
      this.batches.set(firstId, resolve);
      this.ws.send(text);
    });
  }

  /** Sends one request with a pre-assigned id; resolves with the response object. */
  sendOne(text: string, id: number): Promise<RpcResponse> {
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(text);
    });
  }

  async call(method: string, params: unknown[] = [], timeoutMs = 30_000): Promise<any> {
    const id = this.ids(1);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<RpcResponse>((resolve) => {
      timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ id, error: { code: -2, message: `${method}: no answer within ${timeoutMs} ms` } });
      }, timeoutMs);
    });
    const r = await Promise.race([this.sendOne(JSON.stringify({ jsonrpc: "2.0", id, method, params }), id), timeout]);
    clearTimeout(timer);
    if (r.error) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.result;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  close(): void {
    this.ws.close();
  }
}
