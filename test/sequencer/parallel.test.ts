// The sequencer with Block-STM workers: every sealed block, replayed serially on a fresh state
// from genesis, gives exactly the state root the parallel sequencer sealed.
import { expect, test } from "bun:test";
import { privateKeyToAccount } from "viem/accounts";
import { encodeDeployData, encodeFunctionData } from "viem";
import { erc20 } from "../../bench/workloads/contracts";
import { devGenesis, loadGenesis } from "../../src/chain/genesis";
import { blobBaseFee } from "../../src/chain/fees";
import { bytesToHex, hexToBytes } from "../../src/crypto/index";
import { EvmCore } from "../../src/exec/core";
import { createLogger } from "../../src/log/logger";
import { type ParallelExecutor, SerialExecutor } from "../../src/parallel/index";
import { LmdbSequencerStore } from "../../src/sequencer/lmdb-store";
import { coreInput, pendingTx } from "../../src/sequencer/pending-tx";
import { MemoryState } from "../../src/statetest/memory-state";
import { decodeSignedTx } from "../../src/tx/index";
import { DEV_KEYS, startDev, until } from "./helpers";

test("blocks sealed with 2 Block-STM workers replay serially to the same state roots", async () => {
  const dev = await startDev({ workers: 2, "parallel-mode": "always" });
  let lastBlock: bigint;
  try {
    const owner = privateKeyToAccount(DEV_KEYS[0]!);
    const { abi, bytecode } = erc20();
    const sign = (a: ReturnType<typeof privateKeyToAccount>, nonce: number, to: `0x${string}` | null, data: `0x${string}`, value = 0n) =>
      a.signTransaction({ chainId: 31337, type: "eip1559", to, data, value, nonce, gas: 2_000_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 7n });
    const send = async (raws: string[]) => {
      const body = raws.map((raw, id) => ({ jsonrpc: "2.0", id, method: "eth_sendRawTransaction", params: [raw] }));
      const res = (await (await fetch(dev.url, { method: "POST", body: JSON.stringify(body) })).json()) as any[];
      expect(res.filter((r) => r.error)).toEqual([]);
      return until("last receipt", () => dev.call("eth_getTransactionReceipt", [res.at(-1).result]));
    };
    const deployed = await dev.call("eth_sendRawTransactionSync", [await sign(owner, 0, null, encodeDeployData({ abi, bytecode, args: ["T", "T", 10n ** 30n] }))]);
    const token = deployed.contractAddress as `0x${string}`;
    const users = Array.from({ length: 20 }, (_, i) => privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, "0")}`));
    const funding: string[] = [];
    let nonce = 1;
    for (const u of users) {
      funding.push(await sign(owner, nonce++, u.address, "0x", 10n ** 18n));
      funding.push(await sign(owner, nonce++, token, encodeFunctionData({ abi, functionName: "transfer", args: [u.address, 10n ** 20n] })));
    }
    await send(funding);
    // Every user pays two neighbours, then all pay one hot account: independence and contention.
    const raws: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const [i, u] of users.entries()) {
        const to = round === 2 ? users[0]!.address : users[(i + round + 1) % users.length]!.address;
        raws.push(await sign(u, round, token, encodeFunctionData({ abi, functionName: "transfer", args: [to, BigInt(1000 + i)] })));
      }
    }
    const receipt = await send(raws);
    lastBlock = BigInt(receipt.blockNumber);
    await until("block sealed", async () => BigInt(await dev.call("eth_blockNumber")) >= lastBlock);
    await dev.running.stop();
    const txs = await replaySerially(dev.datadir, lastBlock);
    expect(txs).toBe(1 + 40 + 60);
  } finally {
    await dev.stop();
  }
}, 60_000);

test("mini-blocks executed while the one before is still being written replay to the same roots", async () => {
  // Mini-blocks are produced by hand, back to back, so each runs with the previous commit in
  // flight: workers read LMDB for every account but that commit's (preState lmdb-except-pending).
  const dev = await startDev({ workers: 2, "parallel-mode": "always", "mini-block-ms": 3_600_000, "block-ms": 3_600_000, "max-txs-per-mini-block": 24 });
  try {
    const sequencer = dev.running.sequencer;
    const users = Array.from({ length: 24 }, (_, i) => privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, "0")}`));
    const owner = privateKeyToAccount(DEV_KEYS[0]!);
    const sign = (a: ReturnType<typeof privateKeyToAccount>, nonce: number, to: `0x${string}`, value: bigint) =>
      a.signTransaction({ chainId: 31337, type: "eip1559", to, value, nonce, gas: 21_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 7n });
    for (const [i, u] of users.entries()) await sequencer.submit(hexToBytes(await sign(owner, i, u.address, 10n ** 18n)));
    await sequencer.produceMiniBlock();
    await sequencer.settled();
    // Four rounds of everyone paying a neighbour: each round reads what the round before changed.
    for (let round = 0; round < 4; round++) {
      for (const [i, u] of users.entries()) await sequencer.submit(hexToBytes(await sign(u, round, users[(i + round + 1) % users.length]!.address, 1000n + BigInt(i))));
    }
    const modes: (string | null | undefined)[] = [];
    for (let round = 0; round < 4; round++) {
      await sequencer.produceMiniBlock();
      modes.push((sequencer as unknown as { executor: ParallelExecutor }).executor.lastStats?.preState);
    }
    expect(modes.slice(1)).toEqual(["lmdb-except-pending", "lmdb-except-pending", "lmdb-except-pending"]);
    await sequencer.settled();
    const block = await sequencer.seal();
    await dev.running.stop();
    expect(await replaySerially(dev.datadir, block.header.number)).toBe(24 + 4 * 24);
  } finally {
    await dev.stop();
  }
}, 60_000);

/** Replays every sealed block serially from genesis, checking each state root; returns the transactions replayed. */
async function replaySerially(datadir: string, lastBlock: bigint): Promise<number> {
  const genesis = loadGenesis(devGenesis(1_000_000_000n));
  const store = await LmdbSequencerStore.open(datadir, genesis, createLogger("error", true));
  const state = new MemoryState();
  for (const a of genesis.accounts) state.put(a.address, a);
  const serial = new SerialExecutor(await EvmCore.load("wasm"));
  let txs = 0;
  try {
    for (let n = 1n; n <= lastBlock; n++) {
      const block = store.blockByNumber(n)!;
      const h = block.header;
      const env = {
        number: h.number, timestamp: h.timestamp, gasLimit: h.gasLimit, chainId: 31337n, coinbase: h.coinbase,
        prevRandao: h.prevRandao, baseFee: h.baseFeePerGas, blobBaseFee: blobBaseFee(h.excessBlobGas, genesis.common),
      };
      const inputs = block.transactions.map((t) => coreInput(pendingTx(decodeSignedTx(t.raw), t.from, 0)));
      const results = await serial.execute(env, inputs, state);
      const receipts = store.receipts(n);
      results.forEach((r, i) => expect(r.gasUsed).toBe(receipts[i]!.gasUsed));
      txs += inputs.length;
      expect(bytesToHex(state.root())).toBe(bytesToHex(h.stateRoot));
    }
  } finally {
    await store.close();
  }
  return txs;
}
