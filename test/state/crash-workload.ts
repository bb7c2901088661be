// The deterministic workload of the crash test: mini-block `seq` always applies
// the same changes, so the parent can replay them into a model and know the
// exact state the child must have left behind.
import type { AccountChange } from "../../src/exec/abi";
import { EMPTY_CODE_HASH } from "../../src/trie";
import { address, slot, word } from "./helpers";

const ACCOUNTS = 3000;
const PER_MINI_BLOCK = 40;

/** xorshift32 seeded by the sequence number. */
function rng(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

export function changesFor(seq: bigint): AccountChange[] {
  const r = rng(Number(seq));
  const changes: AccountChange[] = [];
  for (let i = 0; i < PER_MINI_BLOCK; i++) {
    const who = Math.floor(r() * ACCOUNTS);
    const deleted = r() < 0.05;
    const storage: [Uint8Array, Uint8Array][] = [];
    for (let s = 0; s < 2; s++) {
      const v = r() < 0.25 ? 0n : BigInt(Math.floor(r() * 1e9)) + 1n;
      storage.push([slot(Math.floor(r() * 16)), word(v)]);
    }
    changes.push({
      address: address(who),
      deleted,
      nonce: seq,
      balance: seq * 1000n + BigInt(who),
      codeHash: EMPTY_CODE_HASH,
      code: null,
      storage: deleted ? [] : storage,
    });
  }
  return changes;
}

/** Mini-block log entry: seq (8 bytes) ‖ state root after it. */
export function miniBlockEntry(seq: bigint, root: Uint8Array): Uint8Array {
  const out = new Uint8Array(40);
  new DataView(out.buffer).setBigUint64(0, seq);
  out.set(root, 8);
  return out;
}
