import { buildWorkload } from "./workloads";
import { runEthereumjs } from "./ethereumjs";
for (const name of ["eth-transfers", "erc20-transfers", "uniswap-swaps"] as const) {
  const t = performance.now();
  const w = buildWorkload(name, { senders: 200, throughput: 1000, latency: 100 });
  console.log(name, "built in", (performance.now() - t).toFixed(0), "ms", w.setup.map((x) => x.length));
  const r = await runEthereumjs(w.setup, w.throughput, 5000);
  console.log(r);
}
