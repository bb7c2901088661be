// viem against the server, over http() (plain and batched) and webSocket(), reading what the
// fake holds and watching what it emits.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  defineChain,
  encodeErrorResult,
  http,
  parseAbi,
  webSocket,
  type Hex,
  type PublicClient,
} from "viem";
import type { Block } from "../../src/chain/types";
import { bytesToHex, hexToBytes } from "../../src/crypto";
import { ExecutionRevertedError } from "../../src/rpc/rpc-errors";
import { FAKE_CHAIN_ID } from "./fake-node";
import { ALICE, BOB, ERC20_ABI, TOKEN, includedTransfer, signedTransfer, transferLog, approvalLog } from "./fixtures";
import { startHarness } from "./harness";

const h = startHarness({ txSyncDefaultTimeoutMs: 500 });
const chain = defineChain({
  id: Number(FAKE_CHAIN_ID),
  name: "fake",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [h.server.url], webSocket: [h.server.wsUrl] } },
});
let block1: Block;
let httpClient: PublicClient;
let batchClient: PublicClient;
let wsClient: PublicClient;

beforeAll(async () => {
  block1 = h.fake.mine([
    { tx: await includedTransfer(ALICE, 0), logs: [transferLog(ALICE.address, BOB.address, 5n), approvalLog(ALICE.address, BOB.address, 6n)] },
    { tx: await includedTransfer(BOB, 0, { type: "legacy" }) },
  ]);
  h.fake.balances.set(ALICE.address.toLowerCase(), 123n * 10n ** 18n);
  httpClient = createPublicClient({ chain, transport: http(h.server.url, { retryCount: 0 }) }) as PublicClient;
  batchClient = createPublicClient({ chain, transport: http(h.server.url, { batch: true, retryCount: 0 }) }) as PublicClient;
  wsClient = createPublicClient({ chain, transport: webSocket(h.server.wsUrl, { retryCount: 0 }) }) as PublicClient;
});
afterAll(async () => {
  await (wsClient.transport as any).getRpcClient?.().then((c: any) => c.close()).catch(() => {});
  await h.stop();
});

function reads(name: string, client: () => PublicClient) {
  describe(`reads over ${name}`, () => {
    test("chain id, block number, balance, nonce", async () => {
      const c = client();
      expect(await c.getChainId()).toBe(901);
      expect(await c.getBlockNumber({ cacheTime: 0 })).toBe(h.fake.blockNumber());
      expect(await c.getBalance({ address: ALICE.address })).toBe(123n * 10n ** 18n);
      expect(await c.getTransactionCount({ address: ALICE.address, blockTag: "pending" })).toBe(1);
    });

    test("blocks with hashes and with full transactions", async () => {
      const c = client();
      const block = await c.getBlock({ blockNumber: 1n });
      expect(block.hash).toBe(bytesToHex(block1.hash) as Hex);
      expect(block.number).toBe(1n);
      expect(block.baseFeePerGas).toBe(1_000_000_000n);
      expect(block.transactions).toEqual(block1.transactions.map((t) => bytesToHex(t.hash) as Hex));
      expect(block.size).toBeGreaterThan(500n);
      const full = await c.getBlock({ blockHash: bytesToHex(block1.hash) as Hex, includeTransactions: true });
      expect(full.transactions[0]!.from).toBe(ALICE.address.toLowerCase() as Hex);
      expect(full.transactions[0]!.type).toBe("eip1559");
      expect(full.transactions[1]!.type).toBe("legacy");
      expect(await c.getBlockTransactionCount({ blockNumber: 1n })).toBe(2);
    });

    test("transactions and receipts", async () => {
      const c = client();
      const hash = bytesToHex(block1.transactions[0]!.hash) as Hex;
      const tx = await c.getTransaction({ hash });
      expect(tx).toMatchObject({ hash, from: ALICE.address.toLowerCase(), to: BOB.address.toLowerCase(), value: 1000n, nonce: 0, blockNumber: 1n, transactionIndex: 0, chainId: 901 });
      const receipt = await c.getTransactionReceipt({ hash });
      expect(receipt).toMatchObject({ status: "success", blockNumber: 1n, gasUsed: 21000n, transactionIndex: 0, type: "eip1559" });
      expect(receipt.logs).toHaveLength(2);
      expect(receipt.logs[1]!.logIndex).toBe(1);
    });

    test("code, storage, call, estimateGas, fees", async () => {
      const c = client();
      h.fake.codes.set(TOKEN, new Uint8Array([0x60, 0x01]));
      expect(await c.getCode({ address: TOKEN })).toBe("0x6001");
      expect(await c.getStorageAt({ address: TOKEN, slot: "0x0" })).toBe(`0x${"00".repeat(32)}`);
      expect((await c.call({ to: TOKEN, data: "0x70a08231" })).data).toBe(`0x${"00".repeat(31)}2a`);
      expect(await c.estimateGas({ account: ALICE.address, to: TOKEN, data: "0x01" })).toBe(21016n);
      expect(await c.getGasPrice()).toBe(1_100_000_000n);
      const fees = await c.estimateFeesPerGas();
      expect(fees.maxPriorityFeePerGas).toBe(100_000_000n);
      const history = await c.getFeeHistory({ blockCount: 2, rewardPercentiles: [50] });
      expect(history.oldestBlock).toBe(h.fake.blockNumber() - 1n);
      expect(history.reward).toEqual([[50_000n], [50_000n]]);
    });

    test("logs decoded with an event ABI", async () => {
      const c = client();
      const logs = await c.getLogs({ address: TOKEN, event: ERC20_ABI[0], args: { from: ALICE.address }, fromBlock: 0n, toBlock: "latest" });
      expect(logs).toHaveLength(1);
      expect(logs[0]!.args).toEqual({ from: ALICE.address, to: BOB.address, value: 5n });
      expect(logs[0]!.blockHash).toBe(bytesToHex(block1.hash) as Hex);
    });
  });
}

