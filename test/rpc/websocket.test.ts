// JSON-RPC over WebSocket: requests, batches, garbage, and subscriptions fed by the fake's events.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { bytesToHex } from "../../src/crypto";
import { ALICE, BOB, OTHER_CONTRACT, TOKEN, approvalLog, includedTransfer, transferLog } from "./fixtures";
import { startHarness, WsClient } from "./harness";

const h = startHarness();
const clients: WsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(() => h.stop());

async function client(): Promise<WsClient> {
  const c = await WsClient.open(h.server.wsUrl);
  clients.push(c);
  return c;
}

async function subscribe(c: WsClient, ...params: unknown[]): Promise<string> {
  const res = await c.call("eth_subscribe", params);
  expect(res.result).toMatch(/^0x[0-9a-f]{32}$/);
  return res.result;
}

describe("requests", () => {
  test("single calls and batches", async () => {
    const c = await client();
    expect(await c.call("eth_chainId")).toEqual({ jsonrpc: "2.0", id: 1, result: "0x385" });
    c.send([
      { jsonrpc: "2.0", id: "a", method: "net_version" },
      { jsonrpc: "2.0", id: "b", method: "eth_nope" },
    ]);
    expect(await c.next()).toEqual([
      { jsonrpc: "2.0", id: "a", result: "901" },
      { jsonrpc: "2.0", id: "b", error: { code: -32601, message: "the method eth_nope does not exist/is not available" } },
    ]);
  });

  test("garbage and binary frames get parse errors and the connection stays usable", async () => {
    const c = await client();
    c.send("this is not json");
    expect((await c.next()).error.code).toBe(-32700);
    c.send(new Uint8Array([0xff, 0xfe, 0x00, 0x01]));
    expect((await c.next()).error.code).toBe(-32700);
    c.send(new TextEncoder().encode('{"jsonrpc":"2.0","id":5,"method":"eth_chainId"}'));
    expect(await c.next()).toEqual({ jsonrpc: "2.0", id: 5, result: "0x385" });
    c.send("[".repeat(50_000) + "]".repeat(50_000));
    expect([-32700, -32600]).toContain(((m) => (Array.isArray(m) ? m[0] : m).error.code)(await c.next()));
    expect((await c.call("eth_chainId")).result).toBe("0x385");
  });

  test("notifications over WebSocket get no answer", async () => {
    const c = await client();
    c.send({ jsonrpc: "2.0", method: "eth_chainId" });
    expect(await c.silentFor(100)).toBe(true);
  });
});

