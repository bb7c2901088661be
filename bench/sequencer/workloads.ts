// The sequencer benchmark's workloads, as pre-signed transactions: setup waves (deployments and
// funding from the dev accounts, then per-sender approvals), the measured throughput set and a
// latency set that continues each sender's nonces. Everything is deterministic, so the same
// signed bytes run on our sequencer, on anvil and on @ethereumjs/vm.
import { encodeDeployData, encodeFunctionData, maxUint256, type Hex } from "viem";
import { bytesToHex, hexToBytes, keccak256 } from "../../src/crypto/index";
import { erc20, uniswapFactory, uniswapPair } from "../workloads/contracts";
import { benchHelpers } from "./contracts";
import { create2Address, createAddress, devKeys, freshKeys, GWEI, type Key, Nonces, sign, type Signed } from "./signer";

export const WORKLOAD_NAMES = ["eth-transfers", "erc20-transfers", "uniswap-swaps"] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export interface EthCallCheck {
  what: string;
  to: string;
  data: string;
  expect: string;
}

export interface Workload {
  name: WorkloadName;
  senders: number;
  /** Sent wave by wave; each wave is fully included (and checked successful) before the next. */
  setup: Signed[][];
  /** Read-only checks that the setup produced the expected state. */
  checks: EthCallCheck[];
  throughput: Signed[];
  latency: Signed[];
  /** Gas limit of each measured transaction (for the report). */
  gasLimit: bigint;
}

const ETHER = 10n ** 18n;
const FUND_ETH = 10n * ETHER;
const FUND_TOKENS = 1000n * ETHER;
const LIQUIDITY = 1_000_000n * ETHER;
const DISPERSE_CHUNK = 100;

const hex = (b: Uint8Array) => bytesToHex(b) as Hex;
const data = (h: string) => hexToBytes(h);

interface Builder {
  dev: Key;
  nonces: Nonces;
  wave1: Signed[];
  send(to: Uint8Array | null, d: string, gasLimit: bigint, value?: bigint): Signed;
}

function builder(): Builder {
  const dev = devKeys()[0]!;
  const nonces = new Nonces();
  const wave1: Signed[] = [];
  return {
    dev,
    nonces,
    wave1,
    send(to, d, gasLimit, value = 0n) {
      const s = sign(dev, { nonce: nonces.take(dev), gasLimit, to, data: data(d), value });
      wave1.push(s);
      return s;
    },
  };
}

/** Deploys Disperse and funds every sender with ETH (and each token, approving Disperse first). */
function fund(b: Builder, senders: Key[], tokens: Uint8Array[]): void {
  const { disperse } = benchHelpers();
  const disperseAddr = createAddress(b.dev.address, BigInt(b.wave1.length));
  b.send(null, disperse.bytecode, 3_000_000n);
  for (const t of tokens) b.send(t, encodeFunctionData({ abi: erc20().abi, functionName: "approve", args: [hex(disperseAddr), maxUint256] }), 100_000n);
  for (let i = 0; i < senders.length; i += DISPERSE_CHUNK) {
    const to = senders.slice(i, i + DISPERSE_CHUNK).map((k) => hex(k.address));
    const value = FUND_ETH * BigInt(to.length);
    b.send(disperseAddr, encodeFunctionData({ abi: disperse.abi, functionName: "disperseEther", args: [to, FUND_ETH] }), 8_000_000n, value);
    for (const t of tokens)
      b.send(disperseAddr, encodeFunctionData({ abi: disperse.abi, functionName: "disperseToken", args: [hex(t), to, FUND_TOKENS] }), 8_000_000n);
  }
}

/** Round-robin over the senders, each sender's nonces consecutive, continuing `nonces`. */
function spread(senders: Key[], nonces: Nonces, count: number, make: (sender: number, nonce: bigint, i: number) => Omit<Parameters<typeof sign>[1], "nonce">): Signed[] {
  const out: Signed[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const s = i % senders.length;
    const nonce = nonces.take(senders[s]!);
    out[i] = sign(senders[s]!, { nonce, ...make(s, nonce, i) });
  }
  return out;
}

export interface BuildOptions {
  senders: number;
  throughput: number;
  latency: number;
}

