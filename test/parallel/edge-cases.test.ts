// The parallel executor's special paths, each against the serial baseline: workers reading the
// pre-state straight from LMDB, the serial tail when a storage count cannot be known or the
// transactions form a chain, the coinbase sending and receiving inside a batch, and the
// small-batch serial fallback.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AccountChange, type BlockEnv, ExecStatus, type HostAccount, type TxInput } from "../../src/exec/abi";
import { EvmCore } from "../../src/exec/core";
import { bigintToBytes32, hexToBytes } from "../../src/crypto/index";
import { ParallelExecutor, SerialExecutor, type BatchState } from "../../src/parallel/index";
import { ChainStore, type StateDb } from "../../src/state/index";
import { MemoryState } from "../../src/statetest/memory-state";
import { addr, blockEnv, cloneMemoryState, deployContracts, distribute, E18, erc20Transfer, workload, WORKLOADS, WorldBuilder } from "./workloads";

let core: EvmCore;
let serial: SerialExecutor;
beforeAll(async () => {
  core = await EvmCore.load("wasm");
  serial = new SerialExecutor(core);
});

describe("LMDB pre-state read by the workers", () => {
  let datadir: string;
  let store: ChainStore;
  let exec: ParallelExecutor;
  afterAll(async () => {
    await exec?.close();
    await store?.close();
    if (datadir) rmSync(datadir, { recursive: true, force: true });
  });

  test("every bench workload gives serial's results and state root", async () => {
    datadir = mkdtempSync(join(tmpdir(), "bunseq-parallel-lmdb-"));
    store = ChainStore.open(datadir);
    const state = store.state;
    const env = blockEnv(addr(99, 1));
    const w = new WorldBuilder(core, env, state);
    const c = deployContracts(w, 4);
    await state.commit();
    const isCommitted = () => state.commitsInFlight === 0 && !state.hasUncomputedChanges;
    exec = await ParallelExecutor.create({ workers: 2, core, minParallelBatch: 1, minSenderParallelism: 0, adaptive: false, lmdb: { path: join(datadir, "chain"), isCommitted } });
    for (const name of WORKLOADS) {
      const txs = workload(name, w, c, 48);
      await state.commit();
      await expectParallelAsSerial(exec, env, txs, state, isCommitted);
      state.discard();
    }
  }, 120_000);

  test("workers keep LMDB rows across batches only until the state commits", async () => {
    const senders = Array.from({ length: 24 }, (_, i) => addr(40, i));
    await withLmdbChain(2, senders, async ({ state, env, w, ex, isCommitted }) => {
      // Each round reads the senders the round before changed (nonce, balance) and the
      // recipients it created: rows kept from before the commit would be stale.
      for (let round = 0; round < 3; round++) {
        const txs = senders.map((s, i) => w.tx(s, addr(41, i), new Uint8Array(0), 21_000n, { value: 1000n + BigInt(round) }));
        await expectParallelAsSerial(ex, env, txs, state, isCommitted);
        await state.commit();
      }
    });
  }, 60_000);
});

