// Pruning the trie node database: after many commits, only what the head root reaches is left,
// and the pruned tries still take further changes to the root rebuilt from the rows alone.
import { afterEach, expect, test } from "bun:test";
import { ChainStore, recomputeStateRoot } from "../../src/state";
import { createLogger } from "../../src/log/logger";
import { pruneTrieNodes, TriePruner } from "../../src/state/prune-trie";
import { address, change, removeDir, slot, tempDatadir, word } from "./helpers";

let dir: string;
let store: ChainStore;
afterEach(async () => {
  await store?.close();
  if (dir) removeDir(dir);
});

const nodeCount = () => store.env.dbs.trieNodes.getKeysCount({});

test("pruning keeps exactly what the root reaches, and the tries still work", async () => {
  dir = tempDatadir();
  store = ChainStore.open(dir);
  const state = store.state;
  const code = new Uint8Array([0x60, 0x00]);
  // Rounds of changes: balances move, slots change and clear, a contract with storage is
  // deleted, and two contracts keep identical storage (their storage tries share every node).
  for (let round = 0; round < 6; round++) {
    const changes = [];
    for (let i = 0; i < 60; i++) changes.push(change(address(i), { balance: BigInt(1000 * round + i), nonce: BigInt(round) }));
    for (let c = 100; c < 104; c++) {
      const slots: [Uint8Array, Uint8Array][] = [];
      for (let s = 0; s < 20; s++) slots.push([slot(s), word(BigInt(round * 7 + s + (c < 102 ? 0 : c)))]);
      if (round === 3) slots.push([slot(5), word(0n)]);
      changes.push(change(address(c), { code }, slots));
    }
    if (round === 4) changes.push(change(address(103), { deleted: true }));
    state.apply(changes);
    await state.commit();
  }
  const before = nodeCount();
  const report = pruneTrieNodes(store.env, state.stateRoot);
  expect(report.deleted).toBeGreaterThan(0);
  expect(report.live).toBe(nodeCount());
  expect(before).toBe(report.live + report.deleted);
  // Nothing reachable went: a second walk finds every node and nothing more to delete.
  expect(pruneTrieNodes(store.env, state.stateRoot).deleted).toBe(0);

  // The pruned tries load what further changes touch, and root them as the rows say.
  state.apply([
    change(address(7), { balance: 1n }),
    change(address(100), { code }, [[slot(3), word(99n)], [slot(4), word(0n)]]),
    change(address(101), { deleted: true }),
    change(address(500), { balance: 5n }, []),
  ]);
  await state.commit();
  expect(state.stateRoot).toEqual(recomputeStateRoot(store.env));
  await store.close();

  // And after reopening.
  store = ChainStore.open(dir);
  store.state.apply([change(address(102), { code }, [[slot(1), word(1n)]])]);
  await store.state.commit();
  expect(store.state.stateRoot).toEqual(recomputeStateRoot(store.env));
});

test("a missing node is reported before anything is deleted", async () => {
  dir = tempDatadir();
  store = ChainStore.open(dir);
  store.state.apply(Array.from({ length: 40 }, (_, i) => change(address(i), { balance: BigInt(i + 1) })));
  await store.state.commit();
  const nodes = store.env.dbs.trieNodes;
  const keys = [...nodes.getKeys({})].map((k) => Uint8Array.from(k));
  const victim = keys.find((k) => !Buffer.from(k).equals(Buffer.from(store.state.stateRoot)))!;
  nodes.removeSync(victim);
  const left = nodeCount();
  expect(() => pruneTrieNodes(store.env, store.state.stateRoot)).toThrow(/missing/);
  expect(nodeCount()).toBe(left);
});

/**
 * Round `r` of changes: most values repeat every 3 rounds, so later rounds write again nodes
 * earlier ones wrote (the same content hashes the same); one balance never repeats, so the nodes
 * above it become garbage for good.
 */
function cycling(r: number) {
  const v = BigInt(r % 3);
  const changes = [change(address(300), { balance: BigInt(r + 1) })];
  for (let i = 0; i < 40; i++) changes.push(change(address(i), { balance: 1000n * v + BigInt(i), nonce: 1n }));
  const slots: [Uint8Array, Uint8Array][] = [];
  for (let s = 0; s < 12; s++) slots.push([slot(s), word(v * 100n + BigInt(s) + 1n)]);
  changes.push(change(address(200), { code: new Uint8Array([0x60, 0x01]) }, slots));
  return changes;
}

test("pruning while commits go on keeps every node a later root reaches, also nodes written again meanwhile", async () => {
  dir = tempDatadir();
  store = ChainStore.open(dir);
  const state = store.state;
  for (let r = 0; r < 7; r++) {
    state.apply(cycling(r));
    await state.commit();
  }
  const before = nodeCount();
  // One node or 100 keys a slice, a commit every fourth slice: commits interleave with the walk
  // and the sweep, slowly enough for the sweep to get well past the nodes they add ahead of it.
  const pruner = new TriePruner(store.env, state, createLogger("error", true), { sliceMs: 0, sweepBatch: 100 });
  let finished = false;
  const pass = pruner.run().finally(() => (finished = true));
  let r = 7;
  let commits = 0;
  try {
    for (let i = 0; !finished; i++) {
      if (i % 4 === 0) {
        state.apply(cycling(r++));
        void state.commit();
        commits++;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await pruner.stop(); // before afterEach closes the store, should anything above throw
  }
  const report = (await pass)!;
  await state.settled();
  expect(commits).toBeGreaterThan(10);
  expect(report.deleted).toBeGreaterThan(0);
  expect(nodeCount()).toBeLessThan(before + commits * 60);
  // Every node the head reaches is still there (the walk throws on a missing one), and the
  // tries still take changes to the root rebuilt from the rows.
  expect(() => pruneTrieNodes(store.env, state.stateRoot)).not.toThrow();
  state.apply(cycling(r + 1));
  await state.commit();
  expect(state.stateRoot).toEqual(recomputeStateRoot(store.env));
  await store.close();
  store = ChainStore.open(dir);
  store.state.apply(cycling(r + 2));
  await store.state.commit();
  expect(store.state.stateRoot).toEqual(recomputeStateRoot(store.env));
});

test("a stopped pass ends at its next slice", async () => {
  dir = tempDatadir();
  store = ChainStore.open(dir);
  for (let r = 0; r < 4; r++) {
    store.state.apply(cycling(r));
    await store.state.commit();
  }
  const pruner = new TriePruner(store.env, store.state, createLogger("error", true), { sliceMs: 0, sweepBatch: 5 });
  const pass = pruner.run();
  await pruner.stop();
  expect(await pass).toBeNull();
  expect(() => pruneTrieNodes(store.env, store.state.stateRoot)).not.toThrow();
});
