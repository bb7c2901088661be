// Uniswap v2 (the @uniswap/v2-core build) on a real sequencer through viem: factory, two
// OpenZeppelin ERC-20s, createPair (CREATE2), mint, swaps priced with the 0.3% fee, burn,
// and the Sync / Swap / Mint / Burn events.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  createPublicClient,
  createWalletClient,
  encodePacked,
  getAddress,
  getContractAddress,
  http,
  keccak256,
  parseEventLogs,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { erc20, uniswapFactory, uniswapPair } from "../../bench/workloads/contracts";
import { DEV_KEYS, devChain, startDev, type Dev } from "./helpers";

let dev: Dev;
let pub: PublicClient;
let wallet: WalletClient;
const owner = privateKeyToAccount(DEV_KEYS[0]!);
const trader = privateKeyToAccount(DEV_KEYS[1]!);
let traderWallet: WalletClient;
const E18 = 10n ** 18n;

let factory: Address;
let tokenA: Address;
let tokenB: Address;
let pair: Address;
let token0: Address;
let token1: Address;

beforeAll(async () => {
  erc20();
  dev = await startDev();
  const chain = devChain(dev.url, dev.wsUrl);
  pub = createPublicClient({ chain, transport: http(dev.url), pollingInterval: 20 }) as PublicClient;
  wallet = createWalletClient({ account: owner, chain, transport: http(dev.url) });
  traderWallet = createWalletClient({ account: trader, chain, transport: http(dev.url) });
});

afterAll(async () => {
  await dev?.stop();
});

async function mined(hash: Hex) {
  const r = await pub.waitForTransactionReceipt({ hash, timeout: 5000 });
  expect(r.status).toBe("success");
  return r;
}

async function write(w: WalletClient, address: Address, abi: any[], functionName: string, args: unknown[]) {
  const hash = await w.writeContract({ address, abi, functionName, args, account: w.account!, chain: null } as any);
  return mined(hash);
}

const read = (address: Address, abi: any[], functionName: string, args: unknown[] = []) =>
  pub.readContract({ address, abi, functionName, args } as any) as Promise<any>;
const balanceOf = (t: Address, who: Address) => read(t, erc20().abi, "balanceOf", [who]) as Promise<bigint>;
const reserves = async (): Promise<[bigint, bigint]> => {
  const [r0, r1] = await read(pair, uniswapPair().abi, "getReserves");
  return [r0, r1];
};
/** UniswapV2Library.getAmountOut: the 0.3% fee on the input. */
const amountOut = (amountIn: bigint, reserveIn: bigint, reserveOut: bigint) =>
  (amountIn * 997n * reserveOut) / (reserveIn * 1000n + amountIn * 997n);
const sqrt = (y: bigint) => {
  let z = y, x = y / 2n + 1n;
  while (x < z) [z, x] = [x, (y / x + x) / 2n];
  return z;
};