reads("http()", () => httpClient);
reads("http({ batch: true })", () => batchClient);
reads("webSocket()", () => wsClient);

describe("errors as viem sees them", () => {
  test("a revert with Error(string) surfaces as ContractFunctionRevertedError with the reason", async () => {
    const original = h.fake.call;
    const data = encodeErrorResult({ abi: parseAbi(["error Error(string)"]), errorName: "Error", args: ["not enough tokens"] });
    h.fake.call = () => {
      throw new ExecutionRevertedError(hexToBytes(data));
    };
    try {
      await httpClient.readContract({ address: TOKEN, abi: ERC20_ABI, functionName: "balanceOf", args: [ALICE.address] });
      throw new Error("expected a revert");
    } catch (err) {
      const reverted = (err as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
      expect(reverted).toBeInstanceOf(ContractFunctionRevertedError);
      expect((reverted as ContractFunctionRevertedError).reason).toBe("not enough tokens");
    } finally {
      h.fake.call = original;
    }
  });

  test("a pool rejection keeps geth's message", async () => {
    h.fake.nonces.set(BOB.address.toLowerCase(), 9n);
    const raw = await signedTransfer(BOB, 1);
    await expect(httpClient.sendRawTransaction({ serializedTransaction: raw })).rejects.toThrow(/nonce too low/i);
    h.fake.nonces.set(BOB.address.toLowerCase(), 1n);
  });
});

describe("sending", () => {
  test("sendRawTransaction then waitForTransactionReceipt", async () => {
    h.fake.autoMine = true;
    try {
      const raw = await signedTransfer(ALICE, 1);
      const hash = await httpClient.sendRawTransaction({ serializedTransaction: raw });
      const receipt = await httpClient.waitForTransactionReceipt({ hash, pollingInterval: 20, timeout: 3000 });
      expect(receipt.status).toBe("success");
      expect(receipt.transactionHash).toBe(hash);
    } finally {
      h.fake.autoMine = false;
    }
  });

  test("sendRawTransactionSync returns the receipt (EIP-7966)", async () => {
    h.fake.autoMine = true;
    try {
      const raw = await signedTransfer(ALICE, 2);
      const receipt = await httpClient.sendRawTransactionSync({ serializedTransaction: raw, timeout: 1000 });
      expect(receipt.status).toBe("success");
      expect(h.fake.seen.get("sendRawTransactionSync")![1]).toBe(1000);
    } finally {
      h.fake.autoMine = false;
    }
  });
});

describe("watching over webSocket()", () => {
  test("watchBlocks and watchBlockNumber fire on mined blocks", async () => {
    const blocks: bigint[] = [];
    const numbers: bigint[] = [];
    const unwatchBlocks = wsClient.watchBlocks({ onBlock: (b) => blocks.push(b.number!), onError: (e) => console.error(e) });
    const unwatchNumbers = wsClient.watchBlockNumber({ onBlockNumber: (n) => numbers.push(n), onError: (e) => console.error(e) });
    await waitFor(() => h.fake.listenerCounts().heads === 1);
    const first = h.fake.mine([]).header.number;
    const second = h.fake.mine([]).header.number;
    await waitFor(() => blocks.length >= 2 && numbers.length >= 2);
    expect(blocks.slice(-2)).toEqual([first, second]);
    expect(numbers.slice(-2)).toEqual([first, second]);
    unwatchBlocks();
    unwatchNumbers();
    await waitFor(() => h.fake.listenerCounts().heads === 0);
  });

  test("watchContractEvent receives decoded, filtered events", async () => {
    const events: { from: Hex; to: Hex; value: bigint }[] = [];
    const unwatch = wsClient.watchContractEvent({
      address: TOKEN,
      abi: ERC20_ABI,
      eventName: "Transfer",
      args: { to: BOB.address },
      onLogs: (logs) => events.push(...logs.map((l) => l.args as { from: Hex; to: Hex; value: bigint })),
      onError: (e) => console.error(e),
    });
    await waitFor(() => h.fake.listenerCounts().logs === 1);
    h.fake.mine([
      {
        tx: await includedTransfer(BOB, 5),
        logs: [
          transferLog(ALICE.address, BOB.address, 77n),
          transferLog(BOB.address, ALICE.address, 88n), // wrong recipient
          approvalLog(ALICE.address, BOB.address, 99n), // wrong event
          transferLog(ALICE.address, BOB.address, 11n, `0x${"99".repeat(20)}`), // wrong contract
        ],
      },
    ]);
    await waitFor(() => events.length >= 1);
    await Bun.sleep(50);
    expect(events).toEqual([{ from: ALICE.address, to: BOB.address, value: 77n }]);
    unwatch();
    await waitFor(() => h.fake.listenerCounts().logs === 0);
  });
});

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(10);
  }
}
