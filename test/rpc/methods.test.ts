// Each method's result against geth's JSON shape, and the decoded arguments the node received.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { privateKeyToAccount } from "viem/accounts";
import type { Block } from "../../src/chain/types";
import { bytesToHex, hexToBytes } from "../../src/crypto";
import { bigintToMinimalBytes, encode } from "../../src/rlp";
import { FAKE_BASE_FEE } from "./fake-node";
import { ALICE, BOB, OTHER_CONTRACT, TOKEN, approvalLog, includedTransfer, signedTransfer, transferLog } from "./fixtures";
import { startHarness } from "./harness";

const h = startHarness({ txSyncDefaultTimeoutMs: 200, txSyncMaxTimeoutMs: 400 });
let block1: Block;
let block2: Block;
const ADDR = `0x${"ab".repeat(20)}`;

beforeAll(async () => {
  const t1559 = await includedTransfer(ALICE, 0);
  const tLegacy = await includedTransfer(BOB, 0, { type: "legacy", to: ALICE.address });
  const t2930 = await includedTransfer(ALICE, 1, { type: "eip2930" });
  block1 = h.fake.mine([
    { tx: t1559, logs: [transferLog(ALICE.address, BOB.address, 5n), approvalLog(ALICE.address, BOB.address, 7n)] },
    { tx: tLegacy, gasUsed: 30_000n },
    { tx: t2930, logs: [transferLog(BOB.address, ALICE.address, 9n)] },
  ]);
  block2 = h.fake.mine([{ tx: await includedTransfer(ALICE, 2), logs: [transferLog(ALICE.address, BOB.address, 1n, OTHER_CONTRACT)] }]);
  h.fake.balances.set(ADDR, 10n ** 18n);
});
afterAll(() => h.stop());

async function result(method: string, params: unknown[] = []) {
  const json = await h.call(method, params);
  if (json.error) throw new Error(`${method}: ${JSON.stringify(json.error)}`);
  return json.result;
}

describe("node info", () => {
  test("identity and status", async () => {
    expect(await result("web3_clientVersion")).toBe("bunseq-fake/v0.0.1");
    expect(await result("net_version")).toBe("901");
    expect(await result("eth_chainId")).toBe("0x385");
    expect(await result("net_listening")).toBe(true);
    expect(await result("eth_syncing")).toBe(false);
    expect(await result("eth_accounts")).toEqual([]);
    expect(await result("eth_blockNumber")).toBe("0x2");
  });
});

describe("account state", () => {
  test("eth_getBalance defaults to latest and takes every block form", async () => {
    expect(await result("eth_getBalance", [ADDR])).toBe("0xde0b6b3a7640000");
    expect(h.fake.seen.get("getBalance")).toEqual([hexToBytes(ADDR), "latest"]);
    const forms: [unknown, unknown][] = [
      ["pending", "pending"],
      ["safe", "safe"],
      ["finalized", "finalized"],
      ["earliest", "earliest"],
      ["0x1", 1n],
      [{ blockNumber: "0x2" }, 2n],
      [{ blockNumber: "latest" }, "latest"],
      [{ blockHash: bytesToHex(block1.hash) }, { hash: block1.hash }],
      [{ blockHash: bytesToHex(block1.hash), requireCanonical: true }, { hash: block1.hash }],
      [bytesToHex(block1.hash), { hash: block1.hash }],
    ];
    for (const [given, decoded] of forms) {
      await result("eth_getBalance", [ADDR.toUpperCase().replace("0X", "0x"), given]);
      expect(h.fake.seen.get("getBalance")).toEqual([hexToBytes(ADDR), decoded]);
    }
  });

  test("eth_getTransactionCount, eth_getCode", async () => {
    expect(await result("eth_getTransactionCount", [ALICE.address, "pending"])).toBe("0x3");
    h.fake.codes.set(TOKEN, new Uint8Array([0x60, 0x00]));
    expect(await result("eth_getCode", [TOKEN, "latest"])).toBe("0x6000");
    expect(await result("eth_getCode", [ADDR])).toBe("0x");
  });

  test("eth_getStorageAt pads to a word and accepts quantity-style slots", async () => {
    h.fake.storage.set(`${TOKEN}:0x${"00".repeat(31)}01`, new Uint8Array([0x12, 0x34]));
    expect(await result("eth_getStorageAt", [TOKEN, "0x1", "latest"])).toBe(`0x${"00".repeat(30)}1234`);
    expect(await result("eth_getStorageAt", [TOKEN, `0x${"00".repeat(31)}01`])).toBe(`0x${"00".repeat(30)}1234`);
    expect(await result("eth_getStorageAt", [TOKEN, "0x0"])).toBe(`0x${"00".repeat(32)}`);
  });
});

