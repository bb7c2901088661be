// The same signed transactions on @ethereumjs/vm (v10), in process and without RPC: the dev
// accounts funded as in both chains' genesis, the setup run untimed, then runTx over the
// measured set within a time budget. Transactions are decoded and their senders recovered
// before the clock starts, so this is pure execution (as our "execute" stage is).
import { createBlock } from "@ethereumjs/block";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { Address, createAccount } from "@ethereumjs/util";
import { createVM, runTx } from "@ethereumjs/vm";
import { hexToBytes } from "../../src/crypto/index";
import { devKeys, GWEI, type Signed } from "./signer";

export interface EthereumjsResult {
  executed: number;
  failed: number;
  gasUsed: number;
  seconds: number;
  txPerSec: number;
  gasPerSec: number;
}

export async function runEthereumjs(setup: Signed[][], measured: Signed[], budgetMs: number): Promise<EthereumjsResult> {
  const common = createCustomCommon({ chainId: 31337 }, Mainnet, { hardfork: Hardfork.Cancun });
  const vm = await createVM({ common });
  for (const k of devKeys()) await vm.stateManager.putAccount(new Address(k.address), createAccount({ balance: 10n ** 22n }));
  const block = createBlock(
    { header: { number: 1n, timestamp: BigInt(Math.floor(Date.now() / 1000)), baseFeePerGas: GWEI, gasLimit: 10n ** 12n } },
    { common },
  );
  const parse = (s: Signed) => {
    const tx = createTxFromRLP(hexToBytes(s.raw), { common }) as TypedTransaction;
    tx.getSenderAddress(); // recovered once and cached on the frozen tx
    return tx;
  };
  for (const wave of setup) {
    for (const s of wave) {
      const r = await runTx(vm, { tx: parse(s), block, skipBlockGasLimitValidation: true });
      if (r.execResult.exceptionError) throw new Error(`ethereumjs: setup transaction ${s.hash} failed: ${r.execResult.exceptionError.error}`);
    }
  }
  const txs = measured.map(parse);
  let executed = 0;
  let failed = 0;
  let gas = 0n;
  const t0 = performance.now();
  const deadline = t0 + budgetMs;
  for (const tx of txs) {
    const r = await runTx(vm, { tx, block, skipBlockGasLimitValidation: true });
    executed++;
    if (r.execResult.exceptionError) failed++;
    gas += r.totalGasSpent;
    if (performance.now() > deadline) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { executed, failed, gasUsed: Number(gas), seconds, txPerSec: executed / seconds, gasPerSec: Number(gas) / seconds };
}
