// Every JSON-RPC error path over HTTP, and the server's refusal to fall over on bad input.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { encodeAbiParameters, encodeErrorResult, parseAbi } from "viem";
import { hexToBytes } from "../../src/crypto";
import { ExecutionRevertedError } from "../../src/rpc/rpc-errors";
import { TxDecodeError } from "../../src/tx/tx-decode-error";
import { FakePoolError } from "./fake-node";
import { ALICE, signedTransfer } from "./fixtures";
import { startHarness } from "./harness";

const h = startHarness();
afterAll(() => h.stop());
beforeEach(() => {
  h.internalErrors.length = 0;
});

async function expectAlive() {
  expect((await h.call("eth_chainId")).result).toBe("0x385");
}

describe("parse errors", () => {
  test("truncated JSON is -32700 with id null", async () => {
    const { status, json } = await h.post('{"jsonrpc":"2.0","id":1,');
    expect(status).toBe(200);
    expect(json).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32700, message: expect.stringContaining("parse error") } });
  });

  test("random binary garbage is a parse error and the server keeps serving", async () => {
    for (let i = 0; i < 20; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(1 + i * 37));
      bytes[0] = 0xff; // never valid JSON
      const { status, json } = await h.post(bytes);
      expect(status).toBe(200);
      expect(json.error.code).toBe(-32700);
    }
    await expectAlive();
  });

  test("an empty body is a parse error", async () => {
    expect((await h.post("")).json.error.code).toBe(-32700);
  });

  test("JSON nested 100,000 deep answers (parse error or invalid request) without crashing", async () => {
    for (const body of ["[".repeat(100_000) + "]".repeat(100_000), '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000)]) {
      const { status, json } = await h.post(body);
      expect(status).toBe(200);
      const error = Array.isArray(json) ? json[0].error : json.error;
      expect([-32700, -32600]).toContain(error.code);
    }
    await expectAlive();
  });

  test("deep nesting inside params is an invalid-params error, not a crash", async () => {
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const { json } = await h.post(`{"jsonrpc":"2.0","id":7,"method":"eth_getBalance","params":[${deep}]}`);
    expect(json.id).toBe(7);
    expect(json.error.code).toBe(-32602);
  });
});

describe("invalid requests", () => {
  const cases: [string, unknown, RegExp][] = [
    ["a number", 1, /expected a JSON-RPC request object, got number 1/],
    ["a string", JSON.stringify("hi"), /expected a JSON-RPC request object/],
    ["null", null, /expected a JSON-RPC request object, got null/],
    ["an empty object", {}, /"jsonrpc" must be "2.0", got nothing/],
    ["jsonrpc 1.0", { jsonrpc: "1.0", id: 1, method: "eth_chainId" }, /"jsonrpc" must be "2.0", got "1.0"/],
    ["no method", { jsonrpc: "2.0", id: 1 }, /"method" must be a non-empty string, got nothing/],
    ["numeric method", { jsonrpc: "2.0", id: 1, method: 5 }, /"method" must be a non-empty string, got number 5/],
    ["empty method", { jsonrpc: "2.0", id: 1, method: "" }, /"method" must be a non-empty string/],
    ["string params", { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: "x" }, /"params" must be an array/],
  ];
  for (const [name, body, message] of cases) {
    test(`${name} is -32600`, async () => {
      const { json } = await h.post(body);
      expect(json.error.code).toBe(-32600);
      expect(json.error.message).toMatch(message);
    });
  }

  test("a bad id type is -32600 answered with id null", async () => {
    for (const id of [{ a: 1 }, [1], true]) {
      const { json } = await h.post({ jsonrpc: "2.0", id, method: "eth_chainId" });
      expect(json.id).toBeNull();
      expect(json.error.code).toBe(-32600);
      expect(json.error.message).toContain('"id" must be a string, a number or null');
    }
  });

  test("an overflowing numeric id (1e400) is refused, not echoed as null silently", async () => {
    const { json } = await h.post('{"jsonrpc":"2.0","id":1e400,"method":"eth_chainId"}');
    expect(json.error.code).toBe(-32600);
  });

  test("string, null and fractional ids are echoed", async () => {
    expect((await h.post({ jsonrpc: "2.0", id: "abc", method: "eth_chainId" })).json.id).toBe("abc");
    expect((await h.post({ jsonrpc: "2.0", id: null, method: "eth_chainId" })).json).toEqual({ jsonrpc: "2.0", id: null, result: "0x385" });
    expect((await h.post({ jsonrpc: "2.0", id: 1.5, method: "eth_chainId" })).json.id).toBe(1.5);
  });

  test("named (object) params are -32602", async () => {
    const { json } = await h.post({ jsonrpc: "2.0", id: 3, method: "eth_getBalance", params: { address: "0x" } });
    expect(json).toEqual({ jsonrpc: "2.0", id: 3, error: { code: -32602, message: expect.stringContaining("by position in an array") } });
  });

  test("an empty batch is a single -32600 error", async () => {
    const { json } = await h.post([]);
    expect(json).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "invalid request: empty batch" } });
  });
});