describe("execution", () => {
  test("eth_call decodes the whole call object", async () => {
    const call = {
      from: ALICE.address,
      to: TOKEN,
      gas: "0x5208",
      maxFeePerGas: "0x3b9aca00",
      maxPriorityFeePerGas: "0x1",
      value: "0x10",
      input: "0x70a08231",
      data: "0x70a08231",
      accessList: [{ address: TOKEN, storageKeys: [`0x${"11".repeat(32)}`] }],
      nonce: "0x1",
      type: "0x2",
      chainId: "0x385",
    };
    expect(await result("eth_call", [call, { blockNumber: "0x1" }])).toBe(`0x${"00".repeat(31)}2a`);
    expect(h.fake.seen.get("call")).toEqual([
      {
        from: hexToBytes(ALICE.address),
        to: hexToBytes(TOKEN),
        gas: 21000n,
        maxFeePerGas: 1_000_000_000n,
        maxPriorityFeePerGas: 1n,
        value: 16n,
        data: hexToBytes("0x70a08231"),
        accessList: [{ address: hexToBytes(TOKEN), storageKeys: [hexToBytes(`0x${"11".repeat(32)}`)] }],
      },
      1n,
    ]);
  });

  test("eth_call: contract creation (to null), legacy gasPrice, empty overrides", async () => {
    await result("eth_call", [{ to: null, gasPrice: "0x1", data: "0x00" }, "latest", {}]);
    expect(h.fake.seen.get("call")).toEqual([{ to: null, gasPrice: 1n, data: new Uint8Array([0]) }, "latest"]);
  });

  test("eth_estimateGas", async () => {
    expect(await result("eth_estimateGas", [{ to: TOKEN, data: "0x0102" }])).toBe("0x5228");
    expect(h.fake.seen.get("estimateGas")).toEqual([{ to: hexToBytes(TOKEN), data: new Uint8Array([1, 2]) }, "latest"]);
  });
});

describe("fees", () => {
  test("eth_gasPrice, eth_maxPriorityFeePerGas", async () => {
    expect(await result("eth_gasPrice")).toBe("0x4190ab00");
    expect(await result("eth_maxPriorityFeePerGas")).toBe("0x5f5e100");
  });

  test("eth_feeHistory with and without percentiles; block count as hex or number, clamped to 1024", async () => {
    expect(await result("eth_feeHistory", ["0x2", "latest"])).toEqual({
      oldestBlock: "0x1",
      baseFeePerGas: ["0x3b9aca00", "0x3b9aca00", "0x3b9aca00"],
      gasUsedRatio: [0.5, 0.5],
      baseFeePerBlobGas: ["0x1", "0x1", "0x1"],
      blobGasUsedRatio: [0, 0],
    });
    const withReward = await result("eth_feeHistory", [2, "0x2", [25, 75.5]]);
    expect(withReward.reward).toEqual([
      ["0x61a8", "0x128e0"],
      ["0x61a8", "0x128e0"],
    ]);
    expect(h.fake.seen.get("feeHistory")).toEqual([2, 2n, [25, 75.5]]);
    await result("eth_feeHistory", ["0xffff", "latest"]);
    expect(h.fake.seen.get("feeHistory")![0]).toBe(1024);
  });
});

