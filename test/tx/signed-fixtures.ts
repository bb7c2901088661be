// Builds signed transactions with viem and ethers v6 from random keys, and
// records what each signer put in, so decoding can be checked field by field
// against independent implementations.
import { Transaction, Wallet } from "ethers";
import { keccak256 as viemKeccak, serializeTransaction, type TransactionSerializable } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { bytesToHex } from "../../src/crypto";
import type { TxType } from "../../src/tx";

export interface ExpectedTx {
  type: TxType;
  chainId: bigint | null;
  nonce: bigint;
  gasPrice: bigint | null;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  gasLimit: bigint;
  to: string | null;
  value: bigint;
  data: string;
  accessList: { address: string; storageKeys: string[] }[];
}

export interface SignedFixture {
  label: string;
  raw: string;
  /** Transaction hash as the signing library computes it. */
  hash: string;
  /** Digest that was signed, as the signing library computes it. */
  signingHash: string;
  sender: string;
  expected: ExpectedTx;
}

export type Kind = "legacy-155" | "legacy-pre155" | "eip2930" | "eip1559";

/** Random-number source for the fixture values; seeded so a failure can be replayed. */
export class Prng {
  #state: bigint;
  constructor(seed: bigint) {
    this.#state = seed & ((1n << 64n) - 1n) || 1n;
  }
  /** xorshift64*: plenty for test data. */
  next64(): bigint {
    let x = this.#state;
    x ^= x >> 12n;
    x ^= (x << 25n) & ((1n << 64n) - 1n);
    x ^= x >> 27n;
    this.#state = x;
    return (x * 0x2545f4914f6cdd1dn) & ((1n << 64n) - 1n);
  }
  int(maxExclusive: number): number {
    return Number(this.next64() % BigInt(maxExclusive));
  }
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = Number(this.next64() & 0xffn);
    return out;
  }
  hex(length: number): `0x${string}` {
    return bytesToHex(this.bytes(length)) as `0x${string}`;
  }
  /** A value of random bit width up to `bits`, so small and large magnitudes both appear. */
  uint(bits: number): bigint {
    const width = this.int(bits + 1);
    let n = 0n;
    for (let i = 0; i < width; i += 64) n = (n << 64n) | this.next64();
    return width === 0 ? 0n : n & ((1n << BigInt(width)) - 1n);
  }
  privateKey(): `0x${string}` {
    // Any 32 random bytes below n; the chance of hitting 0 or ≥ n is ~2^-128.
    return this.hex(32);
  }
}

export interface FixtureShape {
  kind: Kind;
  chainId: number | null;
  withTo: boolean;
  withData: boolean;
  withAccessList: boolean;
}

/** Every combination the suite signs: types × chain ids × to/no-to × data × access list. */
export function fixtureShapes(): FixtureShape[] {
  const shapes: FixtureShape[] = [];
  for (const kind of ["legacy-155", "legacy-pre155", "eip2930", "eip1559"] as Kind[]) {
    const chains = kind === "legacy-pre155" ? [null] : [1, 31337];
    const lists = kind === "eip2930" || kind === "eip1559" ? [false, true] : [false];
    for (const chainId of chains)
      for (const withTo of [true, false])
        for (const withData of [false, true])
          for (const withAccessList of lists) shapes.push({ kind, chainId, withTo, withData, withAccessList });
  }
  return shapes;
}

