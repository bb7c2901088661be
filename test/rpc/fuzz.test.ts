// Whatever a client sends, the answer is well-formed JSON-RPC and never an internal error:
// random envelopes, random params for every method, random bytes over HTTP.
import { afterAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { resolveLimits } from "../../src/rpc/limits";
import { METHOD_TABLE } from "../../src/rpc/method-table";
import { handlePayload, type PayloadContext } from "../../src/rpc/server/handle-payload";
import { SubscriptionHub } from "../../src/rpc/ws/subscription-hub";
import { FakeNode } from "./fake-node";
import { startHarness } from "./harness";

const fake = new FakeNode();
const internal: unknown[] = [];
const limits = resolveLimits({ txSyncDefaultTimeoutMs: 1, txSyncMaxTimeoutMs: 1 });
const ctx: PayloadContext = {
  api: fake,
  limits,
  connection: null,
  hub: new SubscriptionHub(fake, 10, () => {}),
  onInternalError: (e) => internal.push(e),
};
const KNOWN_CODES = new Set([-32700, -32600, -32601, -32602, -32000, -32005, 3, 4]);

const hexString = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((b) => `0x${Buffer.from(b).toString("hex")}`),
  fc.bigInt({ min: 0n, max: (1n << 300n) }).map((n) => `0x${n.toString(16)}`),
  fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEFxg"), maxLength: 70 }).map((s) => `0x${s}`),
);
const paramValue = fc.oneof(
  { weight: 3, arbitrary: hexString },
  { weight: 1, arbitrary: fc.constantFrom("latest", "pending", "safe", "finalized", "earliest", "newHeads", "logs", "miniBlocks", true, false, null) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { to: hexString, from: hexString, data: hexString, input: hexString, gas: hexString, value: hexString, address: fc.oneof(hexString, fc.array(hexString)), topics: fc.array(fc.oneof(fc.constant(null), hexString, fc.array(fc.oneof(fc.constant(null), hexString)))), fromBlock: hexString, blockHash: hexString, blockNumber: hexString },
      { requiredKeys: [] },
    ),
  },
);

function checkResponse(text: string | null) {
  if (text === null) return;
  const parsed = JSON.parse(text);
  for (const r of Array.isArray(parsed) ? parsed : [parsed]) {
    expect(r.jsonrpc).toBe("2.0");
    if ("error" in r) {
      expect(KNOWN_CODES.has(r.error.code)).toBe(true);
      expect(typeof r.error.message).toBe("string");
    } else {
      expect("result" in r).toBe(true);
    }
  }
}

describe("fuzz", () => {
  test("random params for every method never reach an internal error", async () => {
    const methods = [...METHOD_TABLE.keys()];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), fc.array(paramValue, { maxLength: 4 }), async (method, params) => {
        const text = await handlePayload(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }), ctx);
        checkResponse(text);
        expect(internal).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  test("random JSON payloads are answered with well-formed responses", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (payload) => {
        checkResponse(await handlePayload(JSON.stringify(payload), ctx));
        expect(internal).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  test("random request-shaped objects", async () => {
    const envelope = fc.record(
      { jsonrpc: fc.oneof(fc.constant("2.0"), fc.jsonValue()), id: fc.jsonValue(), method: fc.oneof(fc.constantFrom(...METHOD_TABLE.keys()), fc.jsonValue()), params: fc.oneof(fc.array(paramValue), fc.jsonValue()) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(envelope, fc.array(envelope, { maxLength: 5 })), async (payload) => {
        checkResponse(await handlePayload(JSON.stringify(payload), ctx));
        expect(internal).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  describe("over HTTP", () => {
    const h = startHarness();
    afterAll(() => h.stop());
    test("random bytes and random text get 200 and a parse or request error", async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 300 })), async (body) => {
          const { status, text } = await h.post(body);
          expect(status).toBe(200);
          checkResponse(text === "" ? null : text);
        }),
        { numRuns: 300 },
      );
      expect(h.internalErrors).toEqual([]);
      expect((await h.call("eth_chainId")).result).toBe("0x385");
    });
  });
});
