// Starting and stopping: URLs, port release, and what stop() does to open connections.
import { expect, test } from "bun:test";
import { startRpcServer } from "../../src/rpc";
import { FakeNode } from "./fake-node";
import { WsClient } from "./harness";

test("port 0 picks a free port; stop() closes sockets, ends subscriptions and frees the port", async () => {
  const fake = new FakeNode();
  const server = startRpcServer({ api: fake, host: "127.0.0.1", port: 0, onInternalError: () => {} });
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  expect(server.wsUrl).toBe(server.url.replace("http:", "ws:"));
  const c = await WsClient.open(server.wsUrl);
  expect((await c.call("eth_subscribe", ["newHeads"])).result).toMatch(/^0x/);
  expect(fake.listenerCounts().heads).toBe(1);
  await server.stop();
  await c.closed;
  expect(fake.listenerCounts().heads).toBe(0);
  const port = Number(new URL(server.url).port);
  const again = startRpcServer({ api: fake, host: "127.0.0.1", port, onInternalError: () => {} });
  const res = await fetch(again.url, { method: "POST", body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}' });
  expect(((await res.json()) as any).result).toBe("0x385");
  await again.stop();
});

test("corsOrigin null sends no CORS headers; bad limits fail at start", async () => {
  const server = startRpcServer({ api: new FakeNode(), port: 0, corsOrigin: null });
  const res = await fetch(server.url, { method: "POST", body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}' });
  expect(res.headers.get("access-control-allow-origin")).toBeNull();
  await server.stop();
  expect(() => startRpcServer({ api: new FakeNode(), port: 0, limits: { maxBatchLength: -1 } })).toThrow("maxBatchLength");
});

test("receiptTimeoutMs sets the sync default (raising the max); log receives internal errors", async () => {
  const fake = new FakeNode();
  const logged: [string, Record<string, unknown> | undefined][] = [];
  const server = startRpcServer({
    api: fake,
    port: 0,
    receiptTimeoutMs: 50,
    log: { error: (msg, fields) => logged.push([msg, fields]) },
  });
  fake.gasPrice = () => {
    throw new Error("kaput");
  };
  const post = async (body: unknown) =>
    ((await (await fetch(server.url, { method: "POST", body: JSON.stringify(body) })).json()) as any);
  expect((await post({ jsonrpc: "2.0", id: 1, method: "eth_gasPrice" })).error.code).toBe(-32603);
  expect(logged).toEqual([["unexpected error in RPC method", expect.objectContaining({ method: "eth_gasPrice", error: "kaput" })]]);
  const { signedTransfer, ALICE } = await import("./fixtures");
  const timedOut = await post({ jsonrpc: "2.0", id: 2, method: "eth_sendRawTransactionSync", params: [await signedTransfer(ALICE, 0)] });
  expect(timedOut.error).toMatchObject({ code: 4, message: expect.stringContaining("in 50ms") });
  await server.stop();
  const long = startRpcServer({ api: fake, port: 0, receiptTimeoutMs: 30_000 });
  await long.stop();
});