describe("method not found", () => {
  test("uses geth's message", async () => {
    const json = await h.call("eth_foo");
    expect(json.error).toEqual({ code: -32601, message: "the method eth_foo does not exist/is not available" });
  });

  test("prototype names are not methods", async () => {
    for (const m of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      expect((await h.call(m)).error.code).toBe(-32601);
    }
  });

  test("subscriptions over HTTP say a WebSocket is needed", async () => {
    const json = await h.call("eth_subscribe", ["newHeads"]);
    expect(json.error.code).toBe(-32601);
    expect(json.error.message).toContain("notifications not supported");
  });
});

describe("invalid params name the parameter, the expectation and the value", () => {
  const cases: [string, unknown[], RegExp][] = [
    ["eth_getBalance", ["0x1234"], /invalid argument 0 \(address\): expected an address of 20 bytes .*got "0x1234"; it is 2 bytes/],
    ["eth_getBalance", ["1234567890123456789012345678901234567890"], /got "1234567890123456789012345678901234567890"; hex strings must start with 0x/],
    ["eth_getBalance", [`0x${"zz".repeat(20)}`], /not a hex digit/],
    ["eth_getBalance", [`0x${"ab".repeat(20)}`, "newest"], /invalid argument 1 \(block\): expected a block number .* got "newest"/],
    ["eth_getBalance", [`0x${"ab".repeat(20)}`, "latest", "extra"], /too many arguments, want at most 2, got 3/],
    ["eth_getBalance", [], /missing value for required argument 0 \(address\)/],
    ["eth_getBlockByNumber", ["0x01", false], /leading zero digits are not allowed, write "0x1"/],
    ["eth_getBlockByNumber", ["0x", false], /zero is "0x0"/],
    ["eth_getBlockByNumber", [5, false], /got number 5; send numbers as hex strings, e.g. "0x5"/],
    ["eth_getBlockByNumber", ["0x1", "yes"], /invalid argument 1 \(full transactions\): expected true or false, got "yes"/],
    ["eth_getBlockByNumber", [`0x${"f".repeat(17)}`, false], /does not fit in 64 bits/],
    ["eth_getBlockByHash", ["0x1234", false], /invalid argument 0 \(block hash\): expected a hash of 32 bytes/],
    ["eth_call", [{ to: "0x12" }], /invalid argument 0 \(transaction call object\) field "to": expected an address/],
    ["eth_call", [{ data: "0x123" }], /field "data": .*odd number of hex digits/],
    ["eth_call", [{ data: "0x12", input: "0x34" }], /they differ; pass the call data in "input" only/],
    ["eth_call", [{ gasPrice: "0x1", maxFeePerGas: "0x2" }], /both were specified/],
    ["eth_call", [{ value: `0x1${"0".repeat(64)}` }], /field "value": .*does not fit in 256 bits/],
    ["eth_call", [{ gas: "0x5208" }, "latest", { "0x00": {} }], /argument 2 \(state overrides\): expected no overrides/],
    ["eth_call", ["0x"], /expected a transaction call object/],
    ["eth_getStorageAt", [`0x${"ab".repeat(20)}`, `0x${"1".repeat(65)}`], /argument 1 \(storage slot\)/],
    ["eth_getLogs", [{ topics: [null, null, null, null, null] }], /at most 4 topic positions/],
    ["eth_getLogs", [{ blockHash: `0x${"11".repeat(32)}`, fromBlock: "0x1" }], /cannot specify both/],
    ["eth_getLogs", [{ address: ["0x12"] }], /field "address"\[0\]: expected an address/],
    ["eth_getLogs", [{ topics: [["0x12"]] }], /field "topics"\[0\]\[0\]: expected a hash/],
    ["eth_getLogs", [{ fromBlock: "earliest", toBlock: { blockHash: "0x" } }], /field "toBlock": expected a block number/],
    ["eth_feeHistory", ["0x4", "latest", [50, 10]], /entry 1 \(10\) is below entry 0 \(50\)/],
    ["eth_feeHistory", ["0x4", "latest", [101]], /expected a number between 0 and 100, got number 101/],
    ["eth_feeHistory", [-1, "latest"], /expected a non-negative integer or a quantity/],
    ["eth_sendRawTransaction", ["0x"], /it is empty/],
    ["eth_sendRawTransaction", ["0xabc"], /odd number of hex digits/],
    ["eth_getTransactionCount", [`0x${"ab".repeat(20)}`, { blockHash: `0x${"11".repeat(32)}`, blockNumber: "0x1" }], /cannot specify both/],
    ["eth_getTransactionCount", [`0x${"ab".repeat(20)}`, { requireCanonical: true }], /needs "blockHash" or "blockNumber"/],
    ["eth_chainId", [1], /too many arguments, want at most 0, got 1/],
    ["eth_unsubscribe", [1], /notifications not supported/],
  ];
  for (const [method, params, message] of cases) {
    test(`${method} ${JSON.stringify(params).slice(0, 70)}`, async () => {
      const json = await h.call(method, params);
      expect(json.error?.message).toMatch(message);
      expect(json.error.code).toBe(method === "eth_unsubscribe" ? -32601 : -32602);
    });
  }

  test("huge values are quoted short", async () => {
    const json = await h.call("eth_getBalance", [`0x${"a".repeat(100_000)}`]);
    expect(json.error.code).toBe(-32602);
    expect(json.error.message.length).toBeLessThan(400);
    expect(json.error.message).toContain("… (100002 chars)");
  });

  test("non-finite numbers as params are refused", async () => {
    const { json } = await h.post('{"jsonrpc":"2.0","id":1,"method":"eth_feeHistory","params":[1e400,"latest"]}');
    expect(json.error.code).toBe(-32602);
  });
});

