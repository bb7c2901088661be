// --prune-trie on a restart: the sequencer drops the trie nodes its head root no longer reaches,
// then serves the same state and keeps sealing blocks whose roots the rows confirm.
import { expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { parseGwei } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ChainStore, recomputeStateRoot } from "../../src/state";
import { CHAIN_ID, DEV_KEYS, startDev, waitSealed } from "./helpers";

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