describe("transactions", () => {
  test("EIP-1559 transaction: geth's fields, effective gasPrice once mined", async () => {
    const tx = block1.transactions[0]!;
    const json = await result("eth_getTransactionByHash", [bytesToHex(tx.hash)]);
    expect(json).toEqual(
      transferJson(tx, ALICE.address, bytesToHex(tx.hash), {
        blockHash: bytesToHex(block1.hash),
        blockNumber: "0x1",
        transactionIndex: "0x0",
        gasPrice: `0x${(FAKE_BASE_FEE + 500_000_000n).toString(16)}`,
      }),
    );
  });

  test("legacy transaction: EIP-155 v, no yParity or accessList", async () => {
    const tx = block1.transactions[1]!;
    const json = await result("eth_getTransactionByHash", [bytesToHex(tx.hash)]);
    expect(json.type).toBe("0x0");
    expect(json.v).toBe(`0x${(901n * 2n + 35n + BigInt(tx.yParity)).toString(16)}`);
    expect(json.gasPrice).toBe("0x77359400");
    expect(json.chainId).toBe("0x385");
    expect("yParity" in json).toBe(false);
    expect("accessList" in json).toBe(false);
    expect("maxFeePerGas" in json).toBe(false);
    expect(json.transactionIndex).toBe("0x1");
  });

  test("EIP-2930 transaction: access list, gasPrice as bid", async () => {
    const tx = block1.transactions[2]!;
    const json = await result("eth_getTransactionByHash", [bytesToHex(tx.hash)]);
    expect(json.type).toBe("0x1");
    expect(json.gasPrice).toBe("0x77359400");
    expect(json.accessList).toEqual([{ address: TOKEN, storageKeys: [`0x${"11".repeat(32)}`] }]);
    expect(json.yParity).toBe(json.v);
  });

  test("unknown hashes are null", async () => {
    expect(await result("eth_getTransactionByHash", [`0x${"99".repeat(32)}`])).toBeNull();
    expect(await result("eth_getTransactionReceipt", [`0x${"99".repeat(32)}`])).toBeNull();
  });

  test("receipt with positioned logs", async () => {
    const tx = block1.transactions[2]!;
    const json = await result("eth_getTransactionReceipt", [bytesToHex(tx.hash)]);
    expect(json).toEqual({
      blockHash: bytesToHex(block1.hash),
      blockNumber: "0x1",
      contractAddress: null,
      cumulativeGasUsed: `0x${(21000 + 30000 + 21000).toString(16)}`,
      effectiveGasPrice: "0x77359400",
      from: ALICE.address.toLowerCase(),
      gasUsed: "0x5208",
      logs: [
        {
          address: TOKEN,
          topics: transferLog(BOB.address, ALICE.address, 9n).topics.map(bytesToHex),
          data: `0x${"00".repeat(31)}09`,
          blockNumber: "0x1",
          transactionHash: bytesToHex(tx.hash),
          transactionIndex: "0x2",
          blockHash: bytesToHex(block1.hash),
          logIndex: "0x2",
          removed: false,
        },
      ],
      logsBloom: `0x${"00".repeat(256)}`,
      status: "0x1",
      to: BOB.address.toLowerCase(),
      transactionHash: bytesToHex(tx.hash),
      transactionIndex: "0x2",
      type: "0x1",
    });
  });
});