describe("Uniswap v2", () => {
  test("deploy the factory and two ERC-20s", async () => {
    const f = uniswapFactory();
    const r = await mined(await wallet.deployContract({ abi: f.abi, bytecode: f.bytecode, args: [owner.address], account: owner, chain: null }));
    factory = getAddress(r.contractAddress!);
    expect(await read(factory, f.abi, "feeToSetter")).toBe(owner.address);
    expect(await read(factory, f.abi, "feeTo")).toBe("0x0000000000000000000000000000000000000000");
    expect(await read(factory, f.abi, "allPairsLength")).toBe(0n);
    const t = erc20();
    const ra = await mined(await wallet.deployContract({ abi: t.abi, bytecode: t.bytecode, args: ["Token A", "A", 1_000_000n * E18], account: owner, chain: null }));
    const rb = await mined(await wallet.deployContract({ abi: t.abi, bytecode: t.bytecode, args: ["Token B", "B", 1_000_000n * E18], account: owner, chain: null }));
    tokenA = getAddress(ra.contractAddress!);
    tokenB = getAddress(rb.contractAddress!);
    expect(await balanceOf(tokenA, owner.address)).toBe(1_000_000n * E18);
    expect(await balanceOf(tokenB, owner.address)).toBe(1_000_000n * E18);
  });

  test("createPair deploys the pair at its CREATE2 address", async () => {
    const f = uniswapFactory();
    const r = await write(wallet, factory, f.abi, "createPair", [tokenA, tokenB]);
    pair = getAddress(await read(factory, f.abi, "getPair", [tokenA, tokenB]));
    expect(await read(factory, f.abi, "getPair", [tokenB, tokenA])).toBe(pair);
    expect(await read(factory, f.abi, "allPairsLength")).toBe(1n);
    [token0, token1] = tokenA.toLowerCase() < tokenB.toLowerCase() ? [tokenA, tokenB] : [tokenB, tokenA];
    const expected = getContractAddress({
      opcode: "CREATE2",
      from: factory,
      salt: keccak256(encodePacked(["address", "address"], [token0, token1])),
      bytecodeHash: keccak256(uniswapPair().bytecode),
    });
    expect(pair).toBe(expected);
    expect(getAddress(await read(pair, uniswapPair().abi, "token0"))).toBe(token0);
    expect(getAddress(await read(pair, uniswapPair().abi, "token1"))).toBe(token1);
    expect(getAddress(await read(pair, uniswapPair().abi, "factory"))).toBe(factory);
    const [ev] = parseEventLogs({ abi: f.abi, logs: r.logs, eventName: "PairCreated" }) as any[];
    // PairCreated(token0, token1, pair, uint) has an unnamed input, so viem decodes args as a list.
    expect(ev.args.map((a: any) => (typeof a === "string" ? getAddress(a) : a))).toEqual([token0, token1, pair, 1n]);
    // Creating the same pair again reverts with the factory's reason.
    const res = await dev.rpc("eth_call", [
      { from: owner.address, to: factory, data: (await import("viem")).encodeFunctionData({ abi: f.abi, functionName: "createPair", args: [tokenA, tokenB] }) },
      "latest",
    ]);
    expect(res.error.code).toBe(3);
    expect(res.error.message).toBe("execution reverted: UniswapV2: PAIR_EXISTS");
  });

  test("add liquidity: transfer both tokens to the pair and mint", async () => {
    const amount0 = 10_000n * E18;
    const amount1 = 40_000n * E18;
    await write(wallet, token0, erc20().abi, "transfer", [pair, amount0]);
    await write(wallet, token1, erc20().abi, "transfer", [pair, amount1]);
    const r = await write(wallet, pair, uniswapPair().abi, "mint", [owner.address]);
    const liquidity = sqrt(amount0 * amount1) - 1000n; // MINIMUM_LIQUIDITY locked at address 0
    expect(await balanceOf(pair, owner.address)).toBe(liquidity);
    expect(await read(pair, uniswapPair().abi, "totalSupply")).toBe(liquidity + 1000n);
    expect(await balanceOf(pair, "0x0000000000000000000000000000000000000000")).toBe(1000n);
    expect(await reserves()).toEqual([amount0, amount1]);
    const events = parseEventLogs({ abi: uniswapPair().abi, logs: r.logs }) as any[];
    const sync = events.find((e) => e.eventName === "Sync");
    expect([sync.args.reserve0, sync.args.reserve1]).toEqual([amount0, amount1]);
    const mint = events.find((e) => e.eventName === "Mint");
    expect(getAddress(mint.args.sender)).toBe(owner.address);
    expect([mint.args.amount0, mint.args.amount1]).toEqual([amount0, amount1]);
    expect(sync.address).toBe(pair.toLowerCase());
  });

  test("swap token0 → token1 priced from getReserves with the 0.3% fee", async () => {
    // The trader gets token0 from the owner first.
    await write(wallet, token0, erc20().abi, "transfer", [trader.address, 1_000n * E18]);
    const [r0, r1] = await reserves();
    const amountIn = 100n * E18;
    const out = amountOut(amountIn, r0, r1);
    expect(out).toBeGreaterThan(0n);
    const before1 = await balanceOf(token1, trader.address);
    expect(before1).toBe(0n);
    await write(traderWallet, token0, erc20().abi, "transfer", [pair, amountIn]);
    // One more than the formula allows breaks the constant product: UniswapV2: K.
    const tooMuch = await pub
      .simulateContract({ address: pair, abi: uniswapPair().abi, functionName: "swap", args: [0n, out + 1n, trader.address, "0x"], account: trader.address } as any)
      .then(() => null, (e) => e);
    expect(tooMuch?.shortMessage ?? String(tooMuch)).toContain("UniswapV2: K");
    const r = await write(traderWallet, pair, uniswapPair().abi, "swap", [0n, out, trader.address, "0x"]);
    expect(await balanceOf(token1, trader.address)).toBe(out);
    expect(await balanceOf(token0, trader.address)).toBe(900n * E18);
    expect(await reserves()).toEqual([r0 + amountIn, r1 - out]);
    expect(await balanceOf(token0, pair)).toBe(r0 + amountIn);
    expect(await balanceOf(token1, pair)).toBe(r1 - out);
    const events = parseEventLogs({ abi: uniswapPair().abi, logs: r.logs.filter((l) => l.address === pair.toLowerCase()) }) as any[];
    expect(events.map((e) => e.eventName)).toEqual(["Sync", "Swap"]);
    const [sync, swap] = events;
    expect([sync.args.reserve0, sync.args.reserve1]).toEqual([r0 + amountIn, r1 - out]);
    expect(getAddress(swap.args.sender)).toBe(trader.address);
    expect(getAddress(swap.args.to)).toBe(trader.address);
    expect([swap.args.amount0In, swap.args.amount1In, swap.args.amount0Out, swap.args.amount1Out]).toEqual([amountIn, 0n, 0n, out]);
    // The token1 Transfer (pair → trader) comes first in the receipt, before Sync and Swap.
    expect(r.logs.length).toBe(3);
    expect(r.logs[0]!.address).toBe(token1.toLowerCase() as Address);
  });

  test("swap token1 → token0 the other way, and getLogs finds every Swap", async () => {
    const [r0, r1] = await reserves();
    const amountIn = (await balanceOf(token1, trader.address)) / 2n;
    const out = amountOut(amountIn, r1, r0);
    const before0 = await balanceOf(token0, trader.address);
    await write(traderWallet, token1, erc20().abi, "transfer", [pair, amountIn]);
    const r = await write(traderWallet, pair, uniswapPair().abi, "swap", [out, 0n, trader.address, "0x"]);
    expect(await balanceOf(token0, trader.address)).toBe(before0 + out);
    expect(await reserves()).toEqual([r0 - out, r1 + amountIn]);
    // Constant product grew (the fee stays in the pool).
    const [n0, n1] = await reserves();
    expect(n0 * n1).toBeGreaterThan(r0 * r1);
    const swapEvent = uniswapPair().abi.find((x: any) => x.type === "event" && x.name === "Swap");
    const logs = await pub.getLogs({ address: pair, event: swapEvent, args: { to: trader.address }, fromBlock: 0n, toBlock: "pending" } as any);
    expect(logs.length).toBe(2);
    expect((logs[1] as any).args.amount1In).toBe(amountIn);
    expect((logs[1] as any).args.amount0Out).toBe(out);
    expect(logs[1]!.transactionHash).toBe(r.transactionHash);
    const syncEvent = uniswapPair().abi.find((x: any) => x.type === "event" && x.name === "Sync");
    const syncs = await pub.getLogs({ address: pair, event: syncEvent, fromBlock: 0n, toBlock: "pending" } as any);
    expect(syncs.length).toBe(3); // mint, swap, swap
    expect([(syncs[2] as any).args.reserve0, (syncs[2] as any).args.reserve1]).toEqual([n0, n1]);
  });

  test("burn returns both tokens pro rata", async () => {
    const lp = await balanceOf(pair, owner.address);
    const total: bigint = await read(pair, uniswapPair().abi, "totalSupply");
    const [r0, r1] = await reserves();
    const burnAmount = lp / 4n;
    const before0 = await balanceOf(token0, owner.address);
    const before1 = await balanceOf(token1, owner.address);
    await write(wallet, pair, uniswapPair().abi, "transfer", [pair, burnAmount]);
    const r = await write(wallet, pair, uniswapPair().abi, "burn", [owner.address]);
    const out0 = (burnAmount * r0) / total;
    const out1 = (burnAmount * r1) / total;
    expect(await balanceOf(token0, owner.address)).toBe(before0 + out0);
    expect(await balanceOf(token1, owner.address)).toBe(before1 + out1);
    expect(await reserves()).toEqual([r0 - out0, r1 - out1]);
    const burn = (parseEventLogs({ abi: uniswapPair().abi, logs: r.logs, eventName: "Burn" }) as any[])[0];
    expect([burn.args.amount0, burn.args.amount1]).toEqual([out0, out1]);
  });
});
