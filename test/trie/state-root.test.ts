import { describe, expect, test } from "bun:test";
import { MerklePatriciaTrie as ReferenceTrie } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import { bigIntToUnpaddedBytes, createAccount } from "@ethereumjs/util";
import { bigintToBytes32, bytesToHex, hexToBytes, keccak256 } from "../../src/crypto";
import { accountRlp, EMPTY_CODE_HASH, EMPTY_TRIE_ROOT, logsHash, stateRoot, storageRoot, type AccountState } from "../../src/trie";

const word = (n: bigint) => bigintToBytes32(n);
const addr = (hex: string) => hexToBytes(hex.padStart(40, "0"));

const accounts: AccountState[] = [
  { address: addr("a94f5374fce5edbc8e2a8697c15331677e6ebf0b"), nonce: 1n, balance: 10n ** 18n, codeHash: EMPTY_CODE_HASH, storage: [] },
  {
    address: addr("095e7baea6a6c7c4c2dfeb977efac326af552d87"),
    nonce: 0n,
    balance: 0n,
    codeHash: keccak256(hexToBytes("0x600160005500")),
    storage: [
      [word(0n), word(1n)],
      [word(1n), word((1n << 256n) - 1n)],
      [word(2n), word(0n)], // zero: must be absent
      [word(0xdeadbeefn), word(0x80n)],
    ],
  },
  { address: addr("2adc25665018aa1fe0e6bc666dac8fc2697ff9ba"), nonce: 0n, balance: 1n, codeHash: EMPTY_CODE_HASH, storage: [] },
  { address: addr("01"), nonce: 12345678901234567890n, balance: 0x1234n, codeHash: EMPTY_CODE_HASH, storage: [[word(5n), word(7n)]] },
];

async function referenceStateRoot(list: AccountState[]): Promise<Uint8Array> {
  const state = new ReferenceTrie({ useKeyHashing: true });
  for (const a of list) {
    const storage = new ReferenceTrie({ useKeyHashing: true });
    for (const [slot, value] of a.storage) {
      const v = bigIntToUnpaddedBytes(BigInt(bytesToHex(value)));
      if (v.length > 0) await storage.put(slot, RLP.encode(v));
    }
    const account = createAccount({ nonce: a.nonce, balance: a.balance, storageRoot: storage.root(), codeHash: a.codeHash });
    await state.put(a.address, account.serialize());
  }
  return state.root();
}

describe("state root helpers", () => {
  test("stateRoot matches @ethereumjs/mpt secure tries with @ethereumjs/util accounts", async () => {
    expect(bytesToHex(stateRoot(accounts))).toBe(bytesToHex(await referenceStateRoot(accounts)));
  });

  test("stateRoot of no accounts is the empty root", () => {
    expect(stateRoot([])).toEqual(EMPTY_TRIE_ROOT);
  });

  test("accountRlp matches @ethereumjs/util Account.serialize()", () => {
    const fields = { nonce: 3n, balance: 0n, storageRoot: EMPTY_TRIE_ROOT, codeHash: EMPTY_CODE_HASH };
    expect(accountRlp(fields)).toEqual(createAccount(fields).serialize());
  });

  test("storageRoot: bigint map and 32-byte pairs agree; zero values are absent", () => {
    const pairs = accounts[1]!.storage as [Uint8Array, Uint8Array][];
    const map = new Map(pairs.map(([k, v]) => [BigInt(bytesToHex(k)), BigInt(bytesToHex(v))]));
    expect(storageRoot(map)).toEqual(storageRoot(pairs));
    expect(storageRoot(pairs)).toEqual(storageRoot(pairs.filter(([, v]) => v.some((b) => b !== 0))));
    expect(storageRoot(new Map([[1n, 0n]]))).toEqual(EMPTY_TRIE_ROOT);
    expect(storageRoot(map)).not.toEqual(EMPTY_TRIE_ROOT);
  });

  test("storageRoot for a single slot matches the reference", async () => {
    const ref = new ReferenceTrie({ useKeyHashing: true });
    await ref.put(word(0n), RLP.encode(hexToBytes("0x01")));
    expect(storageRoot(new Map([[0n, 1n]]))).toEqual(ref.root());
  });

  test("input validation", () => {
    expect(() => storageRoot([[new Uint8Array(31), word(1n)]])).toThrow(RangeError);
    expect(() => storageRoot(new Map([[1n << 256n, 1n]]))).toThrow(RangeError);
    expect(() => stateRoot([{ ...accounts[0]!, address: new Uint8Array(19) }])).toThrow(RangeError);
  });
});

describe("logsHash", () => {
  test("no logs: keccak(rlp([]))", () => {
    expect(bytesToHex(logsHash([]))).toBe("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
  });

  test("matches keccak of @ethereumjs/rlp over [address, topics, data]", () => {
    const logs = [
      { address: addr("0f"), topics: [word(1n), word(2n)], data: hexToBytes("0x") },
      { address: addr("aa"), topics: [], data: new Uint8Array(100).fill(3) },
    ];
    const expected = keccak256(RLP.encode(logs.map((l) => [l.address, l.topics, l.data])));
    expect(logsHash(logs)).toEqual(expected);
  });
});
