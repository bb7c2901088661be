// Worlds and transaction batches for the parallel executor's tests and benchmark: funded
// accounts, OpenZeppelin ERC-20s, Uniswap v2 pairs with liquidity, a one-transaction swap
// router, and a counter whose single slot is the "hot spot". Setup runs through the serial
// executor on whatever state it is given (MemoryState in tests, the LMDB StateDb in the bench).
import solc from "solc";
import { encodeDeployData, encodeFunctionData, maxUint256, type Abi, type Hex } from "viem";
import { ExecStatus, type BlockEnv, type ExecResult, type TxInput } from "../../src/exec/abi";
import type { EvmCore } from "../../src/exec/core";
import { bytesToHex, hexToBytes, keccak256 } from "../../src/crypto/index";
import { EMPTY_CODE_HASH } from "../../src/trie/index";
import { SerialExecutor } from "../../src/parallel/index";
import type { BatchState } from "../../src/parallel/index";
import { MemoryState } from "../../src/statetest/memory-state";
import { erc20, uniswapFactory, uniswapPair, type Artifact } from "../../bench/workloads/contracts";

const ROUTER_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
interface ITokenLike { function transferFrom(address from, address to, uint256 amount) external returns (bool); }
interface IPairLike {
    function getReserves() external view returns (uint112, uint112, uint32);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}
