// Pending transactions and the pending block against a real sequencer, read with viem and ethers
// over HTTP: a transaction held in the pool by a nonce gap is served with null block fields (as
// geth) and no receipt, then with its position once executed and its block's hash once sealed;
// the pending block's hash, nonce and miner are null (as geth).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { JsonRpcProvider } from "ethers";
import { createPublicClient, hexToBytes, http, keccak256, parseGwei, zeroHash, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { CHAIN_ID, DEV_KEYS, devChain, startDev, until, waitSealed, type Dev } from "./helpers";

const sender = privateKeyToAccount(DEV_KEYS[0]!);
const to = privateKeyToAccount(DEV_KEYS[1]!).address;
const FEES = { maxFeePerGas: parseGwei("5"), maxPriorityFeePerGas: parseGwei("1") };
const ACCESS = [{ address: to, storageKeys: [`0x${"11".repeat(32)}` as Hex] }];

// One transaction of each type, all from `sender`, at the given nonce.
const sign = {
  eip1559: (nonce: number) => sender.signTransaction({ type: "eip1559", chainId: CHAIN_ID, nonce, to, value: 1n, gas: 30_000n, data: "0xabcd", ...FEES }),
  legacy: (nonce: number) => sender.signTransaction({ type: "legacy", chainId: CHAIN_ID, nonce, to, value: 2n, gas: 21_000n, gasPrice: parseGwei("3") }),
  eip2930: (nonce: number) => sender.signTransaction({ type: "eip2930", chainId: CHAIN_ID, nonce, to, value: 3n, gas: 30_000n, gasPrice: parseGwei("3"), accessList: ACCESS }),
};

let dev: Dev;
/** Blocks that never seal during the test: what sits in the open block stays there. */
let open: Dev;
let pub: PublicClient;

beforeAll(async () => {
  // One after the other: startDev swaps console.log while it starts.
  dev = await startDev();
  open = await startDev({ "block-ms": 600_000 });
  pub = createPublicClient({ chain: devChain(dev.url, dev.wsUrl), transport: http(dev.url), pollingInterval: 20 }) as PublicClient;
}, 20_000);

afterAll(async () => {
  await Promise.all([dev?.stop(), open?.stop()]);
});

describe("a transaction waiting in the pool", () => {
  // Nonce 0 is withheld, so nonces 1-3 sit queued behind the gap until the last test sends it.
  const raws: Record<"eip1559" | "legacy" | "eip2930", Hex> = {} as never;
  const hashes: Record<keyof typeof raws, Hex> = {} as never;

  beforeAll(async () => {
    raws.eip1559 = await sign.eip1559(1);
    raws.legacy = await sign.legacy(2);
    raws.eip2930 = await sign.eip2930(3);
    for (const type of ["eip1559", "legacy", "eip2930"] as const) hashes[type] = await pub.sendRawTransaction({ serializedTransaction: raws[type] });
  });

  test("eth_getTransactionByHash: geth's pending shape, null block fields", async () => {
    const json = await dev.call("eth_getTransactionByHash", [hashes.eip1559]);
    const { r, s, yParity } = json;
    expect(json).toEqual({
      blockHash: null,
      blockNumber: null,
      from: sender.address.toLowerCase(),
      gas: "0x7530",
      // Not yet priced against a block: geth shows the fee cap.
      gasPrice: `0x${FEES.maxFeePerGas.toString(16)}`,
      maxFeePerGas: `0x${FEES.maxFeePerGas.toString(16)}`,
      maxPriorityFeePerGas: `0x${FEES.maxPriorityFeePerGas.toString(16)}`,
      hash: hashes.eip1559,
      input: "0xabcd",
      nonce: "0x1",
      to: to.toLowerCase(),
      transactionIndex: null,
      value: "0x1",
      type: "0x2",
      accessList: [],
      chainId: `0x${CHAIN_ID.toString(16)}`,
      v: yParity,
      r,
      s,
      yParity,
    });
    expect(json.hash).toBe(keccak256(raws.eip1559));
  });

  test("viem reads each type with its own fields", async () => {
    const t1559 = await pub.getTransaction({ hash: hashes.eip1559 });
    expect(t1559).toMatchObject({ blockHash: null, blockNumber: null, transactionIndex: null, type: "eip1559", nonce: 1, chainId: CHAIN_ID, from: sender.address.toLowerCase() });
    expect(t1559.maxFeePerGas).toBe(FEES.maxFeePerGas);
    const legacy = await pub.getTransaction({ hash: hashes.legacy });
    expect(legacy).toMatchObject({ blockHash: null, blockNumber: null, transactionIndex: null, type: "legacy", nonce: 2, value: 2n, gasPrice: parseGwei("3"), chainId: CHAIN_ID });
    expect(legacy.v).toBeOneOf([BigInt(CHAIN_ID * 2 + 35), BigInt(CHAIN_ID * 2 + 36)]);
    const t2930 = await pub.getTransaction({ hash: hashes.eip2930 });
    expect(t2930).toMatchObject({ blockHash: null, blockNumber: null, transactionIndex: null, type: "eip2930", nonce: 3, chainId: CHAIN_ID });
    expect(t2930.accessList).toEqual(ACCESS.map((e) => ({ ...e, address: e.address.toLowerCase() as Hex })));
  });

  test("ethers reads it as pending (no block number)", async () => {
    const provider = new JsonRpcProvider(dev.url, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1 });
    try {
      const tx = (await provider.getTransaction(hashes.eip1559))!;
      expect([tx.blockNumber, tx.blockHash, tx.nonce]).toEqual([null, null, 1]);
      expect(tx.from).toBe(sender.address);
    } finally {
      provider.destroy();
    }
  });

  test("it has no receipt, as in geth", async () => {
    expect(await dev.call("eth_getTransactionReceipt", [hashes.eip1559])).toBeNull();
    expect(await pub.getTransactionReceipt({ hash: hashes.legacy }).catch((e) => e.name)).toBe("TransactionReceiptNotFoundError");
  });

  test("filling the gap executes it: position set, then the sealed block's hash", async () => {
    await pub.sendRawTransaction({ serializedTransaction: await sign.eip1559(0) });
    const receipts = await Promise.all(Object.values(hashes).map((hash) => pub.waitForTransactionReceipt({ hash, timeout: 5000 })));
    await waitSealed(dev.call, receipts.at(-1)!.blockNumber);
    for (const r of receipts) {
      const tx = await pub.getTransaction({ hash: r.transactionHash });
      const block = await pub.getBlock({ blockNumber: r.blockNumber });
      expect(tx.blockNumber).toBe(r.blockNumber);
      expect(tx.transactionIndex).toBe(r.transactionIndex);
      expect(tx.blockHash).toBe(block.hash);
      expect(tx.blockHash).not.toBe(zeroHash);
      expect(block.transactions).toContain(r.transactionHash);
    }
    // Mined, an EIP-1559 transaction shows the price it paid.
    const mined = await pub.getTransaction({ hash: hashes.eip1559 });
    const receipt = receipts[0]!;
    expect(mined.gasPrice).toBe(receipt.effectiveGasPrice);
    expect(mined.gasPrice).toBeLessThan(FEES.maxFeePerGas);
  }, 15_000);
});

