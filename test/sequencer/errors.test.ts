// Every transaction rejection a geth client expects, over real JSON-RPC, with geth's code (-32000)
// and message prefix; then the node keeps serving.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import {
  concat,
  keccak256,
  toRlp,
  parseEther,
  parseGwei,
  parseTransaction,
  serializeTransaction,
  toHex,
  type Hex,
  type TransactionSerializableEIP1559,
} from "viem";
import { generatePrivateKey, privateKeyToAccount, sign as signHash, type PrivateKeyAccount } from "viem/accounts";
import { CHAIN_ID, DEV_KEYS, startDev, until, type Dev } from "./helpers";

let dev: Dev;
const acct = DEV_KEYS.map((k) => privateKeyToAccount(k));
const GAS_LIMIT = 1_000_000_000n; // the dev chain's block gas limit (startDev's default)

beforeAll(async () => {
  dev = await startDev();
});

afterAll(async () => {
  await dev?.stop();
});

async function nonceOf(a: PrivateKeyAccount): Promise<number> {
  return Number(await dev.call("eth_getTransactionCount", [a.address, "pending"]));
}

async function baseFee(): Promise<bigint> {
  return BigInt((await dev.call("eth_getBlockByNumber", ["pending", false])).baseFeePerGas);
}

type TxFields = Partial<TransactionSerializableEIP1559> & { nonce: number };

function sign(a: PrivateKeyAccount, tx: TxFields): Promise<Hex> {
  return a.signTransaction({
    type: "eip1559",
    chainId: CHAIN_ID,
    to: acct[9]!.address,
    value: 1n,
    gas: 21000n,
    maxFeePerGas: parseGwei("10"),
    maxPriorityFeePerGas: parseGwei("1"),
    ...tx,
  } as TransactionSerializableEIP1559);
}

/** Sends `raw` and returns the JSON-RPC error (failing if there is none). */
async function rejection(raw: Hex, method = "eth_sendRawTransaction"): Promise<{ code: number; message: string; data?: unknown }> {
  const res = await dev.rpc(method, [raw]);
  if (!res.error) throw new Error(`${method} accepted the transaction: ${JSON.stringify(res.result)}`);
  return res.error;
}

function expectGeth(err: { code: number; message: string }, prefix: string): void {
  expect(err.code).toBe(-32000);
  expect(err.message.startsWith(prefix)).toBe(true);
  if (!err.message.startsWith(prefix)) console.error(`got: ${err.message}`);
}

