import { afterEach, describe, expect, test } from "bun:test";
import { bytesToHex, getKeccakImpl, keccak256, setKeccakImpl } from "../../src/crypto";

const utf8 = (s: string) => new TextEncoder().encode(s);

describe("keccak256", () => {
  afterEach(() => setKeccakImpl(null));

  test("known digests (Keccak, not NIST SHA3)", () => {
    expect(bytesToHex(keccak256(new Uint8Array(0)))).toBe(
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    expect(bytesToHex(keccak256(utf8("abc")))).toBe(
      "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
    );
    // rlp("") hashes to the empty trie root.
    expect(bytesToHex(keccak256(new Uint8Array([0x80])))).toBe(
      "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
    );
  });

  test("implementation is swappable and restorable", () => {
    const original = getKeccakImpl();
    const calls: number[] = [];
    setKeccakImpl((d) => {
      calls.push(d.length);
      return new Uint8Array(32).fill(7);
    });
    expect(keccak256(utf8("xy"))).toEqual(new Uint8Array(32).fill(7));
    expect(calls).toEqual([2]);
    setKeccakImpl(null);
    expect(getKeccakImpl()).toBe(original);
    expect(bytesToHex(keccak256(utf8("abc")))).toStartWith("0x4e03657a");
  });
});
