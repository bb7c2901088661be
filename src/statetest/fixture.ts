// Ethereum GeneralStateTests JSON (see ../shared/fixtures/state-tests/README.md) turned into
// the core's block environment, transactions and a MemoryState.
import type { BlockEnv, TxInput } from "../exec/abi";
import { bytesToHex, hexToBytes, keccak256 } from "../crypto/index";
import { MemoryState } from "./memory-state";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { paramsBlock } from "@ethereumjs/block";
import { blobBaseFee } from "../chain/fees";

const cancun = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun, params: paramsBlock });

export interface PostEntry {
  indexes: { data: number; gas: number; value: number };
  hash: string;
  logs: string;
  txbytes?: string;
  expectException?: string;
}

export interface StateTest {
  name: string;
  env: Record<string, string>;
  pre: Record<string, { balance: string; code: string; nonce: string; storage: Record<string, string> }>;
  transaction: Record<string, any>;
  post: Record<string, PostEntry[]>;
}

export class FixtureError extends Error {
  override name = "FixtureError";
}

const big = (s: string | undefined, what: string): bigint => {
  if (s === undefined) throw new FixtureError(`missing field ${what}`);
  return BigInt(s);
};
/** Fixture numbers are hex or decimal strings; "0x:bigint 0x..." marks values past 256 bits. */
const num = (s: string): bigint => BigInt(s.replace(/^0x:bigint /, ""));
const word = (s: string): Uint8Array => hexToBytes(BigInt(s).toString(16).padStart(64, "0"));
const addr = (s: string): Uint8Array => hexToBytes(s.startsWith("0x") ? s.slice(2).padStart(40, "0") : s.padStart(40, "0"));
const code = (s: string): Uint8Array => (s === "" || s === "0x" ? new Uint8Array(0) : hexToBytes(s));

/** Reads every test in one fixture file's parsed JSON. */
export function testsIn(json: unknown): StateTest[] {
  if (!json || typeof json !== "object") throw new FixtureError("not a JSON object of tests");
  return Object.entries(json as Record<string, any>).map(([name, t]) => {
    if (!t?.env || !t?.pre || !t?.transaction || !t?.post) throw new FixtureError(`${name}: not a GeneralStateTest`);
    return { name, ...t };
  });
}

export function blockEnv(t: StateTest): BlockEnv {
  const e = t.env;
  return {
    number: big(e.currentNumber, "env.currentNumber"),
    timestamp: big(e.currentTimestamp, "env.currentTimestamp"),
    gasLimit: big(e.currentGasLimit, "env.currentGasLimit"),
    chainId: 1n,
    coinbase: addr(e.currentCoinbase!),
    prevRandao: word(e.currentRandom ?? e.currentDifficulty ?? "0x0"),
    baseFee: BigInt(e.currentBaseFee ?? "0x0"),
    blobBaseFee: blobBaseFee(BigInt(e.currentExcessBlobGas ?? "0x0"), cancun),
  };
}

/** geth's state tests answer BLOCKHASH(n) with keccak256 of n's decimal string. */
export function testBlockHash(n: bigint): Uint8Array {
  return keccak256(new TextEncoder().encode(n.toString()));
}

export function preState(t: StateTest): MemoryState {
  const state = new MemoryState();
  state.blockHashFn = testBlockHash;
  for (const [a, acct] of Object.entries(t.pre)) {
    state.put(addr(a), {
      nonce: BigInt(acct.nonce),
      balance: BigInt(acct.balance),
      code: code(acct.code),
      storage: Object.entries(acct.storage ?? {}).map(([k, v]) => [word(k), word(v)]),
    });
  }
  return state;
}

/** The transaction of one post entry, from the test's data/gas/value index vectors. */
export function transaction(t: StateTest, p: PostEntry): TxInput {
  const x = t.transaction;
  const { data, gas, value } = p.indexes;
  const accessList = (x.accessLists?.[data] ?? []) as { address: string; storageKeys: string[] }[];
  const isBlob = x.blobVersionedHashes !== undefined;
  const isDynamic = x.maxFeePerGas !== undefined;
  const type = isBlob ? 3 : isDynamic ? 2 : x.accessLists?.[data] ? 1 : 0;
  if (x.sender === undefined) throw new FixtureError(`${t.name}: transaction.sender is missing`);
  return {
    type,
    sender: addr(x.sender),
    to: x.to ? addr(x.to) : null,
    nonce: num(x.nonce),
    gasLimit: num(x.gasLimit[gas]),
    value: num(x.value[value]),
    gasPrice: BigInt(x.gasPrice ?? "0x0"),
    maxFeePerGas: BigInt(x.maxFeePerGas ?? "0x0"),
    maxPriorityFeePerGas: BigInt(x.maxPriorityFeePerGas ?? "0x0"),
    maxFeePerBlobGas: BigInt(x.maxFeePerBlobGas ?? "0x0"),
    data: code(x.data[data]),
    accessList: accessList.map((e) => ({ address: addr(e.address), storageKeys: e.storageKeys.map(word) })),
    blobVersionedHashes: ((x.blobVersionedHashes ?? []) as string[]).map(word),
  };
}

export { bytesToHex };