function randomExpected(shape: FixtureShape, rng: Prng): ExpectedTx {
  const type: TxType = shape.kind === "eip2930" ? 1 : shape.kind === "eip1559" ? 2 : 0;
  const fee = rng.uint(64);
  const tip = type === 2 ? fee / BigInt(1 + rng.int(4)) : fee;
  const accessList = shape.withAccessList
    ? Array.from({ length: 1 + rng.int(3) }, () => ({
        address: rng.hex(20),
        storageKeys: Array.from({ length: rng.int(3) }, () => rng.hex(32)),
      }))
    : [];
  return {
    type,
    chainId: shape.chainId === null ? null : BigInt(shape.chainId),
    nonce: BigInt(rng.int(2 ** 40)) * BigInt(rng.int(2)), // viem takes nonce as a JS number
    gasPrice: type === 2 ? null : fee,
    maxFeePerGas: fee,
    maxPriorityFeePerGas: tip,
    gasLimit: 21_000n + rng.uint(40),
    to: shape.withTo ? rng.hex(20) : null,
    value: rng.uint(256),
    data: shape.withData ? rng.hex(1 + rng.int(300)) : "0x",
    accessList,
  };
}

function viemRequest(e: ExpectedTx): TransactionSerializable {
  const common = {
    nonce: Number(e.nonce),
    gas: e.gasLimit,
    to: (e.to ?? undefined) as `0x${string}` | undefined,
    value: e.value,
    data: e.data as `0x${string}`,
  };
  const accessList = e.accessList as { address: `0x${string}`; storageKeys: `0x${string}`[] }[];
  if (e.type === 2) {
    return { ...common, type: "eip1559", chainId: Number(e.chainId), maxFeePerGas: e.maxFeePerGas, maxPriorityFeePerGas: e.maxPriorityFeePerGas, accessList };
  }
  if (e.type === 1) return { ...common, type: "eip2930", chainId: Number(e.chainId), gasPrice: e.gasPrice!, accessList };
  return { ...common, type: "legacy", gasPrice: e.gasPrice!, ...(e.chainId === null ? {} : { chainId: Number(e.chainId) }) };
}

/** Signs one random transaction of `shape` with viem. */
export async function signWithViem(shape: FixtureShape, rng: Prng, label: string): Promise<SignedFixture> {
  const account = privateKeyToAccount(rng.privateKey());
  const expected = randomExpected(shape, rng);
  const request = viemRequest(expected);
  const raw = await account.signTransaction(request);
  return {
    label,
    raw,
    hash: viemKeccak(raw),
    signingHash: viemKeccak(serializeTransaction(request)),
    sender: account.address.toLowerCase(),
    expected,
  };
}

/** Signs one random transaction of `shape` with ethers v6. */
export async function signWithEthers(shape: FixtureShape, rng: Prng, label: string): Promise<SignedFixture> {
  const wallet = new Wallet(rng.privateKey());
  const expected = randomExpected(shape, rng);
  const raw = await wallet.signTransaction({
    type: expected.type,
    // ethers signs a legacy transaction without EIP-155 when chainId is 0.
    chainId: expected.chainId ?? 0n,
    nonce: Number(expected.nonce),
    gasLimit: expected.gasLimit,
    to: expected.to,
    value: expected.value,
    data: expected.data,
    ...(expected.type === 2
      ? { maxFeePerGas: expected.maxFeePerGas, maxPriorityFeePerGas: expected.maxPriorityFeePerGas }
      : { gasPrice: expected.gasPrice }),
    ...(expected.type === 0 ? {} : { accessList: expected.accessList }),
  });
  const parsed = Transaction.from(raw);
  return {
    label,
    raw,
    hash: parsed.hash!,
    signingHash: parsed.unsignedHash,
    sender: wallet.address.toLowerCase(),
    expected,
  };
}

/** The whole matrix, signed by both libraries from fresh random keys. */
export async function signAllFixtures(seed: bigint): Promise<SignedFixture[]> {
  const rng = new Prng(seed);
  const out: SignedFixture[] = [];
  for (const shape of fixtureShapes()) {
    const name = `${shape.kind} chain=${shape.chainId ?? "none"} ${shape.withTo ? "to" : "create"}${shape.withData ? " data" : ""}${shape.withAccessList ? " accessList" : ""}`;
    out.push(await signWithViem(shape, rng, `viem ${name}`));
    out.push(await signWithEthers(shape, rng, `ethers ${name}`));
  }
  return out;
}
