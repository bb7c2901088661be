// Followers in-process over a real chain: a sequencer produces blocks (transfers, an ERC-20,
// reverts), its mini-block log is framed exactly as the stream frames it, and a replica (diffs)
// and a full node (re-execution) apply it from an empty datadir to the sequencer's state root.
// Tampered frames, with their hash chain intact (a lying or buggy sequencer), stop them loudly.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWalletClient, encodeFunctionData, http, parseEther, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { erc20 } from "../../bench/workloads/contracts";
import { logsBloom } from "../../src/chain/bloom";
import { decodeLogEntry, encodeMiniBlock } from "../../src/chain/codec";
import { decodeHeader } from "../../src/chain/header";
import { bytesToHex } from "../../src/crypto/index";
import { EvmCore } from "../../src/exec/core";
import { ExecutingVerifier } from "../../src/fullnode/verifier";
import { createLogger } from "../../src/log/logger";
import { Follower } from "../../src/replica/follower";
import { ReplicaStore } from "../../src/replica/store";
import { txFromBody } from "../../src/sequencer/lmdb-store";
import type { ChainDb } from "../../src/state/index";
import { frameHash, type Frame } from "../../src/stream/format";
import { createSenderRecovery } from "../../src/tx/index";
import { DEV_KEYS, devChain, startDev, until, waitSealed, type Dev } from "../sequencer/helpers";

const quiet = createLogger("error", true);
let dev: Dev;
let core: EvmCore;
let frames: Frame[] = [];
let finalRoot = "";
const dirs: string[] = [];

beforeAll(async () => {
  erc20();
  dev = await startDev();
  core = await EvmCore.load("wasm");
  const chain = devChain(dev.url, dev.wsUrl);
  const accounts = DEV_KEYS.slice(0, 4).map((k) => privateKeyToAccount(k));
  const w = accounts.map((a) => createWalletClient({ account: a, chain, transport: http(dev.url) }));
  const deploy = await w[0]!.deployContract({ abi: erc20().abi, bytecode: erc20().bytecode, args: ["T", "T", 10n ** 24n], chain, account: accounts[0]! });
  const r = await until("deploy", async () => (await dev.rpc("eth_getTransactionReceipt", [deploy])).result);
  const token = r.contractAddress as Hex;
  const nonces = await Promise.all(accounts.map((a) => dev.call("eth_getTransactionCount", [a.address, "pending"]).then(Number)));
  let sends: Promise<unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    if (i % 10 === 0 && sends.length) {
      // waves, so the chain has several mini-blocks and blocks
      const hs = (await Promise.all(sends)) as Hex[];
      await until("wave included", async () => (await dev.rpc("eth_getTransactionReceipt", [hs.at(-1)])).result, 5000);
      await Bun.sleep(250);
      sends = [];
    }
    const k = i % 4;
    const a = accounts[k]!;
    const nonce = nonces[k]!++;
    if (k === 0 && i % 8 === 0)
      sends.push(w[0]!.sendTransaction({ to: token, data: encodeFunctionData({ abi: erc20().abi, functionName: "transfer", args: [accounts[1 + (i % 3)]!.address, 10n ** 18n] }), nonce, chain, account: a }));
    else if (k === 1 && i % 5 === 0)
      // reverts (no tokens), included with an explicit gas limit
      sends.push(w[1]!.sendTransaction({ to: token, data: encodeFunctionData({ abi: erc20().abi, functionName: "transfer", args: [accounts[2]!.address, 10n ** 30n] }), gas: 100_000n, nonce, chain, account: a }));
    else sends.push(w[k]!.sendTransaction({ to: accounts[(k + 1) % 4]!.address, value: parseEther("0.01"), nonce, chain, account: a, ...(i % 3 === 0 ? { type: "legacy" as const } : {}) }));
  }
  const hashes = (await Promise.all(sends)) as Hex[];
  await until("all included", async () => (await dev.rpc("eth_getTransactionReceipt", [hashes.at(-1)])).result, 5000);
  const head = BigInt(await dev.call("eth_blockNumber"));
  await waitSealed(dev.call, head + 1n);
  await dev.running.sequencer.stop(); // a stable log to read
  const log = (dev.running.sequencer.store as unknown as { store: { chain: ChainDb } }).store.chain;
  let prev = dev.running.genesis.hash;
  for (const [seq, entry] of log.miniBlocksFrom(0n)) {
    const hash = frameHash(prev, seq, entry);
    frames.push({ version: 1, seq, prevHash: prev, hash, entry });
    prev = hash;
  }
  // End at the last seal.
  while (decodeLogEntry(frames.at(-1)!.entry, txFromBody, logsBloom).kind !== "seal") frames.pop();
  const last = decodeLogEntry(frames.at(-1)!.entry, txFromBody, logsBloom);
  finalRoot = bytesToHex(decodeHeader((last as { header: Uint8Array }).header).stateRoot);
}, 60_000);

