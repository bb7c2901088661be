// Merged diffs (what a replica applies per batch) give the same state as applying every change
// in order: random changes over a few accounts and slots, with deletions and re-creations.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, keccak256 } from "../../src/crypto/index";
import type { AccountChange } from "../../src/exec/abi";
import { mergeChanges } from "../../src/chain/merge-changes";
import { ChainStore } from "../../src/state/index";
import { EMPTY_CODE_HASH } from "../../src/trie/index";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function store(): ChainStore {
  const d = mkdtempSync(join(tmpdir(), "bunseq-merge-"));
  dirs.push(d);
  return ChainStore.open(d);
}

let seed = 12345;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const word = (v: number) => {
  const w = new Uint8Array(32);
  new DataView(w.buffer).setUint32(28, v);
  return w;
};
const addr = (i: number) => new Uint8Array(20).fill(i + 1);
const code = (i: number) => new Uint8Array([0x60, i, 0x60, 0x00, 0x55]);

function randomChange(): AccountChange {
  const a = rand(5);
  if (rand(8) === 0) return { address: addr(a), deleted: true, nonce: 0n, balance: 0n, codeHash: EMPTY_CODE_HASH, code: null, storage: [] };
  const withCode = rand(6) === 0;
  const c = code(a);
  return {
    address: addr(a),
    deleted: false,
    nonce: BigInt(rand(100)),
    balance: BigInt(rand(1_000_000)) * 10n ** 12n,
    codeHash: withCode ? keccak256(c) : EMPTY_CODE_HASH,
    code: withCode ? c : null,
    storage: Array.from({ length: rand(4) }, () => [word(rand(6)), word(rand(3))] as [Uint8Array, Uint8Array]),
  };
}

test("merged diffs give the same state root as the changes applied one by one", async () => {
  for (let round = 0; round < 30; round++) {
    const lists = Array.from({ length: 1 + rand(5) }, () => Array.from({ length: rand(12) }, randomChange));
    const a = store();
    const b = store();
    // A common starting state, committed.
    const base = Array.from({ length: 5 }, (_, i) => ({ ...randomChange(), address: addr(i), deleted: false }));
    for (const s of [a, b]) {
      s.state.apply(base);
      await s.commit();
    }
    for (const l of lists) a.state.apply(l);
    b.state.apply(mergeChanges(lists));
    expect(bytesToHex(b.state.computeStateRoot())).toBe(bytesToHex(a.state.computeStateRoot()));
    for (let i = 0; i < 5; i++) {
      expect(b.state.accountRecord(addr(i))).toEqual(a.state.accountRecord(addr(i)));
      for (let k = 0; k < 6; k++) {
        const x = new Uint8Array(32), y = new Uint8Array(32);
        a.state.storage(addr(i), word(k), x);
        b.state.storage(addr(i), word(k), y);
        expect(bytesToHex(y)).toBe(bytesToHex(x));
      }
    }
    await a.close();
    await b.close();
  }
});