describe("blocks", () => {
  test("eth_getBlockByNumber: every geth field, hashes only", async () => {
    const json = await result("eth_getBlockByNumber", ["0x1", false]);
    const hd = block1.header;
    expect(json).toEqual({
      hash: bytesToHex(block1.hash),
      parentHash: bytesToHex(hd.parentHash),
      sha3Uncles: "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
      miner: `0x${"c0".repeat(20)}`,
      stateRoot: bytesToHex(hd.stateRoot),
      transactionsRoot: bytesToHex(hd.transactionsRoot),
      receiptsRoot: bytesToHex(hd.receiptsRoot),
      logsBloom: `0x${"00".repeat(256)}`,
      difficulty: "0x0",
      totalDifficulty: "0x0",
      number: "0x1",
      gasLimit: "0x1c9c380",
      gasUsed: `0x${(72000).toString(16)}`,
      timestamp: `0x${hd.timestamp.toString(16)}`,
      extraData: "0xbeef",
      mixHash: bytesToHex(hd.prevRandao),
      nonce: "0x0000000000000000",
      baseFeePerGas: "0x3b9aca00",
      withdrawalsRoot: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
      blobGasUsed: "0x0",
      excessBlobGas: "0x0",
      parentBeaconBlockRoot: `0x${"00".repeat(32)}`,
      size: expect.any(String),
      uncles: [],
      transactions: block1.transactions.map((t) => bytesToHex(t.hash)),
      withdrawals: [],
    });
  });

  test("size is the length of rlp([header, txs, uncles, withdrawals])", async () => {
    for (const block of [h.fake.blocks[0]!, block1, block2]) {
      // Legacy raw bytes are already an RLP list and go in as-is; typed envelopes are RLP strings.
      const hd = block.header;
      const q = bigintToMinimalBytes;
      const headerRlp = encode([hd.parentHash, hd.ommersHash, hd.coinbase, hd.stateRoot, hd.transactionsRoot, hd.receiptsRoot, hd.logsBloom, q(hd.difficulty), q(hd.number), q(hd.gasLimit), q(hd.gasUsed), q(hd.timestamp), hd.extraData, hd.prevRandao, hd.nonce, q(hd.baseFeePerGas), hd.withdrawalsRoot, q(hd.blobGasUsed), q(hd.excessBlobGas), hd.parentBeaconBlockRoot]);
      const txPayload = block.transactions.map((t) => (t.type === 0 ? t.raw : encode(t.raw)));
      const txList = concatList(txPayload);
      const full = concatList([headerRlp, txList, encode([]), encode([])]);
      const json = await result("eth_getBlockByHash", [bytesToHex(block.hash), false]);
      expect(json.size).toBe(`0x${full.length.toString(16)}`);
    }
  });

  test("full transactions carry the block's effective gas price", async () => {
    const json = await result("eth_getBlockByHash", [bytesToHex(block1.hash), true]);
    expect(json.transactions).toHaveLength(3);
    expect(json.transactions[0].hash).toBe(bytesToHex(block1.transactions[0]!.hash));
    expect(json.transactions[0].gasPrice).toBe(`0x${(FAKE_BASE_FEE + 500_000_000n).toString(16)}`);
    expect(json.transactions[2].blockHash).toBe(bytesToHex(block1.hash));
    expect(json.transactions[2].transactionIndex).toBe("0x2");
  });

  test("tags, unknown blocks and counts", async () => {
    expect((await result("eth_getBlockByNumber", ["latest", false])).number).toBe("0x2");
    expect((await result("eth_getBlockByNumber", ["earliest"])).number).toBe("0x0");
    expect((await result("eth_getBlockByNumber", ["pending", false])).number).toBe("0x2");
    expect(await result("eth_getBlockByNumber", ["0x99", false])).toBeNull();
    expect(await result("eth_getBlockByHash", [`0x${"77".repeat(32)}`, false])).toBeNull();
    expect(await result("eth_getBlockTransactionCountByNumber", ["0x1"])).toBe("0x3");
    expect(await result("eth_getBlockTransactionCountByHash", [bytesToHex(block2.hash)])).toBe("0x1");
    expect(await result("eth_getBlockTransactionCountByNumber", ["0x99"])).toBeNull();
  });
});

describe("eth_getLogs", () => {
  test("single address string, topic with null and OR-array", async () => {
    const transfer = bytesToHex(transferLog(ALICE.address, BOB.address, 0n).topics[0]!);
    const approval = bytesToHex(approvalLog(ALICE.address, BOB.address, 0n).topics[0]!);
    const aliceTopic = `0x${"00".repeat(12)}${ALICE.address.slice(2).toLowerCase()}`;
    const logs = await result("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", address: TOKEN, topics: [[transfer, approval], aliceTopic] }]);
    expect(logs.map((l: any) => l.logIndex)).toEqual(["0x0", "0x1"]);
    expect(h.fake.seen.get("getLogs")).toEqual([
      {
        fromBlock: 0n,
        toBlock: "latest",
        address: [hexToBytes(TOKEN)],
        topics: [[hexToBytes(transfer), hexToBytes(approval)], [hexToBytes(aliceTopic)]],
      },
    ]);
    const nullFirst = await result("eth_getLogs", [{ fromBlock: "earliest", topics: [null, aliceTopic] }]);
    expect(nullFirst).toHaveLength(3);
  });

  test("address arrays, null inside an OR-list, blockHash", async () => {
    const logs = await result("eth_getLogs", [{ fromBlock: "0x1", toBlock: "0x2", address: [TOKEN, OTHER_CONTRACT], topics: [[null]] }]);
    expect(logs).toHaveLength(4);
    expect(h.fake.seen.get("getLogs")).toEqual([{ fromBlock: 1n, toBlock: 2n, address: [hexToBytes(TOKEN), hexToBytes(OTHER_CONTRACT)], topics: [null] }]);
    const byHash = await result("eth_getLogs", [{ blockHash: bytesToHex(block2.hash) }]);
    expect(byHash).toEqual([
      {
        address: OTHER_CONTRACT,
        topics: transferLog(ALICE.address, BOB.address, 1n).topics.map(bytesToHex),
        data: `0x${"00".repeat(31)}01`,
        blockNumber: "0x2",
        transactionHash: bytesToHex(block2.transactions[0]!.hash),
        transactionIndex: "0x0",
        blockHash: bytesToHex(block2.hash),
        logIndex: "0x0",
        removed: false,
      },
    ]);
  });

  test("an empty filter is fine", async () => {
    expect(await result("eth_getLogs", [{}])).toHaveLength(1);
  });
});

