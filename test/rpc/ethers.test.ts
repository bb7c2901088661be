// ethers v6 against the server: JsonRpcProvider (which batches by default) and
// WebSocketProvider, reading the fake's chain and listening to its events.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Contract, JsonRpcProvider, Network, WebSocketProvider, isError, type Log as EthersLog } from "ethers";
import { encodeErrorResult, parseAbi } from "viem";
import type { Block } from "../../src/chain/types";
import { bytesToHex, hexToBytes } from "../../src/crypto";
import { ExecutionRevertedError } from "../../src/rpc/rpc-errors";
import { ALICE, BOB, TOKEN, approvalLog, includedTransfer, signedTransfer, transferLog } from "./fixtures";
import { startHarness } from "./harness";

const h = startHarness();
const ERC20 = [
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "function balanceOf(address) view returns (uint256)",
];
let block1: Block;
let provider: JsonRpcProvider;
let wsProvider: WebSocketProvider;

beforeAll(async () => {
  block1 = h.fake.mine([
    { tx: await includedTransfer(ALICE, 0), logs: [transferLog(ALICE.address, BOB.address, 5n), approvalLog(ALICE.address, BOB.address, 6n)] },
    { tx: await includedTransfer(BOB, 0, { type: "eip2930" }) },
  ]);
  h.fake.balances.set(BOB.address.toLowerCase(), 7n * 10n ** 18n);
  provider = new JsonRpcProvider(h.server.url, undefined, { pollingInterval: 20 });
  wsProvider = new WebSocketProvider(h.server.wsUrl, Network.from(901));
});
afterAll(async () => {
  provider.destroy();
  await wsProvider.destroy();
  await h.stop();
});

function reads(name: string, p: () => JsonRpcProvider | WebSocketProvider) {
  describe(`reads over ${name}`, () => {
    test("network, block number, balance, nonce", async () => {
      expect((await p().getNetwork()).chainId).toBe(901n);
      expect(await p().getBlockNumber()).toBe(Number(h.fake.blockNumber()));
      expect(await p().getBalance(BOB.address)).toBe(7n * 10n ** 18n);
      expect(await p().getTransactionCount(ALICE.address, "latest")).toBe(1);
    });

    test("blocks, with and without prefetched transactions", async () => {
      const block = await p().getBlock(1);
      expect(block!.hash).toBe(bytesToHex(block1.hash));
      expect(block!.number).toBe(1);
      expect(block!.baseFeePerGas).toBe(1_000_000_000n);
      expect(block!.transactions).toEqual(block1.transactions.map((t) => bytesToHex(t.hash)));
      expect(block!.parentBeaconBlockRoot).toBe(`0x${"00".repeat(32)}`);
      const full = await p().getBlock(bytesToHex(block1.hash), true);
      expect(full!.prefetchedTransactions[1]!.type).toBe(1);
      expect(full!.prefetchedTransactions[1]!.accessList!.length).toBe(1);
      expect(full!.prefetchedTransactions[0]!.from).toBe(ALICE.address);
      expect(await p().getBlock(999)).toBeNull();
    });

    test("transaction and receipt with logs", async () => {
      const hash = bytesToHex(block1.transactions[0]!.hash);
      const tx = await p().getTransaction(hash);
      expect(tx).toMatchObject({ hash, from: ALICE.address, to: BOB.address, value: 1000n, nonce: 0, blockNumber: 1, index: 0, chainId: 901n, type: 2 });
      expect(tx!.signature.yParity).toBe(block1.transactions[0]!.yParity as 0 | 1);
      const receipt = await p().getTransactionReceipt(hash);
      expect(receipt).toMatchObject({ hash, status: 1, blockNumber: 1, gasUsed: 21000n, index: 0, type: 2 });
      expect(receipt!.logs.map((l) => l.index)).toEqual([0, 1]);
    });

    test("code, storage, call, estimateGas, fee data", async () => {
      h.fake.codes.set(TOKEN, new Uint8Array([0x60, 0x02]));
      expect(await p().getCode(TOKEN)).toBe("0x6002");
      expect(await p().getStorage(TOKEN, 0)).toBe(`0x${"00".repeat(32)}`);
      expect(await p().call({ to: TOKEN, data: "0x70a08231" })).toBe(`0x${"00".repeat(31)}2a`);
      expect(await p().estimateGas({ from: ALICE.address, to: TOKEN, data: "0x0102" })).toBe(21032n);
      const fees = await p().getFeeData();
      expect(fees.gasPrice).toBe(1_100_000_000n);
      expect(fees.maxPriorityFeePerGas).toBe(100_000_000n);
    });

    test("logs by topic filter", async () => {
      const token = new Contract(TOKEN, ERC20, p());
      const filter = token.filters.Transfer!(ALICE.address);
      const events = await token.queryFilter(filter, 0, "latest");
      expect(events).toHaveLength(1);
      expect((events[0] as any).args.toArray()).toEqual([ALICE.address, BOB.address, 5n]);
      const raw = await p().getLogs({ address: TOKEN, fromBlock: 0, toBlock: "latest" });
      expect(raw).toHaveLength(2);
      expect(raw[1]!.blockHash).toBe(bytesToHex(block1.hash));
    });
  });
}

