// ethers v6 against a real sequencer: JsonRpcProvider and WebSocketProvider, Wallet from a dev key,
// a transfer, a ContractFactory deployment, contract calls and event listening.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Contract, ContractEventPayload, ContractFactory, JsonRpcProvider, Network, Wallet, WebSocketProvider, parseEther, type Log } from "ethers";
import { erc20 } from "../../bench/workloads/contracts";
import { DEV_BALANCE, DEV_KEYS, startDev, until, waitSealed, type Dev } from "./helpers";

let dev: Dev;
let http: JsonRpcProvider;
let ws: WebSocketProvider;
let token: Contract;
const SUPPLY = 10n ** 24n;

beforeAll(async () => {
  erc20();
  dev = await startDev();
  const network = Network.from(31337);
  // cacheTimeout -1: ethers caches identical reads for 250 ms by default, longer than this chain
  // takes to include a transaction, so a Wallet would reuse a cached "pending" nonce (NONCE_EXPIRED)
  // and balances read right after tx.wait() would be stale.
  http = new JsonRpcProvider(dev.url, network, { staticNetwork: network, pollingInterval: 20, cacheTimeout: -1 });
  ws = new WebSocketProvider(dev.wsUrl, network, { staticNetwork: network, cacheTimeout: -1 });
});

afterAll(async () => {
  http?.destroy();
  await ws?.destroy();
  await dev?.stop();
});