export function buildWorkload(name: WorkloadName, o: BuildOptions): Workload {
  const senders = freshKeys(name, o.senders);
  const next = (s: number) => senders[(s + 1) % senders.length]!.address;
  const b = builder();
  const senderNonces = new Nonces();
  const checks: EthCallCheck[] = [];
  const waves: Signed[][] = [b.wave1];
  let make: (s: number, nonce: bigint) => Omit<Parameters<typeof sign>[1], "nonce">;
  let gasLimit: bigint;

  if (name === "eth-transfers") {
    fund(b, senders, []);
    gasLimit = 21_000n;
    make = (s) => ({ to: next(s), value: GWEI, gasLimit });
  } else if (name === "erc20-transfers") {
    const token = createAddress(b.dev.address, 0n);
    b.send(null, encodeDeployData({ abi: erc20().abi, bytecode: erc20().bytecode, args: ["Bench", "BNCH", 10n ** 27n] }), 3_000_000n);
    fund(b, senders, [token]);
    gasLimit = 100_000n;
    make = (s) => ({ to: token, gasLimit, data: data(encodeFunctionData({ abi: erc20().abi, functionName: "transfer", args: [hex(next(s)), ETHER] })) });
  } else {
    const { router } = benchHelpers();
    const tokenA = createAddress(b.dev.address, 0n);
    const tokenB = createAddress(b.dev.address, 1n);
    const factory = createAddress(b.dev.address, 2n);
    const routerAddr = createAddress(b.dev.address, 3n);
    const deployToken = (sym: string) =>
      b.send(null, encodeDeployData({ abi: erc20().abi, bytecode: erc20().bytecode, args: [sym, sym, 10n ** 27n] }), 3_000_000n);
    deployToken("TKA");
    deployToken("TKB");
    b.send(null, encodeDeployData({ abi: uniswapFactory().abi, bytecode: uniswapFactory().bytecode, args: [hex(b.dev.address)] }), 8_000_000n);
    b.send(null, router.bytecode, 2_000_000n);
    const [token0, token1] = bytesToHex(tokenA) < bytesToHex(tokenB) ? [tokenA, tokenB] : [tokenB, tokenA];
    const salt = keccak256(new Uint8Array([...token0, ...token1]));
    const pair = create2Address(factory, salt, keccak256(data(uniswapPair().bytecode)));
    b.send(factory, encodeFunctionData({ abi: uniswapFactory().abi, functionName: "createPair", args: [hex(tokenA), hex(tokenB)] }), 5_000_000n);
    checks.push({
      what: "factory.getPair(A, B) is the CREATE2 address the swaps were signed for",
      to: hex(factory),
      data: encodeFunctionData({ abi: uniswapFactory().abi, functionName: "getPair", args: [hex(tokenA), hex(tokenB)] }),
      expect: "0x" + "00".repeat(12) + hex(pair).slice(2),
    });
    for (const t of [tokenA, tokenB]) b.send(t, encodeFunctionData({ abi: erc20().abi, functionName: "transfer", args: [hex(pair), LIQUIDITY] }), 100_000n);
    b.send(pair, encodeFunctionData({ abi: uniswapPair().abi, functionName: "mint", args: [hex(b.dev.address)] }), 500_000n);
    fund(b, senders, [tokenA, tokenB]);
    // Wave 2: every sender approves the router for both tokens (nonces 0 and 1).
    const approvals: Signed[] = [];
    for (const k of senders)
      for (const t of [tokenA, tokenB])
        approvals.push(
          sign(k, {
            nonce: senderNonces.take(k),
            to: t,
            gasLimit: 100_000n,
            data: data(encodeFunctionData({ abi: erc20().abi, functionName: "approve", args: [hex(routerAddr), maxUint256] })),
          }),
        );
    waves.push(approvals);
    gasLimit = 250_000n;
    const tokenAIs0 = token0 === tokenA;
    // Alternate direction per sender so the price stays near 1 whatever the interleaving.
    make = (_s, nonce) => {
      const aToB = nonce % 2n === 0n;
      const tokenIn = aToB ? tokenA : tokenB;
      const inIsToken0 = aToB ? tokenAIs0 : !tokenAIs0;
      return {
        to: routerAddr,
        gasLimit,
        data: data(encodeFunctionData({ abi: router.abi, functionName: "swapExactIn", args: [hex(pair), hex(tokenIn), ETHER, inIsToken0] })),
      };
    };
  }
  if (b.wave1.length > 60) throw new Error(`setup wave 1 has ${b.wave1.length} transactions from one sender; the pool admits 64`);
  const throughput = spread(senders, senderNonces, o.throughput, make);
  const latency = spread(senders, senderNonces, o.latency, make);
  return { name, senders: senders.length, setup: waves, checks, throughput, latency, gasLimit };
}