describe("node errors", () => {
  test("a typed pool error passes through code and message (nonce too low)", async () => {
    h.fake.nonces.set(ALICE.address.toLowerCase(), 5n);
    const raw = await signedTransfer(ALICE, 3);
    const json = await h.call("eth_sendRawTransaction", [raw]);
    expect(json.error).toEqual({ code: -32000, message: "nonce too low: next nonce 5, tx nonce 3" });
    h.fake.nonces.delete(ALICE.address.toLowerCase());
  });

  test("error data is passed through, bytes as hex", async () => {
    const original = h.fake.getCode;
    h.fake.getCode = () => {
      throw new FakePoolError("state unavailable", new Uint8Array([1, 2]));
    };
    try {
      const json = await h.call("eth_getCode", [`0x${"ab".repeat(20)}`]);
      expect(json.error).toEqual({ code: -32000, message: "state unavailable", data: "0x0102" });
    } finally {
      h.fake.getCode = original;
    }
  });

  test("an undecodable raw transaction is geth's -32000 with the decoder's message", async () => {
    const json = await h.call("eth_sendRawTransaction", ["0x05aa"]);
    expect(json.error.code).toBe(-32000);
    expect(json.error.message).toContain("transaction type 0x05");
  });

  test("TxDecodeError thrown by the node maps to -32000", async () => {
    const original = h.fake.sendRawTransaction;
    h.fake.sendRawTransaction = async () => {
      throw new TxDecodeError("rlp: value size exceeds available input length");
    };
    try {
      expect((await h.call("eth_sendRawTransaction", ["0xc0"])).error).toEqual({
        code: -32000,
        message: "rlp: value size exceeds available input length",
      });
    } finally {
      h.fake.sendRawTransaction = original;
    }
  });

  describe("execution reverted", () => {
    const revertWith = async (data: Uint8Array) => {
      const original = h.fake.call;
      h.fake.call = () => {
        throw new ExecutionRevertedError(data);
      };
      try {
        return (await h.call("eth_call", [{ to: `0x${"ab".repeat(20)}`, data: "0x" }])).error;
      } finally {
        h.fake.call = original;
      }
    };

    test("Error(string) gives code 3, the reason in the message and the data", async () => {
      const data = encodeErrorResult({ abi: parseAbi(["error Error(string)"]), errorName: "Error", args: ["insufficient balance"] });
      expect(await revertWith(hexToBytes(data))).toEqual({ code: 3, message: "execution reverted: insufficient balance", data });
    });

    test("Panic(uint256) is worded as geth words it", async () => {
      const data = `0x4e487b71${encodeAbiParameters([{ type: "uint256" }], [0x11n]).slice(2)}` as const;
      expect(await revertWith(hexToBytes(data))).toEqual({ code: 3, message: "execution reverted: arithmetic underflow or overflow", data });
    });

    test("custom errors and empty data give the bare message", async () => {
      expect(await revertWith(hexToBytes("0xdeadbeef01"))).toEqual({ code: 3, message: "execution reverted", data: "0xdeadbeef01" });
      expect(await revertWith(new Uint8Array(0))).toEqual({ code: 3, message: "execution reverted", data: "0x" });
    });

    test("malformed Error(string) payloads do not throw", async () => {
      const bad = hexToBytes(`0x08c379a0${"00".repeat(31)}ff${"00".repeat(31)}05`);
      expect((await revertWith(bad)).message).toBe("execution reverted");
    });
  });

  test("an unknown exception is -32603 with a short message, and reported", async () => {
    const original = h.fake.getBalance;
    h.fake.getBalance = () => {
      throw new Error("boom ".repeat(200));
    };
    try {
      const json = await h.call("eth_getBalance", [`0x${"ab".repeat(20)}`]);
      expect(json.error.code).toBe(-32603);
      expect(json.error.message.startsWith("internal error: boom")).toBe(true);
      expect(json.error.message.length).toBeLessThan(260);
      expect(h.internalErrors.map((e) => e.method)).toEqual(["eth_getBalance"]);
    } finally {
      h.fake.getBalance = original;
    }
    await expectAlive();
  });

  test("numeric codes that are not JSON-RPC codes (an errno, an LMDB status) are internal errors", async () => {
    const original = h.fake.getBalance;
    h.fake.getBalance = () => {
      throw Object.assign(new Error("MDB_NOTFOUND"), { code: -30798 });
    };
    try {
      expect((await h.call("eth_getBalance", [`0x${"ab".repeat(20)}`])).error.code).toBe(-32603);
    } finally {
      h.fake.getBalance = original;
    }
  });

  test("a thrown non-Error value is an internal error too", async () => {
    const original = h.fake.gasPrice;
    h.fake.gasPrice = () => {
      throw "a string";
    };
    try {
      expect((await h.call("eth_gasPrice")).error).toEqual({ code: -32603, message: "internal error: a string" });
    } finally {
      h.fake.gasPrice = original;
    }
  });

  test("a result JSON cannot hold is an internal error, not a dropped response", async () => {
    const original = h.fake.clientVersion;
    h.fake.clientVersion = () => 5n as unknown as string;
    try {
      expect((await h.call("web3_clientVersion")).error.code).toBe(-32603);
    } finally {
      h.fake.clientVersion = original;
    }
  });
});