describe("a transaction executed into a mini-block that is not durable yet", () => {
  test("reads as pending (not null) until its commit lands, then with its position", async () => {
    // Hold the commit back: the transaction has left the pool but has no durable position.
    const store = open.running.sequencer.store;
    const commit = store.commitMiniBlock.bind(store);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    store.commitMiniBlock = (mini, changes) => commit(mini, changes).then(() => gate);
    try {
      const w = privateKeyToAccount(DEV_KEYS[3]!);
      const raw = await w.signTransaction({ type: "eip1559", chainId: CHAIN_ID, nonce: 0, to, value: 7n, gas: 21_000n, ...FEES });
      const hash: Hex = await open.call("eth_sendRawTransaction", [raw]);
      const pool = open.running.sequencer.pool;
      await until("the transaction to leave the pool", async () => !pool.has(hexToBytes(hash)));
      const tx = await open.call("eth_getTransactionByHash", [hash]);
      expect([tx.hash, tx.blockHash, tx.blockNumber, tx.transactionIndex]).toEqual([hash, null, null, null]);
      expect(await open.call("eth_getTransactionReceipt", [hash])).toBeNull();
      release();
      const receipt = await until("the receipt", () => open.call("eth_getTransactionReceipt", [hash]));
      const mined = await open.call("eth_getTransactionByHash", [hash]);
      expect([mined.blockHash, mined.blockNumber, mined.transactionIndex]).toEqual([zeroHash, receipt.blockNumber, receipt.transactionIndex]);
    } finally {
      release();
      store.commitMiniBlock = commit;
    }
  });
});

