// viem against a real sequencer, over HTTP and WebSocket: transfers, an OpenZeppelin ERC-20,
// logs and subscriptions, EIP-7966 sync sends, call/estimate/fees, block tags, nonces, reverts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  decodeErrorResult,
  encodeFunctionData,
  getAddress,
  http,
  parseAbiItem,
  parseEther,
  parseGwei,
  webSocket,
  zeroHash,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { erc20 } from "../../bench/workloads/contracts";
import { BLOCK_MS, DEV_BALANCE, DEV_KEYS, devChain, startDev, until, waitSealed, type Dev } from "./helpers";

const TRANSFER = parseAbiItem("event Transfer(address indexed from, address indexed to, uint256 value)");
const SUPPLY = 1_000_000n * 10n ** 18n;

let dev: Dev;
let pub: PublicClient;
let wsPub: PublicClient;
const accounts = DEV_KEYS.map((k) => privateKeyToAccount(k));
const wallets: WalletClient[] = [];
let token: Address;
const token_ = () => ({ address: token, abi: erc20().abi });

beforeAll(async () => {
  erc20(); // compile before the clock starts on anything
  dev = await startDev();
  const chain = devChain(dev.url, dev.wsUrl);
  pub = createPublicClient({ chain, transport: http(dev.url), pollingInterval: 20 }) as PublicClient;
  wsPub = createPublicClient({ chain, transport: webSocket(dev.wsUrl), pollingInterval: 20 }) as PublicClient;
  for (const a of accounts) wallets.push(createWalletClient({ account: a, chain, transport: http(dev.url), pollingInterval: 20 }));
});

afterAll(async () => {
  await (wsPub?.transport as any)?.getRpcClient?.().then((c: any) => c.close()).catch(() => {});
  await dev?.stop();
});

