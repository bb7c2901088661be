// Followers in-process over a real chain: a sequencer produces blocks (transfers, an ERC-20,
// reverts), its mini-block log is framed exactly as the stream frames it, and a replica (diffs)
// and a full node (re-execution) apply it from an empty datadir to the sequencer's state root.
// Tampered frames, with their hash chain intact (a lying or buggy sequencer), stop them loudly.
import { ParallelExecutor, type BatchExecutor } from "../../src/parallel/index";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWalletClient, encodeFunctionData, http, parseEther, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { erc20 } from "../../bench/workloads/contracts";
import { logsBloom } from "../../src/chain/bloom";
import { decodeLogEntry, encodeBodyEntry, encodeMiniBlock, encodeReceipt } from "../../src/chain/codec";
import { bigintToMinimalBytes } from "../../src/rlp/index";
import { bytesToBigIntFast, decodeEntryRows } from "../../src/stream/entry";
import { decodeHeader } from "../../src/chain/header";
import { bytesToHex } from "../../src/crypto/index";
import { EvmCore } from "../../src/exec/core";
import { ExecutingVerifier } from "../../src/fullnode/verifier";
import { createLogger } from "../../src/log/logger";
import { Follower } from "../../src/replica/follower";
import { Forwarder } from "../../src/replica/forward";
import { FollowerNode } from "../../src/replica/node";
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

