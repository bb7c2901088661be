// Benchmark (not a test): `npx bun test/state/bench-state.ts [accounts] [changed] [js|core]`.
// Builds a state of N accounts, then times rounds that change `changed`
// accounts with 3 slots each: apply, incremental root, commit until on disk.
// Rounds run on a warm trie cache and again after a reopen (nodes from LMDB).
// Hashing goes through the execution core's keccak, as in the sequencer, unless "js".
import { statSync } from "node:fs";
import { join } from "node:path";
import type { AccountChange } from "../src/exec/abi";
import { getKeccakImpl, setKeccakImpl } from "../src/crypto";
import { EvmCore } from "../src/exec/core";
import { ChainStore } from "../src/state";
import { EMPTY_CODE_HASH } from "../src/trie";
import { address, removeDir, slot, tempDatadir, word } from "../test/state/helpers";

const N = Number(process.argv[2] ?? 100_000);
const CHANGED = Number(process.argv[3] ?? 1_000);
const ROUNDS = 5;
if (process.argv[4] !== "js") {
  const core = await EvmCore.load("wasm");
  setKeccakImpl((d) => core.keccak256(d));
}

function account(i: number, nonce: bigint, storage: [Uint8Array, Uint8Array][]): AccountChange {
  return { address: address(i), deleted: false, nonce, balance: 10n ** 18n + BigInt(i), codeHash: EMPTY_CODE_HASH, code: null, storage };
}

// Time spent hashing, to tell the trie's own cost from keccak's (pure JS here).
const keccak = getKeccakImpl();
let hashMs = 0;
let hashes = 0;
setKeccakImpl((d) => {
  const t = performance.now();
  const h = keccak(d);
  hashMs += performance.now() - t;
  hashes++;
  return h;
});

const ms = (t: number) => `${(performance.now() - t).toFixed(1)} ms`;
const dir = tempDatadir();
try {
  let store = ChainStore.open(dir);
  // Setup: every account gets one slot, so every change also walks an existing storage trie.
  let t = performance.now();
  for (let base = 0; base < N; base += 10_000) {
    const batch: AccountChange[] = [];
    for (let i = base; i < Math.min(N, base + 10_000); i++) batch.push(account(i, 1n, [[slot(0), word(BigInt(i + 1))]]));
    store.state.apply(batch);
    await store.commit();
  }
  console.log(`setup: ${N} accounts with 1 slot each in ${ms(t)}`);

  let nonce = 2n;
  const round = async (label: string) => {
    const changes: AccountChange[] = [];
    for (let k = 0; k < CHANGED; k++) {
      const i = Math.floor(Math.random() * N);
      changes.push(account(i, nonce, [1, 2, 3].map((s) => [slot(s + Number(nonce) * 3), word(nonce * 7n + BigInt(s))] as [Uint8Array, Uint8Array])));
    }
    nonce++;
    const t0 = performance.now();
    store.state.apply(changes);
    const t1 = performance.now();
    hashMs = 0;
    hashes = 0;
    store.state.computeStateRoot();
    const t2 = performance.now();
    const rootHashMs = hashMs;
    const rootHashes = hashes;
    const committed = store.commit();
    const t3 = performance.now();
    await committed;
    const t4 = performance.now();
    console.log(
      `${label}: apply ${(t1 - t0).toFixed(1)} ms, root ${(t2 - t1).toFixed(1)} ms ` +
        `(${rootHashes} keccaks, ${rootHashMs.toFixed(1)} ms of it), commit() returns ${(t3 - t2).toFixed(1)} ms, ` +
        `on disk after ${(t4 - t2).toFixed(1)} ms; total ${(t4 - t0).toFixed(1)} ms`,
    );
  };
  for (let r = 0; r < ROUNDS; r++) await round(`warm round ${r + 1}: ${CHANGED} accounts x 3 slots`);
  await store.close();
  store = ChainStore.open(dir);
  for (let r = 0; r < ROUNDS; r++) await round(`after reopen ${r + 1}: ${CHANGED} accounts x 3 slots`);
  await store.close();
  console.log(`data file: ${(statSync(join(dir, "chain", "data.mdb")).size / 2 ** 20).toFixed(0)} MiB`);
} finally {
  removeDir(dir);
}