afterAll(async () => {
  await dev?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function follower(kind: "replica" | "fullnode") {
  const dir = mkdtempSync(join(tmpdir(), `bunseq-${kind}-`));
  dirs.push(dir);
  const opened = ReplicaStore.open(dir);
  if (opened instanceof ReplicaStore) throw new Error("fresh datadir expected");
  const store = await ReplicaStore.init(opened.uninitialised, dev.running.genesis, quiet);
  const verifier = kind === "fullnode" ? new ExecutingVerifier(core, store.db, store.genesis.common, createSenderRecovery()) : null;
  return new Follower(store, core, quiet, verifier);
}

async function applyAll(f: Follower, fs: Frame[], batch = 7) {
  for (let i = 0; i < fs.length; i += batch) await f.apply(fs.slice(i, i + batch));
  await f.settled();
}

/** A copy of the frames with entry `seq` rewritten by `edit` and the hash chain recomputed, as a lying sequencer would send. */
function tampered(edit: (e: ReturnType<typeof decodeLogEntry> & { kind: "mini" }) => void): { frames: Frame[]; seq: bigint } {
  // The last mini-block of a block with two or more transactions, so no later mini-block overwrites the edit before the seal.
  const kind = (k: number) => (frames[k] ? decodeLogEntry(frames[k]!.entry, txFromBody, logsBloom) : null);
  const i = frames.findIndex((_, k) => {
    const e = kind(k);
    return e?.kind === "mini" && e.mini.transactions.length > 1 && kind(k + 1)?.kind === "seal";
  });
  if (i < 0) throw new Error("no mini-block to tamper with");
  const e = decodeLogEntry(frames[i]!.entry, txFromBody, logsBloom) as ReturnType<typeof decodeLogEntry> & { kind: "mini" };
  edit(e);
  const out = frames.slice(0, i);
  let prev = frames[i]!.prevHash;
  for (let k = i; k < frames.length; k++) {
    const entry = k === i ? encodeMiniBlock(e.mini, e.changes) : frames[k]!.entry;
    const hash = frameHash(prev, frames[k]!.seq, entry);
    out.push({ ...frames[k]!, prevHash: prev, hash, entry });
    prev = hash;
  }
  return { frames: out, seq: frames[i]!.seq };
}

describe("followers over a recorded chain", () => {
  test("a replica applies the diffs from an empty datadir and ends at the sequencer's state root", async () => {
    expect(frames.length).toBeGreaterThan(8);
    const f = await follower("replica");
    await applyAll(f, frames);
    const head = f.store.head();
    expect(bytesToHex(head.header.stateRoot)).toBe(finalRoot);
    expect(bytesToHex(f.store.db.stateRoot)).toBe(finalRoot);
    expect(f.store.streamHead.seq).toBe(frames.at(-1)!.seq);
    expect(f.counters.txs).toBe(41);
    // Its blocks are the sequencer's, byte for byte.
    const seqStore = dev.running.sequencer.store;
    for (let n = 1n; n <= head.header.number; n++) {
      expect(bytesToHex(f.store.blockByNumber(n)!.hash)).toBe(bytesToHex(seqStore.blockByNumber(n)!.hash));
      expect(f.store.receipts(n).map((r) => bytesToHex(r.transactionHash))).toEqual(seqStore.receipts(n).map((r) => bytesToHex(r.transactionHash)));
    }
  });

  test("a full node re-executes every block and ends at the same root", async () => {
    const f = await follower("fullnode");
    await applyAll(f, frames, 3);
    expect(bytesToHex(f.store.head().header.stateRoot)).toBe(finalRoot);
    expect(bytesToHex(f.store.db.stateRoot)).toBe(finalRoot);
  });

  test("a replica refuses a block whose diffs do not give the header's state root", async () => {
    const { frames: bad, seq } = tampered((e) => (e.changes.at(-1)!.balance += 1n));
    const f = await follower("replica");
    const err = await applyAll(f, bad).catch((e) => e);
    expect(err?.name).toBe("StreamFatalError");
    expect(err.message).toContain("STATE ROOT MISMATCH at seq");
    expect(err.message).toContain("refusing to continue");
    expect(f.store.streamHead.seq).toBeLessThan(seq + 50n);
  });

  test("a full node names the first difference: a state diff, a receipt", async () => {
    const diff = tampered((e) => (e.changes.at(-1)!.balance += 1n));
    let f = await follower("fullnode");
    let err = await applyAll(f, diff.frames).catch((e) => e);
    expect(err?.name).toBe("DivergenceError");
    expect(err.message).toMatch(new RegExp(`DIVERGENCE at seq ${diff.seq} \\(block \\d+\\): state diff differs: account 0x[0-9a-f]{40} balance \\d+ here, \\d+ in the stream`));

    const receipt = tampered((e) => (e.mini.receipts[1]!.gasUsed += 1n));
    f = await follower("fullnode");
    err = await applyAll(f, receipt.frames).catch((e) => e);
    expect(err?.name).toBe("DivergenceError");
    expect(err.message).toContain(`DIVERGENCE at seq ${receipt.seq}`);
    expect(err.message).toMatch(/receipt gasUsed: \d+ here, \d+ in the stream/);
  });
});