reads("JsonRpcProvider (batched HTTP)", () => provider);
reads("WebSocketProvider", () => wsProvider);

describe("errors as ethers sees them", () => {
  test("a revert surfaces as CALL_EXCEPTION with the reason", async () => {
    const original = h.fake.call;
    const data = encodeErrorResult({ abi: parseAbi(["error Error(string)"]), errorName: "Error", args: ["paused"] });
    h.fake.call = () => {
      throw new ExecutionRevertedError(hexToBytes(data));
    };
    try {
      await new Contract(TOKEN, ERC20, provider).getFunction("balanceOf")(ALICE.address);
      throw new Error("expected a revert");
    } catch (err) {
      expect(isError(err, "CALL_EXCEPTION")).toBe(true);
      expect((err as { reason: string }).reason).toBe("paused");
    } finally {
      h.fake.call = original;
    }
  });

  test("a nonce-too-low rejection is NONCE_EXPIRED", async () => {
    const raw = await signedTransfer(ALICE, 0);
    try {
      await provider.broadcastTransaction(raw);
      throw new Error("expected a rejection");
    } catch (err) {
      expect(isError(err, "NONCE_EXPIRED")).toBe(true);
    }
  });
});

describe("sending", () => {
  test("broadcastTransaction then wait()", async () => {
    h.fake.autoMine = true;
    try {
      const response = await provider.broadcastTransaction(await signedTransfer(ALICE, 1));
      const receipt = await response.wait(1, 3000);
      expect(receipt!.status).toBe(1);
      expect(receipt!.hash).toBe(response.hash);
    } finally {
      h.fake.autoMine = false;
    }
  });
});

describe("listening over WebSocketProvider", () => {
  test("block events come from newHeads", async () => {
    const seen: number[] = [];
    await wsProvider.on("block", (n: number) => seen.push(n));
    await waitFor(() => h.fake.listenerCounts().heads === 1);
    const mined = Number(h.fake.mine([]).header.number);
    await waitFor(() => seen.includes(mined));
    await wsProvider.off("block");
    await waitFor(() => h.fake.listenerCounts().heads === 0);
  });

  test("contract events come from a logs subscription", async () => {
    const token = new Contract(TOKEN, ERC20, wsProvider);
    const got: [string, string, bigint][] = [];
    // ethers hands a topic-filter listener the ContractEventPayload (last argument); its args are decoded.
    await token.on(token.filters.Transfer!(null, BOB.address), (...args: unknown[]) => {
      const payload = args[args.length - 1] as { args: { toArray(): [string, string, bigint] }; log: EthersLog };
      got.push(payload.args.toArray());
    });
    await waitFor(() => h.fake.listenerCounts().logs === 1);
    h.fake.mine([
      {
        tx: await includedTransfer(BOB, 1),
        logs: [transferLog(BOB.address, ALICE.address, 1n), transferLog(ALICE.address, BOB.address, 42n)],
      },
    ]);
    await waitFor(() => got.length >= 1);
    await Bun.sleep(50);
    expect(got).toEqual([[ALICE.address, BOB.address, 42n]]);
    await token.removeAllListeners();
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