describe("LMDB rows the workers read, handed to the main thread's state", () => {
  test("a cold main thread applies the batch without reading those rows again, to serial's results", async () => {
    // Two copies of one committed chain, each opened afresh (nothing read yet): one runs the
    // batch in parallel, the other serially.
    const dir = mkdtempSync(join(tmpdir(), "bunseq-parallel-prime-"));
    const copy = mkdtempSync(join(tmpdir(), "bunseq-parallel-prime-"));
    const env = blockEnv(addr(99, 4));
    let txs: TxInput[] = [];
    {
      const chain = ChainStore.open(dir);
      const w = new WorldBuilder(core, env, chain.state);
      const c = deployContracts(w, 4);
      txs = [...workload("independent-transfers", w, c, 48), ...workload("erc20-distinct", w, c, 48)];
      await chain.state.commit();
      await chain.close();
    }
    cpSync(dir, copy, { recursive: true });
    const parallelChain = ChainStore.open(dir);
    const serialChain = ChainStore.open(copy);
    const state = parallelChain.state;
    const ex = await ParallelExecutor.create({
      workers: 2, core, minParallelBatch: 1, minSenderParallelism: 0, adaptive: false,
      lmdb: { path: join(dir, "chain"), isCommitted: () => state.commitsInFlight === 0 && !state.hasUncomputedChanges, version: () => state.commitCount },
    });
    try {
      const { accounts, storage } = parallelChain.env.dbs;
      let mainReads = 0;
      const count = <T extends object>(db: T & { getBinary(k: Uint8Array): unknown }) => {
        const getBinary = db.getBinary.bind(db);
        db.getBinary = (k: Uint8Array) => (mainReads++, getBinary(k));
      };
      count(accounts);
      count(storage);
      const got = ex.executeSync(env, txs, state);
      expect(ex.lastStats!.mode).toBe("parallel");
      expect(ex.lastStats!.preState).toBe("lmdb");
      // The batch writes 96 senders, 48 fresh recipients and 96 token slots; the main thread
      // reads the coinbase and whatever it executes itself, not those.
      expect(mainReads).toBeLessThan(24);
      expect(got).toEqual(serial.executeSync(env, txs, serialChain.state));
      expect(state.computeStateRoot()).toEqual(serialChain.state.computeStateRoot());
    } finally {
      await ex.close();
      await parallelChain.close();
      await serialChain.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("timing a batch's parts", () => {
  test("timeParts times each thread's parts, and only while it is on", async () => {
    const senders = Array.from({ length: 256 }, (_, i) => addr(44, i));
    await withLmdbChain(2, senders, async ({ state, env, w, ex, isCommitted }) => {
      const txs = senders.map((s, i) => w.tx(s, addr(45, i), new Uint8Array(0), 21_000n, { value: 1n }));
      await expectParallelAsSerial(ex, env, txs, state, isCommitted);
      expect(ex.lastStats!.parts).toBeNull();
      expect(ex.lastStats!.commitNs).toBe(0);
      ex.timeParts = true;
      // A worker that wakes late on a busy machine may find the main thread done with a batch
      // this small: batches run until one has worker time, which comes through its mailbox.
      let workerTaskNs = 0;
      for (let attempt = 0; attempt < 20 && workerTaskNs === 0; attempt++) {
        state.discard();
        const t0 = Bun.nanoseconds();
        await expectParallelAsSerial(ex, env, txs, state, isCommitted);
        const { parts, commitNs, wallNs } = ex.lastStats!;
        const untilReported = Bun.nanoseconds() - t0;
        // Each thread's parts fit in the batch.
        expect(commitNs).toBeGreaterThan(0);
        expect(parts!.mainLayoutNs).toBeGreaterThan(0);
        expect(parts!.mainLayoutNs + commitNs + parts!.mainTaskNs + parts!.mainWaitNs).toBeLessThanOrEqual(wallNs);
        // The batch returns without waiting for the workers' reports (lastStats does): a worker's
        // parts end by its report, which may be after the batch has returned.
        expect(parts!.workerTaskNs + parts!.workerWaitNs).toBeLessThanOrEqual(untilReported);
        workerTaskNs = parts!.workerTaskNs;
      }
      expect(workerTaskNs).toBeGreaterThan(0);
    });
  }, 60_000);
});

describe("LMDB pre-state with a commit still being written", () => {
  test("workers read LMDB for every account but the commit's, and results equal serial's", async () => {
    const senders = Array.from({ length: 24 }, (_, i) => addr(42, i));
    const recipients = Array.from({ length: 24 }, (_, i) => addr(43, i));
    await withLmdbChain(3, [...senders, ...recipients], async (chain) => {
      const w = chain.w;
      for (let round = 0; round < 3; round++) {
        // Half the senders pay fresh accounts; the batch reads those senders (theirs to ask the
        // main thread for) and accounts the commit does not touch (read from LMDB).
        const before = senders.slice(0, 12).map((s, i) => w.tx(s, addr(44, round * 100 + i), new Uint8Array(0), 21_000n, { value: 7n }));
        const txs = senders.map((s, i) => w.tx(s, recipients[(i + round) % recipients.length]!, new Uint8Array(0), 21_000n, { value: 1000n + BigInt(round) }));
        await expectAsSerialWithCommitInFlight(chain, before, txs);
      }
    });
  }, 60_000);

  test("a token whose balances the commit moves: its written slots come from the main thread, the rest from LMDB, as serial", async () => {
    const holders = Array.from({ length: 48 }, (_, i) => addr(45, i));
    await withLmdbChain(4, [], async (chain) => {
      const { state, w } = chain;
      const c = deployContracts(w, 0);
      distribute(w, c, c.token0, holders, 10n ** 21n, false);
      await state.commit();
      for (let round = 0; round < 3; round++) {
        // The commit moves the first 12 holders' tokens to the next 12; the batch reads those
        // balances and the other holders' (not in the commit).
        const before = holders.slice(0, 12).map((h, i) => erc20Transfer(w, h, c.token0, holders[12 + i]!, 5n + BigInt(round)));
        const txs = holders.map((h, i) => erc20Transfer(w, h, c.token0, holders[(i + 7 + round) % holders.length]!, 1n));
        await expectAsSerialWithCommitInFlight(chain, before, txs);
      }
    });
  }, 60_000);
});

interface LmdbChain {
  state: StateDb;
  env: BlockEnv;
  w: WorldBuilder;
  ex: ParallelExecutor;
  isCommitted: () => boolean;
}

/**
 * A fresh LMDB chain with `funded` accounts committed and a 2-worker executor reading it, as the
 * sequencer wires one (rows kept across batches; what commits in flight change comes from the
 * main thread); closed and removed after `body`.
 */
async function withLmdbChain(
  coinbase: number,
  funded: Uint8Array[],
  body: (c: LmdbChain) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bunseq-parallel-lmdb-"));
  const chain = ChainStore.open(dir);
  const state = chain.state;
  const env = blockEnv(addr(99, coinbase));
  const w = new WorldBuilder(core, env, state);
  w.fund(funded);
  await state.commit();
  const isCommitted = () => state.commitsInFlight === 0 && !state.hasUncomputedChanges;
  const ex = await ParallelExecutor.create({
    workers: 2, core, minParallelBatch: 1, minSenderParallelism: 0, adaptive: false,
    lmdb: { path: join(dir, "chain"), isCommitted, pendingChanges: () => state.pendingChanges(), version: () => state.commitCount },
  });
  try {
    await body({ state, env, w, ex, isCommitted });
  } finally {
    await ex.close();
    await chain.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The sequencer's rhythm: `before` runs and its commit is left in flight (the sequencer does not
 * await it while it executes the next batch), then `txs` runs on Block-STM, which reads LMDB for
 * all but what that commit changes: every transaction succeeds, with serial's results and root.
 */
async function expectAsSerialWithCommitInFlight(chain: LmdbChain, before: TxInput[], txs: TxInput[]) {
  const { state, env, ex } = chain;
  serial.executeSync(env, before, state);
  const landing = state.commit();
  const expected = serial.executeSync(env, txs, state);
  expect(expected.every((r) => r.status === ExecStatus.Success)).toBe(true);
  const root = state.computeStateRoot();
  state.discard();
  expect(chain.isCommitted()).toBe(false);
  const got = ex.executeSync(env, txs, state);
  expect(ex.lastStats!.preState).toBe("lmdb-except-pending");
  expect(got).toEqual(expected);
  expect(state.computeStateRoot()).toEqual(root);
  await landing;
  await state.commit();
}

/**
 * Runs `txs` serially, rolls back, and checks that `exec` (reading committed state from LMDB)
 * runs them in parallel to the same results and state root; leaves the parallel run applied.
 */
async function expectParallelAsSerial(exec: ParallelExecutor, env: BlockEnv, txs: TxInput[], state: StateDb, isCommitted: () => boolean) {
  const expected = await serial.execute(env, txs, state);
  const root = state.computeStateRoot();
  state.discard();
  expect(isCommitted()).toBe(true);
  const got = await exec.execute(env, txs, state);
  expect(exec.lastStats!.mode).toBe("parallel");
  expect(got).toEqual(expected);
  expect(state.computeStateRoot()).toEqual(root);
}

/** A state that cannot count storage slots: only the `hasStorage` flag, as HostState promises. */
class FlagOnlyState implements BatchState {
  constructor(readonly inner: MemoryState) {}
  account(a: Uint8Array): HostAccount | undefined {
    const x = this.inner.account(a);
    return x && { nonce: x.nonce, balance: x.balance, codeHash: x.codeHash, code: x.code, hasStorage: x.hasStorage };
  }
  storage(a: Uint8Array, k: Uint8Array, out: Uint8Array) {
    this.inner.storage(a, k, out);
  }
  blockHash(n: bigint) {
    return this.inner.blockHash(n);
  }
  apply(changes: AccountChange[]) {
    this.inner.apply(changes);
  }
}

describe("special cases", () => {
  let exec: ParallelExecutor;
  beforeAll(async () => {
    exec = await ParallelExecutor.create({ workers: 2, core, minParallelBatch: 1, minSenderParallelism: 0, adaptive: false });
  });
  afterAll(async () => {
    await exec?.close();
  });

  const env = blockEnv(addr(98, 0));
  const sender = (i: number) => addr(97, i);

  function world(): { state: MemoryState; w: WorldBuilder } {
    const state = new MemoryState();
    const w = new WorldBuilder(core, env, state);
    w.fund(Array.from({ length: 8 }, (_, i) => sender(i)));
    return { state, w };
  }

  /** Runs `txs` serially and on `executor`, each on its own copy of `state`: equal results and roots. */
  async function same(
    state: MemoryState,
    txs: TxInput[],
    { wrap = (s: MemoryState): BatchState => s, executor = exec, on = env }: { wrap?: (s: MemoryState) => BatchState; executor?: ParallelExecutor; on?: BlockEnv } = {},
  ) {
    const a = cloneMemoryState(state);
    const b = cloneMemoryState(state);
    const results = await serial.execute(on, txs, wrap(a));
    expect(await executor.execute(on, txs, wrap(b))).toEqual(results);
    expect(b.root()).toEqual(a.root());
    return { stats: executor.lastStats!, results };
  }

  test("a contract's last slot cleared, with no slot count: contracts never need the count", async () => {
    const { state, w } = world();
    // Runtime: slot 0 = 0. Its storage starts with slot 0 = 1, so the first call empties it.
    const clearer = addr(96, 0);
    state.put(clearer, { nonce: 1n, balance: 0n, code: hexToBytes("0x5f5f5500"), storage: [[bigintToBytes32(0n), bigintToBytes32(1n)]] });
    const txs = [w.tx(sender(0), clearer, new Uint8Array(0), 60_000n), w.tx(sender(1), clearer, new Uint8Array(0), 60_000n), w.tx(sender(2), sender(3), new Uint8Array(0), 21_000n, { value: 5n })];
    const { stats } = await same(state, txs, { wrap: (s) => new FlagOnlyState(s) });
    expect(stats.fallback).toBeNull();
    expect(stats.serialTail).toBe(0);
  });

  test("a chain of transactions on one hot slot finishes serially, after a window run in parallel", async () => {
    const { state, w } = world();
    const counter = addr(96, 1);
    state.put(counter, { nonce: 1n, balance: 0n, code: hexToBytes("0x5f546001015f5500"), storage: [] }); // slot 0 += 1
    const senders = Array.from({ length: 96 }, (_, i) => addr(95, i));
    w.fund(senders);
    const txs = senders.map((s) => w.tx(s, counter, new Uint8Array(0), 60_000n));
    const { stats } = await same(state, txs);
    expect(stats.fallback).toBe("transactions form a dependency chain");
    expect(stats.serialTail).toBe(64);
  });

  test("the coinbase sends, receives and is paid within one batch", async () => {
    const { state, w } = world();
    const cbEnv = blockEnv(sender(0));
    const txs: TxInput[] = [];
    for (let i = 0; i < 12; i++) {
      txs.push(w.tx(sender(1 + (i % 6)), sender(7), new Uint8Array(0), 21_000n, { value: 1n }));
      if (i % 4 === 0) txs.push(w.tx(sender(0), sender(5), new Uint8Array(0), 21_000n, { value: E18 }));
      if (i % 4 === 2) txs.push(w.tx(sender(2), sender(0), new Uint8Array(0), 21_000n, { value: 3n }));
    }
    const a = cloneMemoryState(state);
    const b = cloneMemoryState(state);
    expect(await exec.execute(cbEnv, txs, b)).toEqual(await serial.execute(cbEnv, txs, a));
    expect(b.root()).toEqual(a.root());
  });

  test("zero tips to a coinbase that does not exist delete it every time, as serial reports", async () => {
    const { state, w } = world();
    const txs = Array.from({ length: 10 }, (_, i) => w.tx(sender(i % 4), sender(5), new Uint8Array(0), 21_000n, { maxPriorityFeePerGas: 0n }));
    await same(state, txs);
  });

  test("senders that pay nothing (no validation) owe the coinbase nothing, not even a touch", async () => {
    const { state, w } = world();
    // A coinbase that does not exist: a zero tip would touch (delete) it, no payment must not.
    const cbEnv = blockEnv(addr(12, 0));
    const txs: TxInput[] = [];
    for (let i = 0; i < 12; i++) {
      txs.push(w.tx(sender(i % 6), sender(7), new Uint8Array(0), 21_000n, { value: 1n, noValidation: i % 3 !== 2 }));
      // A coinbase reader sees the sum of every earlier tip: the free ones add nothing.
      if (i === 8) txs.push(w.tx(sender(6), addr(12, 0), new Uint8Array(0), 21_000n, { value: 5n }));
    }
    const { stats, results } = await same(state, txs, { on: cbEnv });
    expect(results.every((r) => r.status === ExecStatus.Success)).toBe(true);
    expect(stats.serialTail).toBe(0);
  });

  test("a batch one sender dominates runs serially", async () => {
    const dominated = await ParallelExecutor.create({ workers: 2, core, minParallelBatch: 1, adaptive: false });
    try {
      const { state, w } = world();
      const txs = Array.from({ length: 10 }, (_, i) => w.tx(sender(i < 6 ? 0 : i), sender(7), new Uint8Array(0), 21_000n, { value: 1n }));
      const a = cloneMemoryState(state);
      expect(await dominated.execute(env, txs, state)).toEqual(await serial.execute(env, txs, a));
      expect(dominated.lastStats!.mode).toBe("serial");
      expect(state.root()).toEqual(a.root());
    } finally {
      await dominated.close();
    }
  });

  test("a batch that fills the shared heap runs serially; the next ones get a bigger heap", async () => {
    const tight = await ParallelExecutor.create({ workers: 2, core, minParallelBatch: 1, minSenderParallelism: 0, adaptive: false, heapBytes: 256 << 10 });
    try {
      const { state, w } = world();
      const senders = Array.from({ length: 200 }, (_, i) => addr(94, i));
      w.fund(senders);
      const txs = senders.map((s, i) => w.tx(s, addr(93, i), new Uint8Array(0), 21_000n, { value: 1n }));
      const fallbacks: (string | null)[] = [];
      for (let round = 0; round < 4; round++) fallbacks.push((await same(state, txs, { executor: tight })).stats.fallback);
      expect(fallbacks[0]).toBe("shared heap full");
      expect(fallbacks.at(-1)).toBeNull();
    } finally {
      await tight.close();
    }
  }, 30_000);

  test("a batch that fills the multi-version hash table runs its rest serially; the next gets a bigger table", async () => {
    const ex = await ParallelExecutor.create({ workers: 2, core, minParallelBatch: 1, minSenderParallelism: 0, adaptive: false });
    try {
      const { state, w } = world();
      const light = Array.from({ length: 200 }, (_, i) => addr(92, i));
      const heavy = Array.from({ length: 200 }, (_, i) => addr(91, i));
      w.fund([...light, ...heavy]);
      const transfers = light.map((s, i) => w.tx(s, addr(90, i), new Uint8Array(0), 21_000n, { value: 1n }));
      // Creations whose init code asks the balance of 40 accounts: 41 records a transaction,
      // where the transfers that size the table use 2.
      const initcode = (i: number) => {
        const code: number[] = [];
        for (let k = 0; k < 40; k++) code.push(0x73, ...addr(89, i * 40 + k), 0x31, 0x50); // PUSH20 a BALANCE POP
        return new Uint8Array([...code, 0x00]);
      };
      const creations = heavy.map((s, i) => w.tx(s, null, initcode(i), 1_000_000n));
      const fallbacks: (string | null)[] = [];
      for (const txs of [transfers, transfers, transfers, creations, creations]) {
        const { stats, results } = await same(state, txs, { executor: ex });
        expect(results.every((r) => r.status === ExecStatus.Success)).toBe(true);
        fallbacks.push(stats.fallback);
      }
      expect(fallbacks).toEqual([null, null, null, "multi-version hash table full", null]);
    } finally {
      await ex.close();
    }
  }, 30_000);

  test("batches below the threshold run serially", async () => {
    const small = await ParallelExecutor.create({ workers: 1, core, minParallelBatch: 4, adaptive: false });
    try {
      const { state, w } = world();
      const txs = [w.tx(sender(0), sender(1), new Uint8Array(0), 21_000n, { value: 1n })];
      const a = cloneMemoryState(state);
      expect(await small.execute(env, txs, state)).toEqual(await serial.execute(env, txs, a));
      expect(small.lastStats!.mode).toBe("serial");
    } finally {
      await small.close();
    }
  });
});