async function follower(kind: "replica" | "fullnode", executor?: BatchExecutor) {
  const dir = mkdtempSync(join(tmpdir(), `bunseq-${kind}-`));
  dirs.push(dir);
  const opened = ReplicaStore.open(dir);
  if (opened instanceof ReplicaStore) throw new Error("fresh datadir expected");
  const store = await ReplicaStore.init(opened.uninitialised, dev.running.genesis, quiet);
  const verifier = kind === "fullnode" ? new ExecutingVerifier(core, store.db, store.genesis.common, createSenderRecovery(), executor) : null;
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

const seqStoreReceipts = (n: bigint) => dev.running.sequencer.store.receipts(n).map((r) => r.transactionHash);

describe("followers over a recorded chain", () => {
  test("the lean entry reader agrees with the codec on every entry", () => {
    for (const fr of frames) {
      const full = decodeLogEntry(fr.entry, txFromBody, logsBloom);
      const lean = decodeEntryRows(fr.entry);
      expect(lean.kind).toBe(full.kind);
      expect(lean.seq).toBe(full.kind === "seal" ? full.seq : full.mini.seq);
      if (full.kind === "seal" || lean.kind === "seal") {
        expect(bytesToHex((lean as { header: Uint8Array }).header)).toBe(bytesToHex((full as { header: Uint8Array }).header));
        continue;
      }
      expect([lean.blockNumber, lean.index, lean.timestamp]).toEqual([full.mini.blockNumber, full.mini.index, full.mini.timestamp]);
      expect(lean.txs.map(([from, raw]) => bytesToHex(from) + bytesToHex(raw))).toEqual(full.mini.transactions.map((t) => bytesToHex(t.from) + bytesToHex(t.raw)));
      // Each receipt's bytes are exactly what the store keeps for it.
      expect(lean.receipts.map(bytesToHex)).toEqual(full.mini.receipts.map((r) => bytesToHex(encodeReceipt(r))));
      expect(lean.txHashes.map(bytesToHex)).toEqual(full.mini.receipts.map((r) => bytesToHex(r.transactionHash)));
      expect(lean.lastCumulativeGas).toBe(full.mini.receipts.at(-1)?.cumulativeGasUsed ?? 0n);
      const norm = (cs: typeof full.changes) => cs.map((c) => ({ ...c, address: bytesToHex(c.address), codeHash: bytesToHex(c.codeHash), code: c.code && bytesToHex(c.code), storage: c.storage.map(([k, v]) => [bytesToHex(k), bytesToHex(v)]) }));
      expect(norm(lean.changes)).toEqual(norm(full.changes));
    }
  });

  test("bytesToBigIntFast", () => {
    for (const v of [0n, 1n, 255n, 256n, 2n ** 48n - 1n, 2n ** 48n, 2n ** 53n + 7n, 10n ** 22n, 2n ** 256n - 1n, 0x0102030405060708090a0b0c0dn])
      expect(bytesToBigIntFast(bigintToMinimalBytes(v))).toBe(v);
  });

  test("a replica applies the diffs from an empty datadir and ends at the sequencer's state root", async () => {
    expect(frames.length).toBeGreaterThan(8);
    const f = await follower("replica");
    await applyAll(f, frames);
    const head = f.store.head();
    expect(bytesToHex(head.header.stateRoot)).toBe(finalRoot);
    expect(bytesToHex(f.store.db.stateRoot)).toBe(finalRoot);
    expect(f.store.streamHead.seq).toBe(frames.at(-1)!.seq);
    expect(f.counters.txs).toBe(41);
    // Its blocks, bodies, receipts and transaction index are the sequencer's, byte for byte; bodies
    // and receipts read back from its log entries (it keeps no rows of its own for them).
    const seqChain = (dev.running.sequencer.store as unknown as { store: { chain: ChainDb } }).store.chain;
    const hexList = (l: Uint8Array[] | undefined) => (l ?? []).map(bytesToHex);
    for (let n = 0n; n <= head.header.number; n++) {
      expect(bytesToHex(f.store.chain.getHeader(n)!)).toBe(bytesToHex(seqChain.getHeader(n)!));
      if (n > 0n) expect(f.store.chain.getBody(n)).toBeUndefined();
      expect(hexList(f.store.blockByNumber(n)!.transactions.map((t) => encodeBodyEntry(t.from, t.raw)))).toEqual(hexList(seqChain.getBody(n)));
      expect(hexList(f.store.receipts(n).map(encodeReceipt))).toEqual(hexList(seqChain.getReceipts(n)));
      for (const r of seqStoreReceipts(n)) expect(f.store.txLocation(r)).toEqual(seqChain.getTxLocation(r)!);
    }
    for (const fr of frames) expect(bytesToHex(f.store.chain.getMiniBlock(fr.seq)!)).toBe(bytesToHex(fr.entry));
  });

  test("catching up (more frames coming), a replica commits up to each batch's last seal and holds the rest", async () => {
    const f = await follower("replica");
    const isSeal = (k: number) => decodeLogEntry(frames[k]!.entry, txFromBody, logsBloom).kind === "seal";
    // Batches that each end with a mini-block, the last one excepted.
    let from = 0;
    let lastSeal = -1n;
    for (let k = 0; k < frames.length; k++) {
      if (isSeal(k)) lastSeal = frames[k]!.seq;
      const more = k < frames.length - 1;
      if (more && isSeal(k)) continue;
      await f.apply(frames.slice(from, k + 1), more);
      from = k + 1;
      // Resumes after everything received, held frames included; committed up to the last seal.
      expect(f.position().from).toBe(frames[k]!.seq + 1n);
      if (more) expect(f.store.streamHead.seq).toBe(lastSeal);
    }
    await f.settled();
    expect(f.store.streamHead.seq).toBe(frames.at(-1)!.seq);
    expect(bytesToHex(f.store.db.stateRoot)).toBe(finalRoot);
    expect(f.counters.txs).toBe(41);
  });

  test("the open block reads like the sequencer's: pending transactions and receipts, then sealed", async () => {
    const f = await follower("replica");
    const node = new FollowerNode(f, new Forwarder(async () => null, createSenderRecovery(), () => 0n), "test");
    const i = frames.findIndex((fr, k) => decodeLogEntry(fr.entry, txFromBody, logsBloom).kind === "mini" && decodeLogEntry(frames[k + 1]!.entry, txFromBody, logsBloom).kind === "seal");
    await applyAll(f, frames.slice(0, i + 1));
    const mini = decodeLogEntry(frames[i]!.entry, txFromBody, logsBloom) as ReturnType<typeof decodeLogEntry> & { kind: "mini" };
    const sealed = dev.running.node;
    for (const tx of mini.mini.transactions) {
      const pending = node.getTransactionByHash(tx.hash)!;
      const final = sealed.getTransactionByHash(tx.hash)!;
      expect(pending.blockHash).toEqual(new Uint8Array(32));
      expect(pending.blockNumber).toBe(final.blockNumber);
      expect(pending.index).toBe(final.index);
      for (const k of ["nonce", "value", "gasLimit", "maxFeePerGas", "type", "v", "r", "s"] as const) expect(pending.tx[k]).toBe(final.tx[k]);
      expect(bytesToHex(pending.tx.from)).toBe(bytesToHex(final.tx.from));
      expect(node.getTransactionReceipt(tx.hash)!.cumulativeGasUsed).toBe(sealed.getTransactionReceipt(tx.hash)!.cumulativeGasUsed);
    }
    expect(node.getBlock("pending")!.transactions.length).toBeGreaterThanOrEqual(mini.mini.transactions.length);
    await applyAll(f, frames.slice(i + 1, i + 2));
    const tx = mini.mini.transactions[0]!;
    expect(bytesToHex(node.getTransactionByHash(tx.hash)!.blockHash!)).toBe(bytesToHex(sealed.getTransactionByHash(tx.hash)!.blockHash!));
  });

  test("a full node re-executes every block and ends at the same root", async () => {
    const f = await follower("fullnode");
    await applyAll(f, frames, 3);
    expect(bytesToHex(f.store.head().header.stateRoot)).toBe(finalRoot);
    expect(bytesToHex(f.store.db.stateRoot)).toBe(finalRoot);
  });

  test("a full node re-executing with 2 Block-STM threads ends at the same root", async () => {
    const parallel = await ParallelExecutor.create({ workers: 2, core, minParallelBatch: 1, minSenderParallelism: 0, adaptive: false });
    const modes = new Set<string>();
    const watched: BatchExecutor = {
      execute: (env, txs, state) => parallel.execute(env, txs, state),
      executeSync(env, txs, state) {
        const r = parallel.executeSync(env, txs, state);
        modes.add(parallel.lastStats!.mode);
        return r;
      },
      close: () => parallel.close(),
    };
    try {
      const f = await follower("fullnode", watched);
      await applyAll(f, frames, 3);
      expect(bytesToHex(f.store.head().header.stateRoot)).toBe(finalRoot);
      expect(modes.has("parallel")).toBe(true);
    } finally {
      await parallel.close();
    }
  }, 30_000);

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
