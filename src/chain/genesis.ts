// Genesis: the embedded dev genesis, geth-format genesis.json files, the chain's Common (from
// @ethereumjs/common, built from the genesis) and the genesis block itself.
import { type Common, createCommonFromGethGenesis } from "@ethereumjs/common";
import { paramsBlock } from "@ethereumjs/block";
import { bytesToHex, hexToBytes } from "../crypto/index";
import { EMPTY_CODE_HASH, EMPTY_TRIE_ROOT, stateRoot } from "../trie/index";
import { keccak256 } from "../crypto/index";
import { devAccounts } from "./dev-accounts";
import { EMPTY_OMMERS_HASH, headerHash } from "./header";
import type { Header } from "./types";
import { BLOOM_BYTES } from "./bloom";

/** A geth genesis.json, the fields this node reads. */
export interface GethGenesis {
  config: Record<string, unknown> & { chainId: number };
  alloc: Record<string, { balance?: string; nonce?: string; code?: string; storage?: Record<string, string> }>;
  gasLimit?: string;
  baseFeePerGas?: string;
  timestamp?: string;
  extraData?: string;
  coinbase?: string;
  mixHash?: string;
  difficulty?: string;
  nonce?: string;
}

export class GenesisError extends Error {
  override name = "GenesisError";
}

export interface GenesisAccount {
  address: Uint8Array;
  nonce: bigint;
  balance: bigint;
  code: Uint8Array;
  storage: [Uint8Array, Uint8Array][];
}

export interface Genesis {
  json: GethGenesis;
  common: Common;
  chainId: bigint;
  accounts: GenesisAccount[];
  header: Header;
  hash: Uint8Array;
}

const ALL_FORKS_AT_ZERO = {
  homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0, byzantiumBlock: 0, constantinopleBlock: 0,
  petersburgBlock: 0, istanbulBlock: 0, berlinBlock: 0, londonBlock: 0, mergeNetsplitBlock: 0,
  terminalTotalDifficulty: 0, terminalTotalDifficultyPassed: true, shanghaiTime: 0, cancunTime: 0,
};

/** The dev chain: chain id 31337, the mnemonic's first 10 accounts with 10,000 ETH each. */
export function devGenesis(blockGasLimit: bigint): GethGenesis {
  const alloc: GethGenesis["alloc"] = {};
  for (const a of devAccounts(10)) alloc[bytesToHex(a.address)] = { balance: "0x" + (10n ** 22n).toString(16) };
  return {
    config: { chainId: 31337, ...ALL_FORKS_AT_ZERO },
    alloc,
    gasLimit: "0x" + blockGasLimit.toString(16),
    baseFeePerGas: "0x3b9aca00",
    timestamp: "0x0",
    extraData: "0x",
    difficulty: "0x0",
    nonce: "0x0",
    mixHash: "0x" + "00".repeat(32),
    coinbase: "0x" + "00".repeat(20),
  };
}

const word = (s: string) => hexToBytes(BigInt(s).toString(16).padStart(64, "0"));

export function loadGenesis(json: GethGenesis): Genesis {
  if (!json?.config || typeof json.config.chainId !== "number") throw new GenesisError("genesis.json: config.chainId is missing");
  if (json.config.cancunTime === undefined)
    throw new GenesisError("genesis.json: config.cancunTime is missing; this sequencer executes Cancun rules only");
  let common: Common;
  try {
    // ethereumjs insists on these fields even though post-merge chains leave them zero.
    const full = { difficulty: "0x0", nonce: "0x0", extraData: "0x", ...json };
    common = createCommonFromGethGenesis(full as any, { chain: "bunseq", params: paramsBlock });
  } catch (err) {
    throw new GenesisError(`genesis.json: ${(err as Error).message}`);
  }
  common.setHardforkBy({ blockNumber: 0n, timestamp: BigInt(json.timestamp ?? "0x0") });
  if (common.hardfork() !== "cancun")
    throw new GenesisError(`genesis.json: the chain starts at hardfork ${common.hardfork()}; this sequencer needs Cancun from genesis`);
  const accounts: GenesisAccount[] = Object.entries(json.alloc ?? {}).map(([addr, a]) => ({
    address: hexToBytes(addr.startsWith("0x") ? addr : "0x" + addr),
    nonce: BigInt(a.nonce ?? "0x0"),
    balance: BigInt(a.balance ?? "0x0"),
    code: a.code && a.code !== "0x" ? hexToBytes(a.code) : new Uint8Array(0),
    storage: Object.entries(a.storage ?? {}).map(([k, v]) => [word(k), word(v)] as [Uint8Array, Uint8Array]),
  }));
  for (const a of accounts) if (a.address.length !== 20) throw new GenesisError(`genesis.json: bad alloc address ${bytesToHex(a.address)}`);
  const root = stateRoot(
    accounts.map((a) => ({ ...a, codeHash: a.code.length ? keccak256(a.code) : EMPTY_CODE_HASH })),
  );
  const header: Header = {
    parentHash: new Uint8Array(32),
    ommersHash: EMPTY_OMMERS_HASH,
    coinbase: json.coinbase ? hexToBytes(json.coinbase) : new Uint8Array(20),
    stateRoot: root,
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: new Uint8Array(BLOOM_BYTES),
    difficulty: BigInt(json.difficulty ?? "0x0"),
    number: 0n,
    gasLimit: BigInt(json.gasLimit ?? "0x1c9c380"),
    gasUsed: 0n,
    timestamp: BigInt(json.timestamp ?? "0x0"),
    extraData: json.extraData && json.extraData !== "0x" ? hexToBytes(json.extraData) : new Uint8Array(0),
    prevRandao: json.mixHash ? hexToBytes(json.mixHash) : new Uint8Array(32),
    nonce: new Uint8Array(8),
    baseFeePerGas: BigInt(json.baseFeePerGas ?? "0x3b9aca00"),
    withdrawalsRoot: EMPTY_TRIE_ROOT,
    blobGasUsed: 0n,
    excessBlobGas: 0n,
    parentBeaconBlockRoot: new Uint8Array(32),
  };
  return { json, common, chainId: BigInt(json.config.chainId), accounts, header, hash: headerHash(header) };
}