describe("the pending block", () => {
  test("hash, nonce and miner are null (geth); the rest describes the open block", async () => {
    const latest = BigInt(await open.call("eth_blockNumber"));
    const json = await open.call("eth_getBlockByNumber", ["pending", false]);
    expect([json.hash, json.nonce, json.miner]).toEqual([null, null, null]);
    expect(BigInt(json.number)).toBe(latest + 1n);
    expect(json.parentHash).toBe((await open.call("eth_getBlockByNumber", ["latest", false])).hash);
    // The same block by number is not served until sealed.
    expect(await open.call("eth_getBlockByNumber", [json.number, false])).toBeNull();
  });

  test("a transaction in the open block: receipt and lookup carry its number and index, a zero block hash", async () => {
    const w = privateKeyToAccount(DEV_KEYS[2]!);
    const raw = await w.signTransaction({ type: "eip1559", chainId: CHAIN_ID, nonce: 0, to, value: 5n, gas: 21_000n, ...FEES });
    const receipt = await open.call("eth_sendRawTransactionSync", [raw, 5000]);
    const tx = await open.call("eth_getTransactionByHash", [receipt.transactionHash]);
    expect(receipt.blockHash).toBe(zeroHash);
    expect([tx.blockHash, tx.blockNumber, tx.transactionIndex]).toEqual([zeroHash, receipt.blockNumber, receipt.transactionIndex]);
    expect(tx.gasPrice).toBe(receipt.effectiveGasPrice);
    const full = await open.call("eth_getBlockByNumber", ["pending", true]);
    expect(full.hash).toBeNull();
    expect(full.number).toBe(receipt.blockNumber);
    expect(full.transactions.map((t: { hash: Hex }) => t.hash)).toContain(receipt.transactionHash);
    // Its transactions read as eth_getTransactionByHash reads them.
    expect(full.transactions.find((t: { hash: Hex }) => t.hash === receipt.transactionHash)).toEqual(tx);
  });

  test("viem and ethers accept it", async () => {
    const client = createPublicClient({ chain: devChain(open.url, open.wsUrl), transport: http(open.url) });
    const b = await client.getBlock({ blockTag: "pending" });
    expect([b.hash, b.nonce, b.miner]).toEqual([null, null, null as never]);
    // viem types a pending block's number as null; geth (and this node) give the next number.
    expect(b.number as bigint | null).toBe((await client.getBlockNumber({ cacheTime: 0 })) + 1n);
    const provider = new JsonRpcProvider(open.url, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1 });
    try {
      const eb = (await provider.getBlock("pending"))!;
      // ethers turns the null nonce and miner into undefined.
      for (const field of [eb.hash, eb.nonce, eb.miner]) expect(field).toBeNil();
      expect(eb.transactions.length).toBeGreaterThan(0);
    } finally {
      provider.destroy();
    }
  });
});