describe("sending transactions", () => {
  test("eth_sendRawTransaction returns the hash", async () => {
    const raw = await signedTransfer(BOB, 1);
    const hash = await result("eth_sendRawTransaction", [raw]);
    expect(hash).toBe(bytesToHex(h.fake.pending.at(-1)!.hash));
    h.fake.minePending();
  });

  test("eth_sendRawTransactionSync returns the receipt once mined", async () => {
    const raw = await signedTransfer(BOB, 2);
    const pending = h.call("eth_sendRawTransactionSync", [raw, 300]);
    await Bun.sleep(20);
    h.fake.minePending();
    const json = await pending;
    expect(json.result.status).toBe("0x1");
    expect(json.result.blockNumber).toBe(`0x${h.fake.blockNumber().toString(16)}`);
    expect(h.fake.seen.get("sendRawTransactionSync")![1]).toBe(300);
  });

  test("eth_sendRawTransactionSync times out with EIP-7966 code 4 and the hash as data", async () => {
    const raw = await signedTransfer(BOB, 3);
    const started = performance.now();
    const json = await h.call("eth_sendRawTransactionSync", [raw]);
    const elapsed = performance.now() - started;
    const hash = bytesToHex(h.fake.pending.at(-1)!.hash);
    expect(json.error).toEqual({ code: 4, message: "The transaction was added to the transaction pool but wasn't processed in 200ms", data: hash });
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(1000);
    h.fake.minePending();
  });

  test("the timeout is clamped to the maximum; 0 means the default; hex is accepted", async () => {
    const clamped = await h.call("eth_sendRawTransactionSync", [await signedTransfer(BOB, 4), 60_000]);
    expect(clamped.error.message).toContain("in 400ms");
    expect(h.fake.seen.get("sendRawTransactionSync")![1]).toBe(400);
    const zero = await h.call("eth_sendRawTransactionSync", [await signedTransfer(BOB, 5), "0x0"]);
    expect(zero.error.message).toContain("in 200ms");
    const hex = await h.call("eth_sendRawTransactionSync", [await signedTransfer(BOB, 6), "0x32"]);
    expect(hex.error.message).toContain("in 50ms");
    h.fake.minePending();
  });

  test("eth_sendRawTransactionSync passes pool rejections through at once", async () => {
    const json = await h.call("eth_sendRawTransactionSync", [await signedTransfer(BOB, 0)]);
    expect(json.error).toEqual({ code: -32000, message: expect.stringContaining("nonce too low") });
  });
});