/// Sells amountIn of tokenIn on one pair in one transaction (the v2 router's constant-product quote).
contract SwapRouter {
    function swap(address pair, address tokenIn, uint256 amountIn, bool zeroForOne) external {
        (uint112 a, uint112 b, ) = IPairLike(pair).getReserves();
        uint256 reserveIn = zeroForOne ? a : b;
        uint256 reserveOut = zeroForOne ? b : a;
        uint256 withFee = amountIn * 997;
        uint256 out = (withFee * reserveOut) / (reserveIn * 1000 + withFee);
        require(ITokenLike(tokenIn).transferFrom(msg.sender, pair, amountIn), "pay");
        IPairLike(pair).swap(zeroForOne ? 0 : out, zeroForOne ? out : 0, msg.sender, new bytes(0));
    }
}
`;

let router: Artifact | null = null;
export function swapRouter(): Artifact {
  if (router) return router;
  const input = {
    language: "Solidity",
    sources: { "SwapRouter.sol": { content: ROUTER_SOURCE } },
    settings: { evmVersion: "cancun", optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors ?? []).filter((e: any) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e: any) => e.formattedMessage).join("\n"));
  const c = out.contracts["SwapRouter.sol"].SwapRouter;
  router = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  return router;
}

/** Runtime code: slot 0 += 1. */
export const COUNTER_RUNTIME = hexToBytes("0x5f546001015f5500");
/** Init code returning COUNTER_RUNTIME. */
export function initCodeFor(runtime: Uint8Array): Uint8Array {
  // PUSH1 len, DUP1, PUSH1 offset, PUSH0, CODECOPY, PUSH0, RETURN, runtime...
  const head = [0x60, runtime.length, 0x80, 0x60, 0x0a, 0x5f, 0x39, 0x5f, 0xf3];
  const pad = 0x0a - head.length;
  return Uint8Array.from([...head, ...new Array(pad).fill(0x00), ...runtime]);
}
/** Init code that self-destructs to `beneficiary` (EIP-6780: created and destroyed, so deleted). */
export function selfDestructInit(beneficiary: Uint8Array): Uint8Array {
  return Uint8Array.from([0x73, ...beneficiary, 0xff]);
}

/** A deterministic address per (tag, i). */
export function addr(tag: number, i: number): Uint8Array {
  return keccak256(Uint8Array.from([0xa7, tag, i & 255, (i >> 8) & 255, (i >> 16) & 255])).slice(12);
}

export const E18 = 10n ** 18n;

export function blockEnv(coinbase: Uint8Array, baseFee = 7n): BlockEnv {
  return {
    number: 100n,
    timestamp: 1_700_000_000n,
    gasLimit: 1n << 40n,
    chainId: 31337n,
    coinbase,
    prevRandao: new Uint8Array(32).fill(3),
    baseFee,
    blobBaseFee: 1n,
  };
}

const asHex = (b: Uint8Array) => bytesToHex(b) as Hex;

/** Builds transactions with per-sender nonces and runs setup serially. */
export class WorldBuilder {
  readonly nonces = new Map<string, bigint>();
  private readonly serial: SerialExecutor;

  constructor(
    readonly core: EvmCore,
    readonly env: BlockEnv,
    readonly state: BatchState,
  ) {
    this.serial = new SerialExecutor(core);
  }

  /** The same builder (nonces included) over another state, e.g. a copy of this one. */
  fork(state: BatchState): WorldBuilder {
    const w = new WorldBuilder(this.core, this.env, state);
    for (const [k, v] of this.nonces) w.nonces.set(k, v);
    return w;
  }

  fund(addresses: Uint8Array[], balance = 1000n * E18): void {
    this.state.apply(
      addresses.map((address) => ({ address, deleted: false, nonce: 0n, balance, codeHash: EMPTY_CODE_HASH, code: null, storage: [] })),
    );
  }

  tx(from: Uint8Array, to: Uint8Array | null, data: Uint8Array, gasLimit: bigint, over: Partial<TxInput> = {}): TxInput {
    const k = bytesToHex(from);
    const nonce = this.nonces.get(k) ?? 0n;
    this.nonces.set(k, nonce + 1n);
    return {
      type: 2,
      sender: from,
      to,
      nonce,
      gasLimit,
      value: 0n,
      gasPrice: 0n,
      maxFeePerGas: 1000n,
      maxPriorityFeePerGas: 2n,
      maxFeePerBlobGas: 0n,
      data,
      accessList: [],
      blobVersionedHashes: [],
      ...over,
    };
  }

  call(from: Uint8Array, to: Uint8Array, abi: Abi, functionName: string, args: unknown[], gasLimit = 300_000n, over: Partial<TxInput> = {}): TxInput {
    return this.tx(from, to, hexToBytes(encodeFunctionData({ abi, functionName, args } as any)), gasLimit, over);
  }

  /** Runs setup transactions serially; all must succeed. */
  run(txs: TxInput[]): ExecResult[] {
    const results = this.serial.executeSync(this.env, txs, this.state);
    results.forEach((r, i) => {
      if (r.status !== ExecStatus.Success) throw new Error(`setup transaction ${i} failed: status ${r.status} reason ${r.invalidReason}`);
    });
    return results;
  }

  deploy(from: Uint8Array, art: Artifact, args: unknown[] = []): Uint8Array {
    const data = hexToBytes(encodeDeployData({ abi: art.abi, bytecode: art.bytecode, args } as any));
    return this.run([this.tx(from, null, data, 20_000_000n)])[0]!.createdAddress!;
  }
}

export interface Contracts {
  deployer: Uint8Array;
  /** Token 0, paired with every other token. */
  token0: Uint8Array;
  tokens: Uint8Array[];
  pairs: Uint8Array[];
  router: Uint8Array;
  counter: Uint8Array;
}

/** Deploys the ERC-20s, `pairs` Uniswap pairs (token0 / token i) with liquidity, the router and a counter. */
export function deployContracts(w: WorldBuilder, pairs: number): Contracts {
  const deployer = addr(1, 0);
  w.fund([deployer], 10n ** 30n);
  const supply = 10n ** 30n;
  const token0 = w.deploy(deployer, erc20(), ["Token 0", "T0", supply]);
  const factory = w.deploy(deployer, uniswapFactory(), [asHex(deployer)]);
  const router = w.deploy(deployer, swapRouter());
  const counter = w.run([w.tx(deployer, null, initCodeFor(COUNTER_RUNTIME), 1_000_000n)])[0]!.createdAddress!;
  const tokens: Uint8Array[] = [];
  const pairList: Uint8Array[] = [];
  const f = uniswapFactory().abi as Abi;
  const t = erc20().abi as Abi;
  const p = uniswapPair().abi as Abi;
  for (let i = 0; i < pairs; i++) {
    const token = w.deploy(deployer, erc20(), [`Token ${i + 1}`, `T${i + 1}`, supply]);
    tokens.push(token);
    const created = w.run([w.call(deployer, factory, f, "createPair", [asHex(token0), asHex(token)], 5_000_000n)])[0]!;
    const pair = created.returnData.slice(12, 32);
    pairList.push(pair);
    w.run([
      w.call(deployer, token0, t, "transfer", [asHex(pair), 1_000_000n * E18]),
      w.call(deployer, token, t, "transfer", [asHex(pair), 1_000_000n * E18]),
      w.call(deployer, pair, p, "mint", [asHex(deployer)]),
    ]);
  }
  return { deployer, token0, tokens, pairs: pairList, router, counter };
}

/** Gives each holder `amount` of `token` and lets the router spend it. */
export function distribute(w: WorldBuilder, c: Contracts, token: Uint8Array, holders: Uint8Array[], amount: bigint, approve: boolean): void {
  const t = erc20().abi as Abi;
  w.fund(holders);
  const txs: TxInput[] = [];
  for (const h of holders) {
    txs.push(w.call(c.deployer, token, t, "transfer", [asHex(h), amount]));
    if (approve) txs.push(w.call(h, token, t, "approve", [asHex(c.router), maxUint256]));
  }
  w.run(txs);
}

export function erc20Transfer(w: WorldBuilder, from: Uint8Array, token: Uint8Array, to: Uint8Array, amount: bigint, gas = 100_000n, over: Partial<TxInput> = {}): TxInput {
  return w.call(from, token, erc20().abi as Abi, "transfer", [asHex(to), amount], gas, over);
}

export function swap(w: WorldBuilder, c: Contracts, trader: Uint8Array, pairIndex: number, amount: bigint, gas = 300_000n): TxInput {
  const token = c.tokens[pairIndex]!;
  const zeroForOne = bytesToHex(c.token0) < bytesToHex(token);
  return w.call(trader, c.router, swapRouter().abi as Abi, "swap", [asHex(c.pairs[pairIndex]!), asHex(c.token0), amount, zeroForOne], gas);
}

/** A deep copy of a MemoryState (tests run serial and parallel on copies of one world). */
export function cloneMemoryState(s: MemoryState): MemoryState {
  const out = new MemoryState();
  out.blockHashFn = s.blockHashFn;
  for (const [k, a] of s.accounts) out.accounts.set(k, { ...a, storage: new Map(a.storage) });
  return out;
}

/** The benchmark's fixed workloads, by name. */
export const WORKLOADS = ["independent-transfers", "erc20-distinct", "erc20-hot", "uniswap-1pair", "uniswap-100pairs"] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/**
 * Sets up the world `name` needs in `w.state` (contracts via `c`) and returns `n` transactions.
 * Every call with the same arguments yields the same batch.
 */
export function workload(name: WorkloadName, w: WorldBuilder, c: Contracts, n: number): TxInput[] {
  const txs: TxInput[] = [];
  switch (name) {
    case "independent-transfers": {
      const senders = Array.from({ length: n }, (_, i) => addr(10, i));
      w.fund(senders);
      for (let i = 0; i < n; i++) txs.push(w.tx(senders[i]!, addr(11, i), new Uint8Array(0), 21_000n, { value: 1000n + BigInt(i) }));
      break;
    }
    case "erc20-distinct": {
      const holders = Array.from({ length: n }, (_, i) => addr(12, i));
      distribute(w, c, c.token0, holders, 1000n * E18, false);
      for (let i = 0; i < n; i++) txs.push(erc20Transfer(w, holders[i]!, c.token0, addr(13, i), E18));
      break;
    }
    case "erc20-hot": {
      const hot = addr(14, 0);
      distribute(w, c, c.token0, [hot], 1_000_000n * E18, false);
      for (let i = 0; i < n; i++) txs.push(erc20Transfer(w, hot, c.token0, addr(15, i), E18));
      break;
    }
    case "uniswap-1pair":
    case "uniswap-100pairs": {
      const traders = Array.from({ length: n }, (_, i) => addr(name === "uniswap-1pair" ? 16 : 17, i));
      distribute(w, c, c.token0, traders, 1000n * E18, true);
      const pairs = name === "uniswap-1pair" ? 1 : Math.min(100, c.pairs.length);
      for (let i = 0; i < n; i++) txs.push(swap(w, c, traders[i]!, i % pairs, E18));
      break;
    }
  }
  return txs;
}
