import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { bytesToHex, keccak256 } from "../../src/crypto";
import { EMPTY_CODE_HASH, EMPTY_TRIE_ROOT, storageRoot } from "../../src/trie";
import { ChainStore, decodeAccountRecord, encodeAccountRecord, recomputeStateRoot } from "../../src/state";
import { address, change, ModelState, removeDir, slot, tempDatadir, word } from "./helpers";

const A = address(1);
const B = address(2);

function read(store: ChainStore, addr: Uint8Array, s: Uint8Array): bigint {
  const out = new Uint8Array(32);
  store.state.storage(addr, s, out);
  return BigInt(bytesToHex(out));
}

function storageRows(store: ChainStore, addr: Uint8Array): number {
  let n = 0;
  for (const key of store.env.dbs.storage.getKeys({ start: addr })) {
    if (bytesToHex(key.subarray(0, 20)) !== bytesToHex(addr)) break;
    n++;
  }
  return n;
}

describe("state: storage, hasStorage and deletion", () => {
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

  test("hasStorage follows non-zero slots through the overlay, commits and reopen", async () => {
    store.state.apply([change(A, { nonce: 1n })]);
    expect(store.state.account(A)!.hasStorage).toBe(false);

    store.state.apply([change(A, { nonce: 1n }, [[slot(0), word(0n)]])]); // zero into an empty slot
    expect(store.state.account(A)!.hasStorage).toBe(false);

    store.state.apply([change(A, { nonce: 1n }, [[slot(0), word(1n)], [slot(1), word(2n)]])]);
    expect(store.state.account(A)!.hasStorage).toBe(true);
    expect(store.state.accountRecord(A)!.slotCount).toBe(2);

    store.state.apply([change(A, { nonce: 1n }, [[slot(0), word(9n)]])]); // non-zero to non-zero
    expect(store.state.accountRecord(A)!.slotCount).toBe(2);
    await store.commit();

    store.state.apply([change(A, { nonce: 1n }, [[slot(0), word(0n)]])]);
    expect(store.state.account(A)!.hasStorage).toBe(true);
    await store.commit();
    await store.close();

    store = ChainStore.open(dir);
    expect(store.state.accountRecord(A)!.slotCount).toBe(1);
    expect(read(store, A, slot(1))).toBe(2n);
    store.state.apply([change(A, { nonce: 1n }, [[slot(1), word(0n)]])]);
    expect(store.state.account(A)!.hasStorage).toBe(false);
    const root = await store.commit();
    expect(store.state.accountRecord(A)!.storageRoot).toEqual(EMPTY_TRIE_ROOT);
    expect(storageRows(store, A)).toBe(0);
    expect(recomputeStateRoot(store.env)).toEqual(root);
  });

  test("the stored storage root is the from-scratch storage root", async () => {
    const slots: [Uint8Array, Uint8Array][] = Array.from({ length: 40 }, (_, i) => [slot(i), word(BigInt(i * 1000 + 1))]);
    store.state.apply([change(A, { balance: 1n }, slots)]);
    await store.commit();
    expect(store.state.accountRecord(A)!.storageRoot).toEqual(storageRoot(slots));
    // Change a few on top of the persisted trie: nodes now load from LMDB.
    const more: [Uint8Array, Uint8Array][] = [[slot(3), word(0n)], [slot(7), word(5n)], [slot(99), word(1n)]];
    store.state.apply([change(A, { balance: 1n }, more)]);
    store.state.computeStateRoot();
    const expected = new Map(slots.map(([k, v]) => [bytesToHex(k), [k, v] as [Uint8Array, Uint8Array]]));
    for (const [k, v] of more) expected.set(bytesToHex(k), [k, v]);
    expect(store.state.accountRecord(A)!.storageRoot).toEqual(storageRoot(expected.values()));
    expect(store.state.accountRecord(A)!.slotCount).toBe(40);
  });

  test("a deleted account loses its storage; re-created, it starts empty", async () => {
    const model = new ModelState();
    const put = (...changes: ReturnType<typeof change>[]) => {
      store.state.apply(changes);
      model.apply(changes);
    };
    put(change(A, { nonce: 1n }, [[slot(0), word(1n)], [slot(1), word(2n)]]), change(B, { balance: 5n }, [[slot(0), word(3n)]]));
    await store.commit();
    expect(storageRows(store, A)).toBe(2);

    // Slot 2 is written in a commit still in flight when A is deleted.
    put(change(A, { nonce: 1n }, [[slot(2), word(4n)]]));
    const inFlight = store.commit();
    put(change(A, { deleted: true }));
    expect(store.state.account(A)).toBeUndefined();
    expect(read(store, A, slot(0))).toBe(0n);

    put(change(A, { nonce: 7n }, [[slot(1), word(8n)]]));
    expect(store.state.account(A)!.hasStorage).toBe(true);
    expect(store.state.accountRecord(A)!.slotCount).toBe(1);
    expect(read(store, A, slot(0))).toBe(0n);
    expect(read(store, A, slot(1))).toBe(8n);
    expect(read(store, A, slot(2))).toBe(0n);
    expect(store.state.computeStateRoot()).toEqual(model.root());
    await inFlight;
    const root = await store.commit();
    expect(root).toEqual(model.root());
    expect(storageRows(store, A)).toBe(1);
    expect(storageRows(store, B)).toBe(1);
    expect(recomputeStateRoot(store.env)).toEqual(root);

    put(change(A, { deleted: true }));
    const gone = await store.commit();
    expect(gone).toEqual(model.root());
    expect(storageRows(store, A)).toBe(0);
    expect(store.env.dbs.accounts.getBinary(A)).toBeUndefined();
    expect(recomputeStateRoot(store.env)).toEqual(gone);
  });

  test("deployed code is served before and after commit and reopen", async () => {
    const code = new Uint8Array(300).map((_, i) => i & 255);
    store.state.apply([change(A, { nonce: 1n, code })]);
    expect(store.state.account(A)!.code).toEqual(code);
    expect(store.state.account(A)!.codeHash).toEqual(keccak256(code));
    await store.commit();
    expect(store.state.account(A)!.code).toEqual(code);
    await store.close();
    store = ChainStore.open(dir);
    expect(store.state.account(A)!.code).toEqual(code);
    // Later changes carry only the code hash.
    store.state.apply([change(A, { nonce: 2n, codeHash: keccak256(code) })]);
    expect(store.state.account(A)!.code).toEqual(code);
    expect(store.state.account(B)).toBeUndefined();
  });

  // StateDb remembers what it read from LMDB until a committed layer reaches LMDB: reads after
  // a commit must see the committed values, reads after discard() the disk's, deletions included.
  test("a committed change replaces what was read from disk before it", async () => {
    store.state.apply([change(A, { balance: 5n }, [[slot(0), word(7n)]])]);
    await store.state.commit();
    expect(store.state.account(A)?.balance).toBe(5n); // read from disk, remembered
    expect(read(store, A, slot(0))).toBe(7n);
    store.state.apply([change(A, { balance: 9n }, [[slot(0), word(8n)]])]);
    await store.state.commit();
    expect(store.state.account(A)?.balance).toBe(9n);
    expect(read(store, A, slot(0))).toBe(8n);
  });

  test("after reads from disk, discard() goes back to the disk's values; a deleted account's slots read zero once committed", async () => {
    store.state.apply([change(B, { nonce: 1n }, [[slot(1), word(3n)]])]);
    await store.state.commit();
    expect(read(store, B, slot(1))).toBe(3n);
    store.state.apply([change(B, { nonce: 2n }, [[slot(1), word(4n)]])]);
    store.state.discard();
    expect(store.state.account(B)?.nonce).toBe(1n);
    expect(read(store, B, slot(1))).toBe(3n);
    store.state.apply([change(B, { deleted: true })]);
    await store.state.commit();
    expect(store.state.account(B)).toBeUndefined();
    expect(read(store, B, slot(1))).toBe(0n);
  });

  test("rows primed from another reader serve as LMDB's, never over what the state knows", async () => {
    store.state.apply([change(A, { balance: 5n }, [[slot(0), word(7n)]])]);
    await store.state.commit();
    const row = store.env.dbs.accounts.getBinary(A)!;
    store.state.forgetDiskReads();
    // A row that is not LMDB's, to tell where each answer came from.
    const other = encodeAccountRecord({ nonce: 3n, balance: 6n, codeHash: EMPTY_CODE_HASH, storageRoot: EMPTY_TRIE_ROOT, slotCount: 0 });
    store.state.primeAccount(A, other);
    store.state.primeSlot(A, slot(0), word(9n));
    expect(store.state.account(A)?.balance).toBe(6n);
    expect(read(store, A, slot(0))).toBe(9n);
    // Known now: a second priming changes nothing; and priming does not keep the caller's bytes.
    const value = word(11n);
    store.state.primeAccount(A, row);
    store.state.primeSlot(A, slot(0), value);
    value.fill(0);
    expect(store.state.account(A)?.balance).toBe(6n);
    expect(read(store, A, slot(0))).toBe(9n);
    store.state.forgetDiskReads();
    expect(store.state.account(A)?.balance).toBe(5n);
    const fresh = word(12n);
    store.state.primeSlot(B, slot(2), fresh);
    fresh.fill(0);
    expect(read(store, B, slot(2))).toBe(12n);
    // An account or a slot a layer holds is never primed.
    store.state.apply([change(A, { balance: 8n }, [[slot(1), word(2n)]])]);
    store.state.forgetDiskReads();
    store.state.primeAccount(A, other);
    store.state.primeSlot(A, slot(1), word(4n));
    expect(store.state.account(A)?.balance).toBe(8n);
    expect(read(store, A, slot(1))).toBe(2n);
    // A missing account primes as missing.
    store.state.primeAccount(B, null);
    expect(store.state.account(B)).toBeUndefined();
  });

  test("apply's storageless bits stand in for the record's storage fields, only with no commit in flight", async () => {
    const C = address(3);
    store.state.apply([change(A, { balance: 5n }, [[slot(0), word(7n)]]), change(B, { nonce: 1n })]);
    await store.state.commit();
    const rootA = store.state.accountRecord(A)!.storageRoot;
    // B (no storage) and C (missing) flagged, as the contract says: the same records as unflagged.
    store.state.apply([change(B, { nonce: 2n }), change(C, { balance: 1n })], 0b11);
    expect(store.state.accountRecord(B)).toMatchObject({ nonce: 2n, slotCount: 0, storageRoot: EMPTY_TRIE_ROOT });
    expect(store.state.accountRecord(C)).toMatchObject({ balance: 1n, slotCount: 0, storageRoot: EMPTY_TRIE_ROOT });
    // A flagged account is taken at its word: A's record is not read (its storage fields are
    // dropped), which is how a wrong flag would show.
    store.state.apply([change(B, { nonce: 3n }), change(A, { balance: 6n })], 0b10);
    expect(store.state.accountRecord(A)).toMatchObject({ balance: 6n, slotCount: 0, storageRoot: EMPTY_TRIE_ROOT });
    store.state.discard();
    // While a commit is in flight, a layer LMDB does not hold yet may know better: flags are ignored.
    store.state.apply([change(B, { nonce: 4n })]);
    const landing = store.state.commit();
    expect(store.state.commitsInFlight).toBe(1);
    store.state.apply([change(A, { balance: 7n })], 0b1);
    expect(store.state.accountRecord(A)).toMatchObject({ balance: 7n, slotCount: 1, storageRoot: rootA });
    await landing;
  });
});

