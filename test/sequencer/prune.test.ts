// --prune-trie on a restart: the sequencer drops the trie nodes its head root no longer reaches,
// then serves the same state and keeps sealing blocks whose roots the rows confirm. And
// --prune-trie-every, which does the same while the sequencer runs.
import { expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Logger } from "../../src/log/logger";
import { ChainStore, recomputeStateRoot } from "../../src/state";
import { pruneTrieNodes } from "../../src/state/prune-trie";
import { CHAIN_ID, DEV_KEYS, startDev, until, waitSealed } from "./helpers";

test("a restart with --prune-trie deletes unreachable nodes and serves the same state", async () => {
  const from = privateKeyToAccount(DEV_KEYS[0]!);
  const to = privateKeyToAccount(DEV_KEYS[1]!).address;
  const send = async (dev: Awaited<ReturnType<typeof startDev>>, nonce: number) => {
    const raw = await from.signTransaction({ chainId: CHAIN_ID, type: "eip1559", nonce, to, value: 1000n + BigInt(nonce), gas: 21_000n, maxFeePerGas: parseGwei("10"), maxPriorityFeePerGas: 1n });
    return dev.call("eth_sendRawTransactionSync", [raw]);
  };
  const first = await startDev();
  for (let nonce = 0; nonce < 12; nonce++) await send(first, nonce);
  const head = BigInt(await first.call("eth_blockNumber"));
  await waitSealed(first.call, head + 1n);
  const balance = await first.call("eth_getBalance", [to, "latest"]);
  await first.running.stop(); // keeps the datadir (stop() removes it)

  const count = () => {
    const store = ChainStore.open(first.datadir);
    const n = store.env.dbs.trieNodes.getKeysCount({});
    return store.close().then(() => n);
  };
  const before = await count();
  const second = await startDev({ datadir: first.datadir, "prune-trie": true });
  try {
    expect(await second.call("eth_getBalance", [to, "latest"])).toBe(balance);
    await send(second, 12);
    await waitSealed(second.call, BigInt(await second.call("eth_blockNumber")) + 1n);
  } finally {
    await second.running.stop();
    rmSync(second.datadir, { recursive: true, force: true }); // the fresh one startDev made and did not use
  }
  const store = ChainStore.open(first.datadir);
  try {
    // Fewer nodes than before, although the second run added some; and the tries still root right.
    expect(store.env.dbs.trieNodes.getKeysCount({})).toBeLessThan(before);
    expect(store.state.stateRoot).toEqual(recomputeStateRoot(store.env));
  } finally {
    await store.close();
    rmSync(first.datadir, { recursive: true, force: true });
  }
}, 30_000);

test("--prune-trie-every prunes while transactions flow, and the state stays whole", async () => {
  const from = privateKeyToAccount(DEV_KEYS[2]!);
  const to = privateKeyToAccount(DEV_KEYS[3]!).address;
  const lines: string[] = [];
  let deleted = 0;
  const capture: Logger = {
    debug: () => {},
    info: (m, f) => {
      lines.push(m);
      if (m === "trie pruned while running") deleted += f!.deleted as number;
    },
    warn: (m, f) => lines.push(`warn: ${m} ${JSON.stringify(f)}`),
    error: (m, f) => lines.push(`error: ${m} ${JSON.stringify(f)}`),
    child: () => capture,
  };
  const dev = await startDev({ "prune-trie-every": 1 }, capture);
  let nonce = 0;
  const send = async (via = dev) => {
    const raw = await from.signTransaction({ chainId: CHAIN_ID, type: "eip1559", nonce: nonce++, to, value: BigInt(nonce), gas: 21_000n, maxFeePerGas: parseGwei("10"), maxPriorityFeePerGas: 1n });
    return via.call("eth_sendRawTransactionSync", [raw]);
  };
  let balance: string;
  try {
    // Transactions keep committing mini-blocks through at least two passes.
    const passes = () => lines.filter((l) => l === "trie pruned while running").length;
    await until("two pruning passes", async () => (await send(), passes() >= 2), 10_000, 1);
    await send();
    balance = await dev.call("eth_getBalance", [to, "latest"]);
    await waitSealed(dev.call, BigInt(await dev.call("eth_blockNumber")) + 1n);
  } finally {
    await dev.running.stop();
  }
  expect(lines.filter((l) => l.startsWith("error") || l.startsWith("warn"))).toEqual([]);
  expect(deleted).toBeGreaterThan(0);
  const store = ChainStore.open(dev.datadir);
  try {
    // Every node the head reaches is there (the walk throws on a missing one) and the rows root the same.
    expect(() => pruneTrieNodes(store.env, store.state.stateRoot)).not.toThrow();
    expect(store.state.stateRoot).toEqual(recomputeStateRoot(store.env));
  } finally {
    await store.close();
  }
  const again = await startDev({ datadir: dev.datadir });
  try {
    expect(await again.call("eth_getBalance", [to, "latest"])).toBe(balance);
    await send(again);
    await waitSealed(again.call, BigInt(await again.call("eth_blockNumber")) + 1n);
  } finally {
    await again.running.stop();
    rmSync(again.datadir, { recursive: true, force: true });
    rmSync(dev.datadir, { recursive: true, force: true });
  }
}, 30_000);
