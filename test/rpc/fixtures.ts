// Signed transactions and logs for the fake chain, made with viem so the server is checked
// against what a real client signs.
import { encodeAbiParameters, encodeEventTopics, parseAbi, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { IncludedTx, Log } from "../../src/chain/types";
import { hexToBytes } from "../../src/crypto";
import { FAKE_CHAIN_ID, includedTxFromRaw } from "./fake-node";

export const ALICE = privateKeyToAccount("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
export const BOB = privateKeyToAccount("0x6c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362319");
export const TOKEN = "0x00000000000000000000000000000000000070c0" as const;
export const OTHER_CONTRACT = "0x0000000000000000000000000000000000000bad" as const;

export const ERC20_ABI = parseAbi([
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "event Approval(address indexed owner, address indexed spender, uint256 value)",
  "function balanceOf(address) view returns (uint256)",
]);

/** A signed EIP-1559 transfer from `account`, as raw hex. */
export async function signedTransfer(
  account: typeof ALICE,
  nonce: number,
  opts: { to?: Hex; value?: bigint; type?: "eip1559" | "legacy" | "eip2930"; chainId?: number } = {},
): Promise<Hex> {
  const base = {
    chainId: opts.chainId ?? Number(FAKE_CHAIN_ID),
    nonce,
    to: opts.to ?? BOB.address,
    value: opts.value ?? 1000n,
    gas: 21_000n,
  };
  if (opts.type === "legacy") return account.signTransaction({ ...base, type: "legacy", gasPrice: 2_000_000_000n });
  if (opts.type === "eip2930") {
    return account.signTransaction({
      ...base,
      type: "eip2930",
      gasPrice: 2_000_000_000n,
      accessList: [{ address: TOKEN, storageKeys: [`0x${"11".repeat(32)}`] }],
    });
  }
  return account.signTransaction({ ...base, type: "eip1559", maxFeePerGas: 3_000_000_000n, maxPriorityFeePerGas: 500_000_000n });
}

/** The same, decoded into what a block holds. */
export async function includedTransfer(...args: Parameters<typeof signedTransfer>): Promise<IncludedTx> {
  return includedTxFromRaw(hexToBytes(await signedTransfer(...args)));
}

/** An ERC-20 Transfer log from `address`. */
export function transferLog(from: Hex, to: Hex, value: bigint, address: Hex = TOKEN): Log {
  const topics = encodeEventTopics({ abi: ERC20_ABI, eventName: "Transfer", args: { from, to } }) as Hex[];
  return {
    address: hexToBytes(address),
    topics: topics.map((t) => hexToBytes(t)),
    data: hexToBytes(encodeAbiParameters([{ type: "uint256" }], [value])),
  };
}

/** An ERC-20 Approval log from `address`. */
export function approvalLog(owner: Hex, spender: Hex, value: bigint, address: Hex = TOKEN): Log {
  const topics = encodeEventTopics({ abi: ERC20_ABI, eventName: "Approval", args: { owner, spender } }) as Hex[];
  return {
    address: hexToBytes(address),
    topics: topics.map((t) => hexToBytes(t)),
    data: hexToBytes(encodeAbiParameters([{ type: "uint256" }], [value])),
  };
}