describe("state: account record encoding", () => {
  test("round-trips extremes and refuses damage", () => {
    const records = [
      { nonce: 0n, balance: 0n, codeHash: EMPTY_CODE_HASH, storageRoot: EMPTY_TRIE_ROOT, slotCount: 0 },
      { nonce: 2n ** 64n - 1n, balance: 2n ** 256n - 1n, codeHash: keccak256(new Uint8Array([1])), storageRoot: keccak256(new Uint8Array([2])), slotCount: 2 ** 40 + 3 },
      { nonce: 1n, balance: 10n ** 18n, codeHash: EMPTY_CODE_HASH, storageRoot: keccak256(new Uint8Array([3])), slotCount: 127 },
      { nonce: 1n, balance: 10n ** 18n, codeHash: EMPTY_CODE_HASH, storageRoot: keccak256(new Uint8Array([3])), slotCount: 128 },
    ];
    for (const r of records) expect(decodeAccountRecord(encodeAccountRecord(r))).toEqual(r);
    expect(encodeAccountRecord(records[0]!).length).toBe(4);
    const enc = encodeAccountRecord(records[1]!);
    expect(typeof decodeAccountRecord(enc.subarray(0, enc.length - 1))).toBe("string");
    expect(typeof decodeAccountRecord(new Uint8Array([...enc, 0]))).toBe("string");
    expect(typeof decodeAccountRecord(new Uint8Array([8, 0, 0, 0]))).toBe("string");
  });
});
