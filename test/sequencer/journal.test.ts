// Accepted means kept: a transaction acknowledged by eth_sendRawTransaction is journaled in LMDB
// and re-admitted after a restart even if no mini-block included it before the stop.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { privateKeyToAccount } from "viem/accounts";
import { DEV_KEYS, startDev, until, type Dev } from "./helpers";
import { startSequencer } from "../../src/sequencer/start";
import { createLogger } from "../../src/log/logger";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test("journaled transactions survive a stop before execution and are included after restart", async () => {
  // Mini-blocks every 10 minutes: nothing submitted after the first tick is executed.
  const first: Dev = await startDev({ "mini-block-ms": 600_000, "block-ms": 600_000 });
  dirs.push(first.datadir);
  const account = privateKeyToAccount(DEV_KEYS[3]!);
  const to = "0x000000000000000000000000000000000000beef";
  const hashes: string[] = [];
  await Bun.sleep(50);
  for (let nonce = 0; nonce < 5; nonce++) {
    const raw = await account.signTransaction({ chainId: 31337, type: "eip1559", to, value: 1000n + BigInt(nonce), nonce, gas: 21000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
    hashes.push(await first.call("eth_sendRawTransaction", [raw]));
  }
  expect(await first.call("eth_getTransactionReceipt", [hashes[0]])).toBeNull();
  await first.running.stop(); // keep the datadir

  const log = console.log;
  console.log = () => {};
  const second = await startSequencer(
    { datadir: first.datadir, "http-addr": "127.0.0.1", "http-port": 0, "mini-block-ms": 10, "block-ms": 200, "block-gas-limit": 1_000_000_000n, coinbase: "0x0000000000000000000000000000000000000000", "max-txs-per-mini-block": 2000, "receipt-timeout-ms": 2000, "log-level": "error", "log-format": "json" },
    createLogger("error", true),
  ).finally(() => (console.log = log));
  try {
    const rpc = async (method: string, params: unknown[]) =>
      ((await (await fetch(second.url, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) })).json()) as { result: any }).result;
    for (const h of hashes) await until(`receipt of ${h}`, () => rpc("eth_getTransactionReceipt", [h]));
    expect(BigInt(await rpc("eth_getBalance", [to, "latest"]))).toBe(1000n * 5n + 10n);
  } finally {
    await second.stop();
  }
});