describe("subscriptions", () => {
  test("newHeads delivers each mined header as an eth_subscription message", async () => {
    const c = await client();
    const id = await subscribe(c, "newHeads");
    const block = h.fake.mine([]);
    const msg = await c.next();
    expect(msg.jsonrpc).toBe("2.0");
    expect(msg.method).toBe("eth_subscription");
    expect(msg.params.subscription).toBe(id);
    expect(msg.params.result.hash).toBe(bytesToHex(block.hash));
    expect(msg.params.result.number).toBe(`0x${block.header.number.toString(16)}`);
    expect(msg.params.result.parentBeaconBlockRoot).toBe(`0x${"00".repeat(32)}`);
    expect(msg).not.toHaveProperty("id");
  });

  test("logs: each subscriber gets only the logs its filter matches, one message per log", async () => {
    const c = await client();
    const transferTopic = bytesToHex(transferLog(ALICE.address, BOB.address, 0n).topics[0]!);
    const all = await subscribe(c, "logs", {});
    const tokenTransfers = await subscribe(c, "logs", { address: TOKEN, topics: [transferTopic] });
    const other = await subscribe(c, "logs", { address: [OTHER_CONTRACT] });
    const tx = await includedTransfer(ALICE, 0);
    h.fake.mine([
      {
        tx,
        logs: [transferLog(ALICE.address, BOB.address, 1n), approvalLog(ALICE.address, BOB.address, 2n), transferLog(ALICE.address, BOB.address, 3n, OTHER_CONTRACT)],
      },
    ]);
    const got: Record<string, string[]> = { [all]: [], [tokenTransfers]: [], [other]: [] };
    for (let i = 0; i < 5; i++) {
      const m = await c.next();
      got[m.params.subscription]!.push(m.params.result.logIndex);
      expect(m.params.result.transactionHash).toBe(bytesToHex(tx.hash));
    }
    expect(got[all]).toEqual(["0x0", "0x1", "0x2"]);
    expect(got[tokenTransfers]).toEqual(["0x0"]);
    expect(got[other]).toEqual(["0x2"]);
    expect(await c.silentFor(50)).toBe(true);
  });

  test("logs without a filter object match everything", async () => {
    const c = await client();
    const id = await subscribe(c, "logs");
    h.fake.mine([{ tx: await includedTransfer(ALICE, 1), logs: [transferLog(ALICE.address, BOB.address, 1n)] }]);
    expect((await c.next()).params.subscription).toBe(id);
  });

  test("miniBlocks delivers seq, transactions and receipts", async () => {
    const c = await client();
    const id = await subscribe(c, "miniBlocks");
    const tx = await includedTransfer(BOB, 0);
    const block = h.fake.mine([{ tx }]);
    const msg = await c.next();
    expect(msg.params.subscription).toBe(id);
    expect(msg.params.result).toMatchObject({
      blockNumber: `0x${block.header.number.toString(16)}`,
      transactions: [bytesToHex(tx.hash)],
      receipts: [{ transactionHash: bytesToHex(tx.hash), status: "0x1", blockHash: bytesToHex(block.hash) }],
    });
    expect(msg.params.result.seq).toMatch(/^0x[0-9a-f]+$/);
    expect(msg.params.result.timestamp).toBe(`0x${(block.header.timestamp * 1000n).toString(16)}`);
  });

  test("eth_unsubscribe stops notifications; unknown or foreign ids give false", async () => {
    const c = await client();
    const d = await client();
    const id = await subscribe(c, "newHeads");
    expect((await d.call("eth_unsubscribe", [id])).result).toBe(false);
    expect((await c.call("eth_unsubscribe", [id])).result).toBe(true);
    expect((await c.call("eth_unsubscribe", [id])).result).toBe(false);
    h.fake.mine([]);
    expect(await c.silentFor(100)).toBe(true);
  });

  test("the hub listens to the node only while someone is subscribed", async () => {
    expect(h.fake.listenerCounts()).toEqual({ heads: 0, logs: 0, miniBlocks: 0 });
    const c = await client();
    const d = await client();
    const a = await subscribe(c, "newHeads");
    await subscribe(d, "newHeads");
    await subscribe(c, "logs", { address: TOKEN });
    expect(h.fake.listenerCounts()).toEqual({ heads: 1, logs: 1, miniBlocks: 0 });
    await c.call("eth_unsubscribe", [a]);
    expect(h.fake.listenerCounts()).toEqual({ heads: 1, logs: 1, miniBlocks: 0 });
    await c.close();
    await Bun.sleep(20);
    expect(h.fake.listenerCounts()).toEqual({ heads: 1, logs: 0, miniBlocks: 0 });
    await d.close();
    await Bun.sleep(20);
    expect(h.fake.listenerCounts()).toEqual({ heads: 0, logs: 0, miniBlocks: 0 });
    expect(h.server.stats().subscriptions).toBe(0);
  });

  test("errors: unknown kind, extra params, bad filter", async () => {
    const c = await client();
    expect((await c.call("eth_subscribe", ["pendingTransactions"])).error).toEqual({
      code: -32601,
      message: 'no "pendingTransactions" subscription in eth namespace; available: newHeads, logs, miniBlocks',
    });
    expect((await c.call("eth_subscribe", ["newHeads", {}])).error).toMatchObject({ code: -32602, message: expect.stringContaining("too many arguments") });
    expect((await c.call("eth_subscribe", ["logs", { address: "0x1" }])).error.code).toBe(-32602);
    expect((await c.call("eth_subscribe", [])).error.message).toContain("missing value for required argument 0 (subscription kind)");
    expect(h.server.stats().subscriptions).toBe(0);
  });

  test("a throwing node listener path is contained", async () => {
    const c = await client();
    await subscribe(c, "newHeads");
    const block = h.fake.mine([]);
    await c.next();
    // A head whose header cannot be formatted (corrupt) must not break the node's emit loop.
    const broken = { ...block, header: { ...block.header, number: undefined as unknown as bigint } };
    const before = h.internalErrors.length;
    for (const cb of (h.fake as any).heads) expect(() => cb(broken)).not.toThrow();
    expect(h.internalErrors.length).toBe(before + 1);
    expect((await c.call("eth_chainId")).result).toBe("0x385");
  });
});