describe("geth transaction errors over JSON-RPC", () => {
  test("a valid transaction is accepted first (control)", async () => {
    const raw = await sign(acct[0]!, { nonce: 0 });
    const r = await dev.call("eth_sendRawTransactionSync", [raw]);
    expect(r.status).toBe("0x1");
    expect(r.transactionHash).toBe(keccak256(raw));
  });

  test("nonce too low", async () => {
    const err = await rejection(await sign(acct[0]!, { nonce: 0, value: 2n }));
    expectGeth(err, "nonce too low");
    expect(err.message).toBe("nonce too low: next nonce 1, tx nonce 0");
    // The same transaction that was already included: also nonce too low.
    expectGeth(await rejection(await sign(acct[0]!, { nonce: 0 })), "nonce too low");
  });

  test("insufficient funds for gas * price + value", async () => {
    // An account with no balance at all.
    const poor = privateKeyToAccount(generatePrivateKey());
    const err = await rejection(await sign(poor, { nonce: 0, value: 0n }));
    expectGeth(err, "insufficient funds for gas * price + value");
    // A funded account sending more than it has.
    const err2 = await rejection(await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), value: parseEther("10001") }));
    expectGeth(err2, "insufficient funds for gas * price + value");
    // Balance is exactly value + gas * maxFee: accepted; one wei more: refused.
    const exact = privateKeyToAccount(generatePrivateKey());
    const fee = parseGwei("10");
    await dev.call("eth_sendRawTransactionSync", [await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), to: exact.address, value: 21000n * fee + 5n })]);
    expectGeth(await rejection(await sign(exact, { nonce: 0, value: 6n, maxFeePerGas: fee })), "insufficient funds for gas * price + value");
    const ok = await dev.call("eth_sendRawTransactionSync", [await sign(exact, { nonce: 0, value: 5n, maxFeePerGas: fee })]);
    expect(ok.status).toBe("0x1");
  });

  test("intrinsic gas too low", async () => {
    const err = await rejection(await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), gas: 20_999n }));
    expectGeth(err, "intrinsic gas too low");
    // Calldata counts: 21000 is too little with 10 non-zero bytes (16 gas each).
    const err2 = await rejection(await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), gas: 21_159n, data: "0x01020304050607080910" }));
    expectGeth(err2, "intrinsic gas too low");
    expect(err2.message).toContain("21160");
    // Contract creation: 53000 + initcode words.
    expectGeth(await rejection(await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), to: undefined, gas: 52_999n, value: 0n })), "intrinsic gas too low");
  });

  test("transaction underpriced: below --min-priority-fee", async () => {
    const strict = await startDev({ "min-priority-fee": 5n });
    try {
      const fee = (await baseFee()) * 2n;
      const low = await sign(acct[2]!, { nonce: 0, maxPriorityFeePerGas: 4n, maxFeePerGas: fee });
      const r = await strict.rpc("eth_sendRawTransaction", [low]);
      expect(r.error.code).toBe(-32000);
      expect(r.error.message.startsWith("transaction underpriced")).toBe(true);
      const ok = await strict.call("eth_sendRawTransactionSync", [await sign(acct[2]!, { nonce: 0, maxPriorityFeePerGas: 5n, maxFeePerGas: fee })]);
      expect(ok.status).toBe("0x1");
    } finally {
      await strict.stop();
    }
    // Without the flag there is no floor: a zero tip is accepted.
    const r = await dev.call("eth_sendRawTransactionSync", [
      await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), maxPriorityFeePerGas: 0n, maxFeePerGas: (await baseFee()) * 2n }),
    ]);
    expect(r.status).toBe("0x1");
  });

  test("replacement transaction underpriced, already known", async () => {
    const a = acct[2]!;
    const next = await nonceOf(a);
    // A gapped nonce stays in the pool, so it can be replaced (or re-sent).
    const gapped = next + 5;
    const first = await sign(a, { nonce: gapped, value: 1n });
    expect(await dev.call("eth_sendRawTransaction", [first])).toBe(keccak256(first));
    // Same nonce, same fees, different value: no bump.
    expectGeth(await rejection(await sign(a, { nonce: gapped, value: 2n })), "replacement transaction underpriced");
    // A 5% bump is below geth's 10%.
    expectGeth(
      await rejection(await sign(a, { nonce: gapped, value: 3n, maxFeePerGas: parseGwei("10.5"), maxPriorityFeePerGas: parseGwei("1.05") })),
      "replacement transaction underpriced",
    );
    // The exact same bytes again.
    const known = await rejection(first);
    expectGeth(known, "already known");
    expect(known.message).toBe("already known");
    // A 10% bump on both caps replaces it.
    const bumped = await sign(a, { nonce: gapped, value: 4n, maxFeePerGas: parseGwei("11"), maxPriorityFeePerGas: parseGwei("1.1") });
    expect(await dev.call("eth_sendRawTransaction", [bumped])).toBe(keccak256(bumped));
    expectGeth(await rejection(bumped), "already known");
    // A pending (executable) transaction, sent twice in one batch: the second is already known.
    const pending = await sign(acct[3]!, { nonce: await nonceOf(acct[3]!) });
    const batch = [1, 2].map((id) => ({ jsonrpc: "2.0", id, method: "eth_sendRawTransaction", params: [pending] }));
    const res = <any[]>await (await fetch(dev.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch) })).json();
    const byId = (id: number) => res.find((r) => r.id === id);
    expect(byId(1).result).toBe(keccak256(pending));
    expectGeth(byId(2).error, "already known");
  });

  test("exceeds block gas limit", async () => {
    const err = await rejection(await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), gas: GAS_LIMIT + 1n }));
    expectGeth(err, "exceeds block gas limit");
    // Exactly the block gas limit is admissible (it fits an empty block).
    expect(BigInt((await dev.call("eth_getBlockByNumber", ["latest", false])).gasLimit)).toBe(GAS_LIMIT);
  });

  test("invalid sender: a corrupted signature that still decodes", async () => {
    const raw = await sign(acct[1]!, { nonce: await nonceOf(acct[1]!) });
    const tx = parseTransaction(raw) as TransactionSerializableEIP1559 & { r: Hex; s: Hex; yParity: number };
    // Pick an r in [1, n-1] that is not the x-coordinate of any curve point: the signature is
    // well-formed (decodes, low s) but no public key recovers from it.
    let r = BigInt(tx.r);
    for (;;) {
      r = (r + 1n) % secp256k1.Point.CURVE().n;
      try {
        secp256k1.Point.fromHex(`02${r.toString(16).padStart(64, "0")}`);
      } catch {
        break;
      }
    }
    const corrupted = serializeTransaction(
      { ...tx, type: "eip1559" },
      { r: toHex(r, { size: 32 }), s: tx.s, yParity: tx.yParity },
    );
    const err = await rejection(corrupted);
    expectGeth(err, "invalid sender");
  });

  test("max fee per gas less than block base fee", async () => {
    const base = await baseFee();
    expect(base).toBeGreaterThan(1n);
    const err = await rejection(await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), maxFeePerGas: base / 2n, maxPriorityFeePerGas: 0n }));
    expectGeth(err, "max fee per gas less than block base fee");
    expect(err.message).toContain(acct[1]!.address); // geth names the sender (checksummed)
  });

  test("max priority fee per gas higher than max fee per gas", async () => {
    // viem refuses to sign such a transaction, so build and sign the EIP-1559 envelope by hand.
    const a = acct[1]!;
    const fields = [toHex(CHAIN_ID), toHex(await nonceOf(a)), toHex(parseGwei("3")), toHex(parseGwei("2")), toHex(21000), acct[9]!.address, toHex(1), "0x", []];
    const strip = (f: any) => (f === "0x0" ? "0x" : typeof f === "string" && f.length % 2 ? `0x0${f.slice(2)}` : f);
    const unsigned = concat(["0x02", toRlp(fields.map(strip) as any)]);
    const sig = await signHash({ hash: keccak256(unsigned), privateKey: DEV_KEYS[1]! });
    const raw = concat(["0x02", toRlp([...fields, toHex(sig.yParity!), sig.r, sig.s].map(strip) as any)]);
    const err = await rejection(raw);
    expect(err.code).toBe(-32000);
    expectGeth(err, "max priority fee per gas higher than max fee per gas");
    expect(err.message).toContain("maxPriorityFeePerGas");
    expect(err.message).toContain("3000000000");
    expect(err.message).toContain("2000000000");
  });

  test("chain id mismatch: a transaction signed for chain 1", async () => {
    const err = await rejection(await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), chainId: 1 }));
    expectGeth(err, "invalid chain id for signer");
    expect(err.message).toContain("have 1 want 31337");
  });

  test("oversized transaction (> 128 KiB)", async () => {
    const data = toHex(new Uint8Array(129 * 1024).fill(1));
    const err = await rejection(await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), data, gas: 5_000_000n }));
    expectGeth(err, "oversized data");
    // Just under the limit is accepted (128 KiB minus room for the envelope).
    const fits = toHex(new Uint8Array(127 * 1024).fill(1));
    const r = await dev.call("eth_sendRawTransactionSync", [await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), data: fits, gas: 5_000_000n })]);
    expect(r.status).toBe("0x1");
  });

  test("garbage raw bytes", async () => {
    for (const raw of ["0xdeadbeef", "0x02c0", "0xf8", "0x" + "ff".repeat(100)] as Hex[]) {
      const res = await dev.rpc("eth_sendRawTransaction", [raw]);
      expect(res.result).toBeUndefined();
      // geth answers undecodable input with -32000 and the decoder's text.
      expect(res.error.code).toBe(-32000);
      expect(typeof res.error.message).toBe("string");
      expect(res.error.message.length).toBeGreaterThan(0);
    }
    // Not hex at all, and empty: invalid params.
    expect((await dev.rpc("eth_sendRawTransaction", ["hello"])).error.code).toBe(-32602);
    expect((await dev.rpc("eth_sendRawTransaction", ["0x"])).error.code).toBe(-32602);
    expect((await dev.rpc("eth_sendRawTransaction", [])).error.code).toBe(-32602);
  });

  test("eth_sendRawTransactionSync reports the same rejections at once", async () => {
    const t0 = performance.now();
    expectGeth(await rejection(await sign(acct[0]!, { nonce: 0 }), "eth_sendRawTransactionSync"), "nonce too low");
    expectGeth(await rejection(await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), chainId: 1 }), "eth_sendRawTransactionSync"), "invalid chain id for signer");
    expectGeth(await rejection(await sign(acct[1]!, { nonce: await nonceOf(acct[1]!), gas: 1n }), "eth_sendRawTransactionSync"), "intrinsic gas too low");
    expect(performance.now() - t0).toBeLessThan(1000); // no waiting for the 2 s receipt timeout
  });

  test("after all that the node still serves: blocks advance, transactions land", async () => {
    const n0 = BigInt(await dev.call("eth_blockNumber"));
    await until("a new block", async () => BigInt(await dev.call("eth_blockNumber")) > n0 + 1n, 3000);
    for (const i of [0, 1, 3]) {
      const a = acct[i]!;
      const nonce = Number(await dev.call("eth_getTransactionCount", [a.address, "latest"]));
      const r = await dev.call("eth_sendRawTransactionSync", [await sign(a, { nonce, value: 7n })]);
      expect(r.status).toBe("0x1");
      expect(Number(await dev.call("eth_getTransactionCount", [a.address, "latest"]))).toBe(nonce + 1);
    }
    expect(await dev.call("eth_chainId")).toBe("0x7a69");
    // The gapped transaction of account 2 is still queued, not executed.
    const a2 = acct[2]!;
    expect(await dev.call("eth_getTransactionCount", [a2.address, "pending"])).toBe(await dev.call("eth_getTransactionCount", [a2.address, "latest"]));
  });
});
