// StateDb remembers what it read from LMDB until a committed layer reaches LMDB: reads after a
// commit must see the committed values, reads after discard() the disk's, deletions included.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { ChainStore } from "../../src/state";
import { address, change, removeDir, slot, tempDatadir, word } from "./helpers";

const read = (store: ChainStore, a: Uint8Array, k: Uint8Array) => {
  const out = new Uint8Array(32);
  store.state.storage(a, k, out);
  return out;
};

describe("state: reads remembered from disk", () => {
  let dir: string;
  let store: ChainStore;
  beforeEach(() => {
    dir = tempDatadir();
    store = ChainStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    removeDir(dir);
  });

  test("a committed change replaces what was read before it", async () => {
    const a = address(1);
    store.state.apply([change(a, { balance: 5n }, [[slot(0), word(7n)]])]);
    await store.state.commit();
    expect(store.state.account(a)?.balance).toBe(5n); // read from disk, remembered
    expect(read(store, a, slot(0))).toEqual(word(7n));
    store.state.apply([change(a, { balance: 9n }, [[slot(0), word(8n)]])]);
    await store.state.commit();
    expect(store.state.account(a)?.balance).toBe(9n);
    expect(read(store, a, slot(0))).toEqual(word(8n));
  });

  test("discard() goes back to the disk's values; a deleted account's slots read zero once committed", async () => {
    const a = address(2);
    store.state.apply([change(a, { nonce: 1n }, [[slot(1), word(3n)]])]);
    await store.state.commit();
    expect(read(store, a, slot(1))).toEqual(word(3n));
    store.state.apply([change(a, { nonce: 2n }, [[slot(1), word(4n)]])]);
    store.state.discard();
    expect(store.state.account(a)?.nonce).toBe(1n);
    expect(read(store, a, slot(1))).toEqual(word(3n));
    store.state.apply([change(a, { deleted: true })]);
    await store.state.commit();
    expect(store.state.account(a)).toBeUndefined();
    expect(read(store, a, slot(1))).toEqual(new Uint8Array(32));
  });
});