describe("pooled transactions and the pending block", () => {
  // A sender of its own, so nonces elsewhere in this file are untouched.
  const CAROL = privateKeyToAccount("0x8c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f36231a");

  test("a pooled EIP-1559 transaction: null position, maxFeePerGas as gasPrice, no receipt", async () => {
    const hash = await result("eth_sendRawTransaction", [await signedTransfer(CAROL, 0)]);
    const tx = h.fake.pending.at(-1)!;
    expect(await result("eth_getTransactionByHash", [hash])).toEqual(
      transferJson(tx, CAROL.address, hash, { blockHash: null, blockNumber: null, transactionIndex: null, gasPrice: "0xb2d05e00" }),
    );
    expect(await result("eth_getTransactionReceipt", [hash])).toBeNull();
  });

  test("pooled legacy and EIP-2930 transactions keep their type's fields", async () => {
    const legacy = await result("eth_getTransactionByHash", [await result("eth_sendRawTransaction", [await signedTransfer(CAROL, 1, { type: "legacy" })])]);
    expect(legacy).toMatchObject({ blockHash: null, blockNumber: null, transactionIndex: null, type: "0x0", gasPrice: "0x77359400", chainId: "0x385", nonce: "0x1" });
    expect("accessList" in legacy || "yParity" in legacy).toBe(false);
    const typed = await result("eth_getTransactionByHash", [await result("eth_sendRawTransaction", [await signedTransfer(CAROL, 2, { type: "eip2930" })])]);
    expect(typed).toMatchObject({ blockHash: null, blockNumber: null, transactionIndex: null, type: "0x1", gasPrice: "0x77359400", chainId: "0x385" });
    expect(typed.accessList).toEqual([{ address: TOKEN, storageKeys: [`0x${"11".repeat(32)}`] }]);
  });

  test("once mined, the same lookup has its position and the effective gasPrice", async () => {
    const hash = bytesToHex(h.fake.pending.find((t) => t.nonce === 0n && t.type === 2)!.hash);
    const block = h.fake.minePending();
    const json = await result("eth_getTransactionByHash", [hash]);
    expect(json).toMatchObject({ blockHash: bytesToHex(block.hash), blockNumber: `0x${block.header.number.toString(16)}`, transactionIndex: "0x0" });
    expect(json.gasPrice).toBe(`0x${(FAKE_BASE_FEE + 500_000_000n).toString(16)}`);
    expect((await result("eth_getTransactionReceipt", [hash])).blockHash).toBe(bytesToHex(block.hash));
  });

  test("eth_getBlockByNumber(pending) nulls hash, nonce and miner, as geth; other tags do not", async () => {
    const latest = await result("eth_getBlockByNumber", ["latest", true]);
    const pending = await result("eth_getBlockByNumber", ["pending", true]);
    expect(pending).toEqual({ ...latest, hash: null, nonce: null, miner: null });
    expect(latest.hash).toBe(bytesToHex(h.fake.head().hash));
    const byNumber = await result("eth_getBlockByNumber", [latest.number, false]);
    expect([byNumber.hash, byNumber.nonce, byNumber.miner]).toEqual([latest.hash, latest.nonce, latest.miner]);
  });
});

/**
 * geth's JSON for the fixtures' EIP-1559 transfer (1000 wei to BOB, nonce 0) from `from`; the
 * block position and the gas price depend on where it is.
 */
function transferJson(
  tx: { yParity: number; r: bigint; s: bigint },
  from: string,
  hash: string,
  at: { blockHash: string | null; blockNumber: string | null; transactionIndex: string | null; gasPrice: string },
) {
  return {
    blockHash: at.blockHash,
    blockNumber: at.blockNumber,
    from: from.toLowerCase(),
    gas: "0x5208",
    gasPrice: at.gasPrice,
    maxFeePerGas: "0xb2d05e00",
    maxPriorityFeePerGas: "0x1dcd6500",
    hash,
    input: "0x",
    nonce: "0x0",
    to: BOB.address.toLowerCase(),
    transactionIndex: at.transactionIndex,
    value: "0x3e8",
    type: "0x2",
    accessList: [],
    chainId: "0x385",
    v: `0x${tx.yParity}`,
    r: `0x${tx.r.toString(16)}`,
    s: `0x${tx.s.toString(16)}`,
    yParity: `0x${tx.yParity}`,
  };
}

function concatList(items: Uint8Array[]): Uint8Array {
  const payload = new Uint8Array(items.reduce((n, i) => n + i.length, 0));
  let at = 0;
  for (const i of items) {
    payload.set(i, at);
    at += i.length;
  }
  const len = bigintToMinimalBytes(BigInt(payload.length));
  const head = payload.length < 56 ? new Uint8Array([0xc0 + payload.length]) : new Uint8Array([0xf7 + len.length, ...len]);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}