describe("ethers v6", () => {
  test("network and balances over both providers", async () => {
    expect((await http.getNetwork()).chainId).toBe(31337n);
    expect((await ws.getNetwork()).chainId).toBe(31337n);
    const w = new Wallet(DEV_KEYS[9]!);
    expect(await http.getBalance(w.address)).toBe(DEV_BALANCE);
    expect(await ws.getBalance(w.address)).toBe(DEV_BALANCE);
    const n = await http.getBlockNumber();
    expect(n).toBeGreaterThanOrEqual(0);
    expect(Math.abs((await ws.getBlockNumber()) - n)).toBeLessThan(5);
  });

  test("ETH transfer with a Wallet over JsonRpcProvider", async () => {
    const w = new Wallet(DEV_KEYS[1]!, http);
    const to = Wallet.createRandom().address;
    const before = await http.getBalance(w.address);
    const tx = await w.sendTransaction({ to, value: parseEther("2") });
    expect(tx.nonce).toBe(0);
    expect(tx.chainId).toBe(31337n);
    const r = (await tx.wait(1, 5000))!;
    expect(r.status).toBe(1);
    expect(r.hash).toBe(tx.hash);
    expect(r.gasUsed).toBe(21000n);
    expect(await http.getBalance(to)).toBe(parseEther("2"));
    expect(before - (await http.getBalance(w.address))).toBe(parseEther("2") + r.gasUsed * r.gasPrice);
    const got = (await http.getTransaction(tx.hash))!;
    expect(got.from).toBe(w.address);
    expect(got.to).toBe(to);
    expect(got.value).toBe(parseEther("2"));
    // After the block seals, the receipt's block hash is that of the block ethers can fetch.
    await waitSealed(dev.call, BigInt(r.blockNumber));
    const sealed = (await http.getTransactionReceipt(tx.hash))!;
    const block = (await http.getBlock(sealed.blockNumber))!;
    expect(sealed.blockHash).toBe(block.hash!);
    expect(block.transactions).toContain(tx.hash);
  });

  test("ETH transfer with a Wallet over WebSocketProvider", async () => {
    const w = new Wallet(DEV_KEYS[2]!, ws);
    const to = Wallet.createRandom().address;
    const tx = await w.sendTransaction({ to, value: 12345n });
    const r = (await tx.wait(1, 5000))!;
    expect(r.status).toBe(1);
    expect(await ws.getBalance(to)).toBe(12345n);
  });

  test("deploy the ERC-20 with ContractFactory, then call it", async () => {
    const w = new Wallet(DEV_KEYS[0]!, http);
    const { abi, bytecode } = erc20();
    const factory = new ContractFactory(abi, bytecode, w);
    const c = await factory.deploy("Ethers Token", "ETK", SUPPLY);
    await c.waitForDeployment();
    const address = await c.getAddress();
    expect(address).toBe("0x5FbDB2315678afecb367f032d93F642f64180aa3"); // account 0, nonce 0
    const deployTx = c.deploymentTransaction()!;
    const r = (await http.getTransactionReceipt(deployTx.hash))!;
    expect(r.status).toBe(1);
    expect(r.contractAddress).toBe(address);
    token = new Contract(address, abi, w);
    expect(await token.name!()).toBe("Ethers Token");
    expect(await token.symbol!()).toBe("ETK");
    expect(await token.totalSupply!()).toBe(SUPPLY);
    expect(await token.balanceOf!(w.address)).toBe(SUPPLY);

    const to = new Wallet(DEV_KEYS[3]!).address;
    const tx = await token.transfer!(to, 5000n);
    const tr = await tx.wait(1, 5000);
    expect(tr.status).toBe(1);
    expect(tr.logs.length).toBe(1);
    const parsed = token.interface.parseLog(tr.logs[0])!;
    expect(parsed.name).toBe("Transfer");
    expect(parsed.args.toArray()).toEqual([w.address, to, 5000n]);
    expect(await token.balanceOf!(to)).toBe(5000n);
    expect(await token.balanceOf!(w.address)).toBe(SUPPLY - 5000n);

    // approve + transferFrom from another wallet.
    const spender = new Wallet(DEV_KEYS[4]!, http);
    await (await token.approve!(spender.address, 300n)).wait(1, 5000);
    const asSpender = token.connect(spender) as Contract;
    await (await asSpender.transferFrom!(w.address, to, 100n)).wait(1, 5000);
    expect(await token.allowance!(w.address, spender.address)).toBe(200n);
    expect(await token.balanceOf!(to)).toBe(5100n);

    // staticCall and estimateGas through the contract; the revert is decoded by ethers.
    expect(await token.transfer!.staticCall(to, 1n)).toBe(true);
    const gas = await token.transfer!.estimateGas(to, 1n);
    expect(gas).toBeGreaterThan(21000n);
    const poor = token.connect(new Wallet(DEV_KEYS[9]!, http)) as Contract;
    let err: any;
    try {
      await poor.transfer!.staticCall(to, 1n);
    } catch (e) {
      err = e;
    }
    expect(err?.code).toBe("CALL_EXCEPTION");
    expect(err?.revert?.name).toBe("ERC20InsufficientBalance");
    expect(err?.revert?.args?.toArray?.()).toEqual([new Wallet(DEV_KEYS[9]!).address, 0n, 1n]);
  });

  test("event listening: contract.on over WebSocketProvider", async () => {
    const wsToken = new Contract(await token.getAddress(), erc20().abi, ws);
    const dest = Wallet.createRandom().address;
    const seen: { from: string; to: string; value: bigint; hash: string }[] = [];
    const filter = wsToken.filters.Transfer!(null, dest);
    // With a filter object, ethers hands the listener the ContractEventPayload alone.
    await wsToken.on(filter, (ev: ContractEventPayload) => {
      const [from, to, value] = ev.args.toArray() as [string, string, bigint];
      seen.push({ from, to, value, hash: ev.log.transactionHash });
    });
    try {
      await Bun.sleep(100);
      const t1 = await token.transfer!(dest, 1n);
      await token.transfer!(Wallet.createRandom().address, 2n); // not to dest: filtered out
      const t3 = await token.transfer!(dest, 3n);
      await t3.wait(1, 5000);
      await until("2 events", async () => seen.length >= 2, 5000);
      await Bun.sleep(100);
      expect(seen.map((s) => s.value)).toEqual([1n, 3n]);
      expect(seen.map((s) => s.hash)).toEqual([t1.hash, t3.hash]);
      expect(seen[0]!.to).toBe(dest);
      expect(seen[0]!.from).toBe(new Wallet(DEV_KEYS[0]!).address);
    } finally {
      await wsToken.removeAllListeners();
    }
  });

  test("event listening: provider 'block' over WebSocketProvider", async () => {
    const blocks: number[] = [];
    const onBlock = (n: number) => void blocks.push(n);
    await ws.on("block", onBlock);
    try {
      await until("3 blocks", async () => blocks.length >= 3, 5000);
    } finally {
      await ws.off("block", onBlock);
    }
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]).toBe(blocks[i - 1]! + 1);
  });

  test("event listening: contract.on over JsonRpcProvider (polling)", async () => {
    const pollToken = new Contract(await token.getAddress(), erc20().abi, http);
    const dest = Wallet.createRandom().address;
    const seen: bigint[] = [];
    await pollToken.on(pollToken.filters.Transfer!(null, dest), (ev: ContractEventPayload) => void seen.push(ev.args[2] as bigint));
    // By event name, ethers spreads the decoded arguments.
    const byName: bigint[] = [];
    await pollToken.on("Transfer", (_from: string, to: string, value: bigint) => void (to === dest && byName.push(value)));
    try {
      await Bun.sleep(200);
      await (await token.transfer!(dest, 41n)).wait(1, 5000);
      await (await token.transfer!(dest, 42n)).wait(1, 5000);
      await until("2 polled events", async () => seen.length >= 2, 8000);
      expect(seen).toEqual([41n, 42n]);
      await until("2 events by name", async () => byName.length >= 2, 8000);
      expect(byName).toEqual([41n, 42n]);
    } finally {
      await pollToken.removeAllListeners();
    }
  });

  test("queryFilter reads past Transfer events by block range", async () => {
    const sender = new Wallet(DEV_KEYS[0]!).address;
    // Everything sent so far is sealed once the block being built now is.
    await waitSealed(dev.call, BigInt(await dev.call("eth_blockNumber")) + 1n);
    const events = (await token.queryFilter(token.filters.Transfer!(sender), 0, "latest")) as any[];
    const values = events.map((e) => e.args[2] as bigint);
    // transfer, transferFrom (from the sender's balance), the three of the ws test, the two polled
    expect(values).toEqual([5000n, 100n, 1n, 2n, 3n, 41n, 42n]);
    const last = events.at(-1) as Log;
    const block = (await http.getBlock(last.blockNumber))!;
    expect(last.blockHash).toBe(block.hash!);
    const mint = (await token.queryFilter(token.filters.Transfer!("0x0000000000000000000000000000000000000000"), 0)) as any[];
    expect(mint.length).toBe(1);
    expect(mint[0].args[2]).toBe(SUPPLY);
    expect(mint[0].blockNumber).toBeGreaterThan(0);
    const none = await token.queryFilter(token.filters.Transfer!(), 0, mint[0].blockNumber - 1);
    expect(none.length).toBe(0);
  });
});