describe("batches and notifications", () => {
  test("good and bad requests in one batch each get their own answer, in order", async () => {
    const { json } = await h.post([
      { jsonrpc: "2.0", id: 1, method: "eth_chainId" },
      42,
      { jsonrpc: "2.0", id: 3, method: "eth_nope" },
      { jsonrpc: "2.0", id: 4, method: "eth_getBalance", params: ["0x12"] },
      { jsonrpc: "2.0", method: "eth_chainId" }, // notification: no answer
      { jsonrpc: "2.0", id: "six", method: "net_version" },
      { jsonrpc: "1.0", id: 7, method: "eth_chainId" },
    ]);
    expect(json).toHaveLength(6);
    expect(json[0]).toEqual({ jsonrpc: "2.0", id: 1, result: "0x385" });
    expect(json[1]).toMatchObject({ id: null, error: { code: -32600 } });
    expect(json[2]).toMatchObject({ id: 3, error: { code: -32601 } });
    expect(json[3]).toMatchObject({ id: 4, error: { code: -32602 } });
    expect(json[4]).toEqual({ jsonrpc: "2.0", id: "six", result: "901" });
    expect(json[5]).toMatchObject({ id: 7, error: { code: -32600 } });
  });

  test("a batch of a single request is still answered with an array", async () => {
    const { json } = await h.post([{ jsonrpc: "2.0", id: 9, method: "eth_chainId" }]);
    expect(json).toEqual([{ jsonrpc: "2.0", id: 9, result: "0x385" }]);
  });

  test("notifications get no body; an invalid one still gets an error", async () => {
    const single = await h.post({ jsonrpc: "2.0", method: "eth_chainId" });
    expect(single.status).toBe(200);
    expect(single.text).toBe("");
    const batch = await h.post([{ jsonrpc: "2.0", method: "eth_chainId" }, { jsonrpc: "2.0", method: "eth_blockNumber" }]);
    expect(batch.text).toBe("");
    const invalid = await h.post({ jsonrpc: "2.0", method: 5 });
    expect(invalid.json.error.code).toBe(-32600);
  });
});

describe("HTTP surface", () => {
  test("GET is a health check, OPTIONS a CORS preflight, other verbs 405 with a JSON body", async () => {
    expect((await fetch(h.server.url)).status).toBe(200);
    const pre = await fetch(h.server.url, { method: "OPTIONS" });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    const put = await fetch(h.server.url, { method: "PUT", body: "{}" });
    expect(put.status).toBe(405);
    expect(((await put.json()) as any).error.message).toContain("send JSON-RPC requests with POST");
  });

  test("responses are JSON with CORS", async () => {
    const { headers } = await h.post({ jsonrpc: "2.0", id: 1, method: "eth_chainId" });
    expect(headers.get("content-type")).toBe("application/json");
    expect(headers.get("access-control-allow-origin")).toBe("*");
  });

  test("any path is served", async () => {
    const res = await fetch(`${h.server.url}some/path`, { method: "POST", body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}' });
    expect(((await res.json()) as any).result).toBe("0x385");
  });
});