describe("viem over HTTP", () => {
  test("chain id, client version, dev balances", async () => {
    expect(await pub.getChainId()).toBe(31337);
    expect(await dev.call("web3_clientVersion")).toStartWith("bunseq/");
    // account 9 is never used in this file
    expect(await pub.getBalance({ address: accounts[9]!.address })).toBe(DEV_BALANCE);
  });

  test("ETH transfer: sendTransaction + waitForTransactionReceipt", async () => {
    const to = privateKeyToAccount(generatePrivateKey()).address;
    const from = accounts[1]!.address;
    const before = await pub.getBalance({ address: from });
    const hash = await wallets[1]!.sendTransaction({ to, value: parseEther("1.5"), chain: null, account: accounts[1]! });
    const r = await pub.waitForTransactionReceipt({ hash, timeout: 5000 });
    expect(r.status).toBe("success");
    expect(r.transactionHash).toBe(hash);
    expect(r.from).toBe(from.toLowerCase() as Address);
    expect(r.to).toBe(to.toLowerCase() as Address);
    expect(r.gasUsed).toBe(21000n);
    expect(r.contractAddress).toBeNull();
    expect(await pub.getBalance({ address: to })).toBe(parseEther("1.5"));
    const after = await pub.getBalance({ address: from });
    expect(before - after).toBe(parseEther("1.5") + r.gasUsed * r.effectiveGasPrice);
    expect(await pub.getTransactionCount({ address: from })).toBe(1);
    // Once sealed, the receipt carries the block's real hash.
    await waitSealed(dev.call, r.blockNumber);
    const sealed = await pub.getTransactionReceipt({ hash });
    const block = await pub.getBlock({ blockNumber: r.blockNumber });
    expect(sealed.blockHash).toBe(block.hash);
    expect(sealed.blockHash).not.toBe(zeroHash);
    expect(block.transactions).toContain(hash);
  });

  test("deploy the ERC-20 and read it", async () => {
    const { abi, bytecode } = erc20();
    const hash = await wallets[0]!.deployContract({ abi, bytecode, args: ["Token", "TKN", SUPPLY], account: accounts[0]!, chain: null });
    const r = await pub.waitForTransactionReceipt({ hash, timeout: 5000 });
    expect(r.status).toBe("success");
    expect(r.contractAddress).toMatch(/^0x[0-9a-f]{40}$/);
    token = getAddress(r.contractAddress!);
    // The CREATE address is keccak(rlp(sender, nonce)); account 0's first transaction.
    expect(token).toBe(getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    expect((await pub.getCode({ address: token }))!.length).toBeGreaterThan(1000);
    expect(await pub.readContract({ ...token_(), functionName: "name" })).toBe("Token");
    expect(await pub.readContract({ ...token_(), functionName: "symbol" })).toBe("TKN");
    expect(await pub.readContract({ ...token_(), functionName: "decimals" })).toBe(18);
    expect(await pub.readContract({ ...token_(), functionName: "totalSupply" })).toBe(SUPPLY);
    expect(await pub.readContract({ ...token_(), functionName: "balanceOf", args: [accounts[0]!.address] })).toBe(SUPPLY);
    // The mint is a Transfer from the zero address.
    expect(r.logs.length).toBe(1);
    expect(r.logs[0]!.address).toBe(token.toLowerCase() as Address);
  });

  test("transfer, approve, transferFrom", async () => {
    const [a0, a1, a2] = accounts as [any, any, any];
    const wr = async (w: WalletClient, account: any, functionName: string, args: unknown[]) => {
      const hash = await w.writeContract({ ...token_(), functionName, args, account, chain: null } as any);
      const r = await pub.waitForTransactionReceipt({ hash, timeout: 5000 });
      expect(r.status).toBe("success");
      return r;
    };
    await wr(wallets[0]!, a0, "transfer", [a1.address, 1000n]);
    expect(await pub.readContract({ ...token_(), functionName: "balanceOf", args: [a1.address] })).toBe(1000n);
    await wr(wallets[0]!, a0, "approve", [a1.address, 500n]);
    expect(await pub.readContract({ ...token_(), functionName: "allowance", args: [a0.address, a1.address] })).toBe(500n);
    const r = await wr(wallets[1]!, a1, "transferFrom", [a0.address, a2.address, 300n]);
    expect(r.from).toBe(a1.address.toLowerCase());
    expect(await pub.readContract({ ...token_(), functionName: "allowance", args: [a0.address, a1.address] })).toBe(200n);
    expect(await pub.readContract({ ...token_(), functionName: "balanceOf", args: [a2.address] })).toBe(300n);
    expect(await pub.readContract({ ...token_(), functionName: "balanceOf", args: [a0.address] })).toBe(SUPPLY - 1300n);
    // transferFrom beyond the remaining allowance reverts on chain (status 0, gas consumed).
    const hash = await wallets[1]!.writeContract({
      ...token_(),
      functionName: "transferFrom",
      args: [a0.address, a2.address, 201n],
      account: a1,
      chain: null,
      gas: 100_000n,
    } as any);
    const failed = await pub.waitForTransactionReceipt({ hash, timeout: 5000 });
    expect(failed.status).toBe("reverted");
    expect(failed.logs.length).toBe(0);
    expect(await pub.readContract({ ...token_(), functionName: "balanceOf", args: [a2.address] })).toBe(300n);
  });

  test("getLogs with address, topic and block-range filters", async () => {
    const [a0, , , a3, a4] = accounts as any[];
    const h1 = await wallets[0]!.writeContract({ ...token_(), functionName: "transfer", args: [a3.address, 7n], account: a0, chain: null } as any);
    const r1 = await pub.waitForTransactionReceipt({ hash: h1, timeout: 5000 });
    await waitSealed(dev.call, r1.blockNumber);
    const h2 = await wallets[0]!.writeContract({ ...token_(), functionName: "transfer", args: [a4.address, 8n], account: a0, chain: null } as any);
    const r2 = await pub.waitForTransactionReceipt({ hash: h2, timeout: 5000 });
    await waitSealed(dev.call, r2.blockNumber);
    expect(r2.blockNumber).toBeGreaterThan(r1.blockNumber);

    // Whole history, by address and event: mint + 2 transfers + transferFrom + these 2 (the reverted one logs nothing).
    const all = await pub.getLogs({ address: token, event: TRANSFER, fromBlock: 0n, toBlock: "latest" });
    expect(all.length).toBe(5);
    expect(all[0]!.args).toEqual({ from: "0x0000000000000000000000000000000000000000", to: a0.address, value: SUPPLY });
    // Topic filter on the indexed `to`.
    const toA3 = await pub.getLogs({ address: token, event: TRANSFER, args: { to: a3.address }, fromBlock: 0n });
    expect(toA3.length).toBe(1);
    expect(toA3[0]!.transactionHash).toBe(h1);
    expect(toA3[0]!.args.value).toBe(7n);
    expect(toA3[0]!.blockNumber).toBe(r1.blockNumber);
    expect(toA3[0]!.blockHash).toBe((await pub.getBlock({ blockNumber: r1.blockNumber })).hash);
    // OR within a position: to ∈ {a3, a4}.
    const either = await pub.getLogs({ address: token, event: TRANSFER, args: { to: [a3.address, a4.address] }, fromBlock: 0n });
    expect(either.map((l) => l.transactionHash)).toEqual([h1, h2]);
    // Block ranges (r1's block may also hold the previous test's last transfer).
    const inBlock = (from: bigint, to: bigint) => all.filter((l) => l.blockNumber >= from && l.blockNumber <= to).map((l) => l.transactionHash);
    const onlyR1 = await pub.getLogs({ address: token, event: TRANSFER, fromBlock: r1.blockNumber, toBlock: r1.blockNumber });
    expect(onlyR1.map((l) => l.transactionHash)).toEqual(inBlock(r1.blockNumber, r1.blockNumber));
    expect(onlyR1.map((l) => l.transactionHash)).toContain(h1);
    expect(onlyR1.map((l) => l.transactionHash)).not.toContain(h2);
    const afterR1 = await pub.getLogs({ address: token, event: TRANSFER, fromBlock: r1.blockNumber + 1n, toBlock: r2.blockNumber });
    expect(afterR1.map((l) => l.transactionHash)).toEqual([h2]);
    const beforeR1 = await pub.getLogs({ address: token, event: TRANSFER, fromBlock: 0n, toBlock: r1.blockNumber - 1n });
    expect(beforeR1.map((l) => l.transactionHash)).toEqual(inBlock(0n, r1.blockNumber - 1n));
    expect(beforeR1.length + onlyR1.length + afterR1.length).toBe(all.length);
    // By block hash.
    const byHash = await pub.getLogs({ address: token, event: TRANSFER, blockHash: toA3[0]!.blockHash! });
    expect(byHash.map((l) => l.transactionHash)).toEqual(onlyR1.map((l) => l.transactionHash));
    // logIndex is unique and increasing within a block.
    for (const l of onlyR1) expect(l.blockHash).toBe(toA3[0]!.blockHash);
    const idx = onlyR1.map((l) => l.logIndex);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
    // A different address matches nothing; so does an unrelated topic0.
    expect((await pub.getLogs({ address: a0.address, fromBlock: 0n })).length).toBe(0);
    const approvals = await pub.getLogs({
      address: token,
      event: parseAbiItem("event Approval(address indexed owner, address indexed spender, uint256 value)"),
      fromBlock: 0n,
    });
    expect(approvals.length).toBe(1); // OZ v5 emits no Approval when transferFrom spends the allowance
  });

  test("eth_sendRawTransactionSync returns the receipt within the mini-block interval", async () => {
    const a5 = accounts[5]!;
    const to = privateKeyToAccount(generatePrivateKey()).address;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const req = await wallets[5]!.prepareTransactionRequest({ to, value: 1000n + BigInt(i), account: a5, chain: null });
      const raw = await wallets[5]!.signTransaction(req as any);
      const t0 = performance.now();
      const r: any = await dev.call("eth_sendRawTransactionSync", [raw]);
      times.push(performance.now() - t0);
      expect(r.status).toBe("0x1");
      expect(r.from).toBe(a5.address.toLowerCase());
      expect(BigInt(r.gasUsed)).toBe(21000n);
      // The receipt comes from a mini-block: its block may not be sealed yet (zero hash) — either way
      // the transaction is already visible by hash and in the balances.
      const seen = await pub.getTransactionReceipt({ hash: r.transactionHash });
      expect(seen.transactionHash).toBe(r.transactionHash);
    }
    expect(await pub.getBalance({ address: to })).toBe(5000n + 10n);
    times.sort((a, b) => a - b);
    // Mini-blocks every 10 ms, blocks every 200 ms: the receipt must not wait for a block seal.
    expect(times[0]!).toBeLessThan(100);
    expect(times[2]!).toBeLessThan(BLOCK_MS);
  });

  test("viem's sendRawTransactionSync action", async () => {
    const a5 = accounts[5]!;
    const req = await wallets[5]!.prepareTransactionRequest({ to: accounts[6]!.address, value: 1n, account: a5, chain: null });
    const raw = await wallets[5]!.signTransaction(req as any);
    const r = await (wallets[5] as any).sendRawTransactionSync({ serializedTransaction: raw });
    expect(r.status).toBe("success");
    expect(r.gasUsed).toBe(21000n);
  });

  test("eth_call and eth_estimateGas (exactly the estimate is enough)", async () => {
    const a6 = accounts[6]!;
    // Seed account 6 with tokens, then estimate a transfer to a fresh address (zero → non-zero SSTORE).
    const h = await wallets[0]!.writeContract({ ...token_(), functionName: "transfer", args: [a6.address, 10_000n], account: accounts[0]!, chain: null } as any);
    await pub.waitForTransactionReceipt({ hash: h, timeout: 5000 });
    const data = encodeFunctionData({ abi: erc20().abi, functionName: "transfer", args: [privateKeyToAccount(generatePrivateKey()).address, 123n] });
    const ret = await pub.call({ account: a6.address, to: token, data });
    expect(ret.data).toBe(`0x${"0".repeat(63)}1`); // returns true
    const est = await pub.estimateGas({ account: a6.address, to: token, data });
    expect(est).toBeGreaterThan(21000n + 20000n);
    expect(est).toBeLessThan(100_000n);
    const hash = await wallets[6]!.sendTransaction({ to: token, data, gas: est, account: a6, chain: null });
    const r = await pub.waitForTransactionReceipt({ hash, timeout: 5000 });
    expect(r.status).toBe("success");
    expect(r.gasUsed).toBeLessThanOrEqual(est);
    // One less than the estimate fails (the estimate is the minimum).
    const data2 = encodeFunctionData({ abi: erc20().abi, functionName: "transfer", args: [privateKeyToAccount(generatePrivateKey()).address, 1n] });
    const est2 = await pub.estimateGas({ account: a6.address, to: token, data: data2 });
    // Same work; only the calldata (zero bytes of the random address) may differ.
    expect(est2 > est - 1000n && est2 < est + 1000n).toBe(true);
    const h2 = await wallets[6]!.sendTransaction({ to: token, data: data2, gas: est2 - 1n, account: a6, chain: null });
    expect((await pub.waitForTransactionReceipt({ hash: h2, timeout: 5000 })).status).toBe("reverted");
    // Plain transfer: 21000 exactly.
    expect(await pub.estimateGas({ account: a6.address, to: accounts[7]!.address, value: 1n })).toBe(21000n);
    // A contract deployment estimate, sent with exactly that gas.
    const { abi, bytecode } = erc20();
    const deployData = (await import("viem")).encodeDeployData({ abi, bytecode, args: ["X", "X", 1n] });
    const estDeploy = await pub.estimateGas({ account: a6.address, data: deployData });
    const hd = await wallets[6]!.sendTransaction({ data: deployData, gas: estDeploy, account: a6, chain: null });
    const rd = await pub.waitForTransactionReceipt({ hash: hd, timeout: 5000 });
    expect(rd.status).toBe("success");
    expect(rd.contractAddress).not.toBeNull();
  });

  test("a revert surfaces its reason in eth_call and eth_estimateGas", async () => {
    const a7 = accounts[7]!; // holds no tokens
    // OpenZeppelin v5: ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed).
    let caught: unknown;
    try {
      await pub.simulateContract({ ...token_(), functionName: "transfer", args: [accounts[8]!.address, 5n], account: a7.address } as any);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BaseError);
    const revert = (caught as BaseError).walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError;
    expect(revert).toBeInstanceOf(ContractFunctionRevertedError);
    expect(revert.data?.errorName).toBe("ERC20InsufficientBalance");
    expect(revert.data?.args).toEqual([a7.address, 0n, 5n]);

    // Raw: code 3, "execution reverted", the custom error as data.
    const data = encodeFunctionData({ abi: erc20().abi, functionName: "transfer", args: [accounts[8]!.address, 5n] });
    const res = await dev.rpc("eth_call", [{ from: a7.address, to: token, data }, "latest"]);
    expect(res.error.code).toBe(3);
    expect(res.error.message).toStartWith("execution reverted");
    const decoded = decodeErrorResult({ abi: erc20().abi, data: res.error.data as Hex });
    expect(decoded.errorName).toBe("ERC20InsufficientBalance");
    const est = await dev.rpc("eth_estimateGas", [{ from: a7.address, to: token, data }]);
    expect(est.error.code).toBe(3);
    expect(est.error.data).toBe(res.error.data);

    // Error(string): a contract whose code always reverts with "nope".
    const reason = "nope";
    const errData =
      "08c379a0" + (32).toString(16).padStart(64, "0") + reason.length.toString(16).padStart(64, "0") + Buffer.from(reason).toString("hex").padEnd(64, "0");
    const runtime = "6064600c60003960646000fd" + errData; // CODECOPY the 100 data bytes, REVERT them
    const init = "6070600c60003960706000f3" + runtime; // CODECOPY the 112 runtime bytes, RETURN them
    const h = await wallets[7]!.sendTransaction({ data: `0x${init}`, account: a7, chain: null });
    const r = await pub.waitForTransactionReceipt({ hash: h, timeout: 5000 });
    expect(r.status).toBe("success");
    const res2 = await dev.rpc("eth_call", [{ to: r.contractAddress, data: "0x" }, "latest"]);
    expect(res2.error).toEqual({ code: 3, message: "execution reverted: nope", data: `0x${errData}` });
    let viemErr: any;
    try {
      await pub.call({ to: r.contractAddress!, data: "0x" });
    } catch (e) {
      viemErr = e;
    }
    expect(String(viemErr?.shortMessage ?? viemErr)).toContain("nope");
  });

  test("eth_feeHistory", async () => {
    const latest = BigInt(await dev.call("eth_blockNumber"));
    expect(latest).toBeGreaterThan(4n);
    const fh = await pub.getFeeHistory({ blockCount: 4, blockNumber: latest, rewardPercentiles: [25, 75] });
    expect(fh.oldestBlock).toBe(latest - 3n);
    expect(fh.baseFeePerGas.length).toBe(5);
    expect(fh.gasUsedRatio.length).toBe(4);
    expect(fh.reward!.length).toBe(4);
    for (const r of fh.reward!) expect(r.length).toBe(2);
    for (let i = 0; i < 4; i++) {
      const b = await pub.getBlock({ blockNumber: latest - 3n + BigInt(i) });
      expect(fh.baseFeePerGas[i]).toBe(b.baseFeePerGas!);
      expect(fh.gasUsedRatio[i]).toBeCloseTo(Number(b.gasUsed) / Number(b.gasLimit), 12);
    }
    // The last entry is the next block's base fee, which EIP-1559 derives from the latest header.
    const b = await pub.getBlock({ blockNumber: latest });
    const base = b.baseFeePerGas!, target = b.gasLimit / 2n;
    const expectedNext =
      b.gasUsed === target ? base
      : b.gasUsed > target ? base + (((base * (b.gasUsed - target)) / target / 8n) || 1n)
      : base - (base * (target - b.gasUsed)) / target / 8n;
    expect(fh.baseFeePerGas[4]).toBe(expectedNext);
    // gasPrice = pending base fee + suggested tip; fees estimation works end to end.
    const fees = await pub.estimateFeesPerGas();
    expect(fees.maxFeePerGas).toBeGreaterThan(fees.maxPriorityFeePerGas!);
  });

  test("eth_getBlockByNumber: latest, pending, earliest, safe, finalized", async () => {
    const earliest = await pub.getBlock({ blockTag: "earliest" });
    expect(earliest.number).toBe(0n);
    expect(earliest.hash).toBe(`0x${Buffer.from(dev.running.genesis.hash).toString("hex")}` as Hex);
    expect(earliest.parentHash).toBe(zeroHash);
    expect(earliest.baseFeePerGas).toBe(parseGwei("1"));
    // Raw eth_blockNumber: viem caches getBlockNumber for the polling interval.
    const n0 = BigInt(await dev.call("eth_blockNumber"));
    const latest = await pub.getBlock({ blockTag: "latest" });
    const safe = await pub.getBlock({ blockTag: "safe" });
    const finalized = await pub.getBlock({ blockTag: "finalized" });
    const pendingRaw = await dev.call("eth_getBlockByNumber", ["pending", false]);
    const n1 = BigInt(await dev.call("eth_blockNumber"));
    for (const b of [latest, safe, finalized]) {
      expect(b.number).toBeGreaterThanOrEqual(n0);
      expect(b.number).toBeLessThanOrEqual(n1);
      expect(b.hash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(b.hash).not.toBe(zeroHash);
      expect(b.stateRoot).not.toBe(zeroHash);
      // Sealed blocks are immutable: re-reading by number gives the same block.
      expect((await pub.getBlock({ blockNumber: b.number! })).hash).toBe(b.hash);
      expect((await pub.getBlock({ blockHash: b.hash! })).number).toBe(b.number);
    }
    const pn = BigInt(pendingRaw.number);
    expect(pn).toBeGreaterThanOrEqual(n0 + 1n);
    expect(pn).toBeLessThanOrEqual(n1 + 1n);
    // Parent linkage across the latest few blocks.
    const l = latest.number!;
    const parent = await pub.getBlock({ blockNumber: l - 1n });
    expect(latest.parentHash).toBe(parent.hash);
    expect(latest.timestamp).toBeGreaterThan(parent.timestamp);
    // A block beyond pending does not exist.
    expect((await dev.call("eth_getBlockByNumber", [`0x${(n1 + 100n).toString(16)}`, false]))).toBeNull();
  });

  test("getTransaction", async () => {
    const a8 = accounts[8]!;
    const hash = await wallets[8]!.sendTransaction({ to: accounts[9]!.address, value: 777n, data: "0x1234", gas: 30_000n, account: a8, chain: null });
    const r = await pub.waitForTransactionReceipt({ hash, timeout: 5000 });
    await waitSealed(dev.call, r.blockNumber);
    const tx = await pub.getTransaction({ hash });
    expect(tx.hash).toBe(hash);
    expect(tx.from).toBe(a8.address.toLowerCase() as Address);
    expect(tx.to).toBe(accounts[9]!.address.toLowerCase() as Address);
    expect(tx.value).toBe(777n);
    expect(tx.input).toBe("0x1234");
    expect(tx.gas).toBe(30_000n);
    expect(tx.nonce).toBe(0);
    expect(tx.type).toBe("eip1559");
    expect(tx.chainId).toBe(31337);
    expect(tx.blockNumber).toBe(r.blockNumber);
    expect(tx.blockHash).toBe(r.blockHash === zeroHash ? (await pub.getBlock({ blockNumber: r.blockNumber })).hash : r.blockHash);
    expect(tx.transactionIndex).toBe(r.transactionIndex);
    expect(await pub.getTransaction({ hash: `0x${"ab".repeat(32)}` }).catch((e) => e.name)).toBe("TransactionNotFoundError");
  });

  test("getTransactionCount latest vs pending with queued transactions", async () => {
    const key = generatePrivateKey();
    const acct = privateKeyToAccount(key);
    // Fund a fresh account so nothing else touches its nonce.
    const fund = await wallets[2]!.sendTransaction({ to: acct.address, value: parseEther("1"), account: accounts[2]!, chain: null });
    await pub.waitForTransactionReceipt({ hash: fund, timeout: 5000 });
    const w = createWalletClient({ account: acct, chain: devChain(dev.url, dev.wsUrl), transport: http(dev.url) });
    const fees = { maxFeePerGas: parseGwei("5"), maxPriorityFeePerGas: 1n, gas: 21000n };
    const sign = (nonce: number) => w.signTransaction({ to: accounts[3]!.address, value: 1n, nonce, ...fees, chainId: 31337, type: "eip1559", account: acct, chain: null } as any);
    // Nonces 1 and 2 are gapped (queued): neither count moves.
    await dev.call("eth_sendRawTransaction", [await sign(1)]);
    await dev.call("eth_sendRawTransaction", [await sign(2)]);
    await Bun.sleep(50); // several mini-blocks: still nothing executable
    expect(await pub.getTransactionCount({ address: acct.address, blockTag: "latest" })).toBe(0);
    expect(await pub.getTransactionCount({ address: acct.address, blockTag: "pending" })).toBe(0);
    // Nonce 0 fills the gap: all three execute and both counts reach 3.
    await dev.call("eth_sendRawTransaction", [await sign(0)]);
    await until("all three executed", async () => (await pub.getTransactionCount({ address: acct.address, blockTag: "latest" })) === 3);
    expect(await pub.getTransactionCount({ address: acct.address, blockTag: "pending" })).toBe(3);
  });

  test("getTransactionCount pending counts pool transactions not yet executed (slow mini-blocks)", async () => {
    // A second sequencer whose mini-blocks come every 500 ms: a sync send aligns us just after
    // one, leaving ~500 ms during which submitted transactions sit in the pool.
    const slow = await startDev({ "mini-block-ms": 500, "block-ms": 1000 });
    try {
      const acct = accounts[3]!;
      const w = createWalletClient({ account: acct, chain: devChain(slow.url, slow.wsUrl), transport: http(slow.url) });
      const fees = { maxFeePerGas: parseGwei("5"), maxPriorityFeePerGas: 1n, gas: 21000n };
      const sign = (nonce: number) =>
        w.signTransaction({ to: accounts[4]!.address, value: 1n, nonce, ...fees, chainId: 31337, type: "eip1559", account: acct, chain: null } as any);
      const raws = await Promise.all([0, 1, 2, 3].map(sign));
      const r0 = await slow.call("eth_sendRawTransactionSync", [raws[0], 3000]);
      expect(r0.status).toBe("0x1");
      for (const raw of raws.slice(1)) await slow.call("eth_sendRawTransaction", [raw]);
      const [pending, latest] = await Promise.all([
        slow.call("eth_getTransactionCount", [acct.address, "pending"]),
        slow.call("eth_getTransactionCount", [acct.address, "latest"]),
      ]);
      expect(BigInt(pending)).toBe(4n);
      expect(BigInt(latest)).toBe(1n);
      await until("the pooled three executed", async () => BigInt(await slow.call("eth_getTransactionCount", [acct.address, "latest"])) === 4n, 3000);
      expect(BigInt(await slow.call("eth_getTransactionCount", [acct.address, "pending"]))).toBe(4n);
    } finally {
      await slow.stop();
    }
  });
});

describe("viem over WebSocket", () => {
  test("watchBlocks delivers consecutive sealed heads", async () => {
    const heads: any[] = [];
    const unwatch = wsPub.watchBlocks({ onBlock: (b) => void heads.push(b), emitMissed: false, onError: (e) => heads.push(e) });
    try {
      await until("3 new heads", async () => heads.length >= 3, 5000);
    } finally {
      unwatch();
    }
    for (const h of heads) expect(h).not.toBeInstanceOf(Error);
    for (let i = 1; i < heads.length; i++) {
      expect(heads[i].number).toBe(heads[i - 1].number + 1n);
      expect(heads[i].parentHash).toBe(heads[i - 1].hash);
    }
    for (const h of heads.slice(0, 3)) {
      const b = await pub.getBlock({ blockNumber: h.number });
      expect(b.hash).toBe(h.hash);
      expect(b.stateRoot).toBe(h.stateRoot);
    }
  });

  test("watchContractEvent (eth_subscribe logs) sees Transfers with topic filter", async () => {
    const seen: any[] = [];
    const to = privateKeyToAccount(generatePrivateKey()).address;
    const unwatch = wsPub.watchContractEvent({
      address: token,
      abi: erc20().abi,
      eventName: "Transfer",
      args: { to },
      onLogs: (logs) => seen.push(...logs),
      onError: (e) => seen.push(e),
    });
    try {
      await Bun.sleep(100); // let the subscription register
      // One transfer elsewhere (filtered out), two to `to`.
      const send = async (dest: Address, v: bigint) => {
        const h = await wallets[0]!.writeContract({ ...token_(), functionName: "transfer", args: [dest, v], account: accounts[0]!, chain: null } as any);
        await pub.waitForTransactionReceipt({ hash: h, timeout: 5000 });
        return h;
      };
      await send(accounts[4]!.address, 1n);
      const h1 = await send(to, 11n);
      const h2 = await send(to, 12n);
      await until("2 Transfer logs", async () => seen.length >= 2, 5000);
      await Bun.sleep(100);
      expect(seen.length).toBe(2);
      expect(seen.map((l) => l.transactionHash)).toEqual([h1, h2]);
      expect(seen.map((l) => l.args.value)).toEqual([11n, 12n]);
      expect(seen[0].args.from).toBe(accounts[0]!.address);
      expect(seen[0].address).toBe(token.toLowerCase());
    } finally {
      unwatch();
    }
  });

  test("raw eth_subscribe logs + newHeads over one socket", async () => {
    const ws = new WebSocket(dev.wsUrl);
    await new Promise((r, j) => ((ws.onopen = r), (ws.onerror = j)));
    const msgs: any[] = [];
    ws.onmessage = (e) => msgs.push(JSON.parse(String(e.data)));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["logs", { address: token }] }));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "eth_subscribe", params: ["newHeads"] }));
    await until("subscription ids", async () => msgs.filter((m) => m.id).length === 2);
    const logsSub = msgs.find((m) => m.id === 1).result;
    const headsSub = msgs.find((m) => m.id === 2).result;
    expect(logsSub).toMatch(/^0x[0-9a-f]+$/);
    expect(headsSub).not.toBe(logsSub);
    const h = await wallets[0]!.writeContract({ ...token_(), functionName: "transfer", args: [accounts[9]!.address, 99n], account: accounts[0]!, chain: null } as any);
    await until("log notification", async () => msgs.some((m) => m.params?.subscription === logsSub));
    await until("head notification", async () => msgs.some((m) => m.params?.subscription === headsSub));
    const log = msgs.find((m) => m.params?.subscription === logsSub).params.result;
    expect(log.transactionHash).toBe(h);
    expect(log.address).toBe(token.toLowerCase());
    expect(BigInt(log.data)).toBe(99n);
    const head = msgs.find((m) => m.params?.subscription === headsSub).params.result;
    expect(head.number).toMatch(/^0x[0-9a-f]+$/);
    expect(head.hash).toMatch(/^0x[0-9a-f]{64}$/);
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "eth_unsubscribe", params: [logsSub] }));
    await until("unsubscribe", async () => msgs.some((m) => m.id === 3));
    expect(msgs.find((m) => m.id === 3).result).toBe(true);
    ws.close();
  });

  test("viem over WebSocket transport: reads and a transfer", async () => {
    const chain = devChain(dev.url, dev.wsUrl);
    const w = createWalletClient({ account: accounts[4]!, chain, transport: webSocket(dev.wsUrl) });
    const to = privateKeyToAccount(generatePrivateKey()).address;
    const hash = await w.sendTransaction({ to, value: 4242n, account: accounts[4]!, chain: null });
    const r = await wsPub.waitForTransactionReceipt({ hash, timeout: 5000 });
    expect(r.status).toBe("success");
    expect(await wsPub.getBalance({ address: to })).toBe(4242n);
    expect(await wsPub.readContract({ ...token_(), functionName: "balanceOf", args: [accounts[9]!.address] } as any)).toBe(99n);
  });
});
