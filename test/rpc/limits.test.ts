// Every configurable bound: body size, batch length, WebSocket connections, message size,
// send backpressure and subscriptions per connection.
import { afterAll, describe, expect, test } from "bun:test";
import { DEFAULT_RPC_LIMITS, resolveLimits } from "../../src/rpc/limits";
import { startHarness, WsClient } from "./harness";
import { RawWs } from "./raw-ws";

const h = startHarness({
  maxBodyBytes: 4096,
  maxBatchLength: 10,
  maxWsConnections: 2,
  maxWsSendBufferBytes: 64 * 1024,
  maxSubscriptionsPerConnection: 3,
});
afterAll(() => h.stop());

const port = () => Number(new URL(h.server.url).port);

describe("resolveLimits", () => {
  test("defaults are geth-like", () => {
    expect(DEFAULT_RPC_LIMITS).toMatchObject({ maxBodyBytes: 5 * 1024 * 1024, maxBatchLength: 1000, maxWsConnections: 1000, txSyncDefaultTimeoutMs: 2000 });
  });

  test("refuses nonsense with a message naming the limit", () => {
    expect(() => resolveLimits({ maxBatchLength: 0 })).toThrow("RPC limit maxBatchLength must be a positive integer, got 0");
    expect(() => resolveLimits({ maxBodyBytes: 1.5 })).toThrow("maxBodyBytes");
    expect(() => resolveLimits({ bogus: 1 } as never)).toThrow('unknown RPC limit "bogus"');
    expect(() => resolveLimits({ txSyncDefaultTimeoutMs: 5000, txSyncMaxTimeoutMs: 1000 })).toThrow("exceeds txSyncMaxTimeoutMs");
  });
});

describe("HTTP body size", () => {
  test("a declared Content-Length over the limit is 413 with a JSON-RPC error body", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call", params: [{ data: `0x${"00".repeat(4000)}` }] });
    const { status, json } = await h.post(body);
    expect(status).toBe(413);
    expect(json).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: `request too large: ${body.length} bytes > 4096-byte limit; send smaller requests or batches, or raise limits.maxBodyBytes` },
    });
  });

  test("a chunked body (no Content-Length) is cut off at the limit", async () => {
    const chunk = new TextEncoder().encode("x".repeat(1000));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 100) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(h.server.url, { method: "POST", body: stream, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.message).toMatch(/^request too large: \d+ bytes > 4096-byte limit/);
  });

  test("just under the limit is served", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [], pad: "x".repeat(3900) });
    expect(body.length).toBeLessThan(4096);
    expect((await h.post(body)).json.result).toBe("0x385");
  });
});

describe("batch length", () => {
  test("over the limit is -32600 'batch too large: N > max'", async () => {
    const batch = Array.from({ length: 11 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_chainId" }));
    expect((await h.post(batch)).json).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "batch too large: 11 > 10" } });
  });

  test("at the limit is served, over WebSocket too", async () => {
    const batch = Array.from({ length: 10 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "eth_chainId" }));
    expect((await h.post(batch)).json).toHaveLength(10);
    const c = await WsClient.open(h.server.wsUrl);
    c.send([...batch, { jsonrpc: "2.0", id: 99, method: "eth_chainId" }]);
    expect((await c.next()).error.message).toBe("batch too large: 11 > 10");
    c.send(batch);
    expect(await c.next()).toHaveLength(10);
    await c.close();
  });
});

describe("WebSocket connections", () => {
  test("past the limit the upgrade is refused with 503 and a JSON message; a freed slot is reusable", async () => {
    const a = await WsClient.open(h.server.wsUrl);
    const b = await WsClient.open(h.server.wsUrl);
    expect(h.server.stats().wsConnections).toBe(2);
    const refused = await RawWs.open("127.0.0.1", port());
    expect(refused.status).toBe("HTTP/1.1 503 Service Unavailable");
    const body = JSON.parse(refused.head.slice(refused.head.indexOf("\r\n\r\n") + 4));
    expect(body.error).toEqual({
      code: -32005,
      message: "too many WebSocket connections: 2 open, limit 2; retry later or raise limits.maxWsConnections",
    });
    refused.ws.destroy();
    await expect(WsClient.open(h.server.wsUrl)).rejects.toThrow();
    expect((await h.call("eth_chainId")).result).toBe("0x385"); // HTTP unaffected
    await a.close();
    await Bun.sleep(20);
    const c = await WsClient.open(h.server.wsUrl);
    expect((await c.call("eth_chainId")).result).toBe("0x385");
    await Promise.all([b.close(), c.close()]);
  });
});

describe("WebSocket message size", () => {
  test("a message over the limit gets a JSON-RPC error; the connection survives", async () => {
    const c = await WsClient.open(h.server.wsUrl);
    c.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", pad: "x".repeat(5000) }));
    const res = await c.next();
    expect(res.error.code).toBe(-32600);
    expect(res.error.message).toMatch(/^request too large: \d+ bytes > 4096-byte limit/);
    expect((await c.call("eth_chainId")).result).toBe("0x385");
    await c.close();
  });

  test("a message over twice the limit closes the connection (1009)", async () => {
    const c = await WsClient.open(h.server.wsUrl);
    c.send("x".repeat(9000));
    expect((await c.closed).code).toBe(1009);
  });
});

describe("WebSocket backpressure", () => {
  test("a client that stops reading is closed with 1008 and a reason once its buffer passes the bound", async () => {
    h.fake.codes.set(`0x${"cc".repeat(20)}`, new Uint8Array(512 * 1024).fill(0xab)); // ~1 MiB per response
    const { ws } = await RawWs.open("127.0.0.1", port());
    ws.pause();
    for (let i = 0; i < 40; i++) {
      ws.sendText(JSON.stringify({ jsonrpc: "2.0", id: i, method: "eth_getCode", params: [`0x${"cc".repeat(20)}`] }));
    }
    await Bun.sleep(300);
    ws.resume();
    const { dataFrames, close } = await ws.readToClose();
    expect(close).not.toBeNull();
    expect(close!.code).toBe(1008);
    expect(close!.reason).toMatch(/^send buffer \d+ > 65536 bytes: client reads too slowly$/);
    expect(dataFrames).toBeLessThan(40);
    ws.destroy();
    await Bun.sleep(20);
    expect(h.server.stats().wsConnections).toBe(0);
    expect((await h.call("eth_chainId")).result).toBe("0x385");
  });
});

describe("subscriptions per connection", () => {
  test("past the limit eth_subscribe is -32005; unsubscribing frees a slot", async () => {
    const c = await WsClient.open(h.server.wsUrl);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await c.call("eth_subscribe", ["newHeads"])).result);
    const refused = await c.call("eth_subscribe", ["newHeads"]);
    expect(refused.error).toEqual({ code: -32005, message: "too many subscriptions on this connection: 3 of 3; eth_unsubscribe some first" });
    await c.call("eth_unsubscribe", [ids[0]]);
    expect((await c.call("eth_subscribe", ["logs"])).result).toMatch(/^0x/);
    await c.close();
  });
});
