// --ordering picks the pool's policy: with priority-fee, a higher tip sent later runs first.
import { expect, test } from "bun:test";
import { privateKeyToAccount } from "viem/accounts";
import { DEV_KEYS, startDev, until } from "./helpers";

test("--ordering priority-fee includes the higher tip first; an unknown policy is refused", async () => {
  await expect(startDev({ ordering: "random" })).rejects.toThrow(/--ordering: expected fifo or priority-fee/);
  // Long mini-block interval: both transactions wait in the pool and are ordered together.
  const dev = await startDev({ ordering: "priority-fee", "mini-block-ms": 400 });
  try {
    await Bun.sleep(50); // let the first (empty) tick pass
    const [low, high] = [privateKeyToAccount(DEV_KEYS[4]!), privateKeyToAccount(DEV_KEYS[5]!)];
    const tx = (a: typeof low, tip: bigint) =>
      a.signTransaction({ chainId: 31337, type: "eip1559", to: a.address, value: 0n, nonce: 0, gas: 21000n, maxFeePerGas: 10n ** 11n, maxPriorityFeePerGas: tip });
    const h1 = await dev.call("eth_sendRawTransaction", [await tx(low, 1n)]);
    const h2 = await dev.call("eth_sendRawTransaction", [await tx(high, 10n ** 9n)]);
    const r1 = await until("low-tip receipt", () => dev.call("eth_getTransactionReceipt", [h1]));
    const r2 = await until("high-tip receipt", () => dev.call("eth_getTransactionReceipt", [h2]));
    expect(r1.blockNumber).toBe(r2.blockNumber);
    expect(Number(r2.transactionIndex)).toBeLessThan(Number(r1.transactionIndex));
  } finally {
    await dev.stop();
  }
});
