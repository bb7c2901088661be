import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccountChange } from "../../src/exec/abi";
import { bigintToBytes32, bytesToHex, keccak256 } from "../../src/crypto";
import { EMPTY_CODE_HASH, stateRoot } from "../../src/trie";

/** A fresh temporary datadir. */
export function tempDatadir(): string {
  return mkdtempSync(join(tmpdir(), "bunseq-state-"));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Deterministic 20-byte address for index `i`. */
export function address(i: number): Uint8Array {
  return keccak256(new Uint8Array([0xad, i & 255, (i >> 8) & 255, (i >> 16) & 255])).slice(12);
}

/** Deterministic 32-byte slot key for index `i`. */
export function slot(i: number): Uint8Array {
  return i < 4 ? bigintToBytes32(BigInt(i)) : keccak256(new Uint8Array([0x51, i & 255, i >> 8]));
}

export const word = (n: bigint): Uint8Array => bigintToBytes32(n);

interface ModelAccount {
  address: Uint8Array;
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  code: Uint8Array;
  /** slot hex → [slot, 32-byte value]; zero values removed. */
  storage: Map<string, [Uint8Array, Uint8Array]>;
}

/** Plain in-memory world state with the same apply semantics, rooted from scratch by src/trie. */
export class ModelState {
  accounts = new Map<string, ModelAccount>();

  apply(changes: readonly AccountChange[]): void {
    for (const c of changes) {
      const key = bytesToHex(c.address);
      if (c.deleted) {
        this.accounts.delete(key);
        continue;
      }
      const prev = this.accounts.get(key);
      const storage = new Map(prev?.storage ?? []);
      for (const [k, v] of c.storage) {
        if (v.some((b) => b !== 0)) storage.set(bytesToHex(k), [k, v]);
        else storage.delete(bytesToHex(k));
      }
      this.accounts.set(key, {
        address: c.address,
        nonce: c.nonce,
        balance: c.balance,
        codeHash: c.codeHash,
        code: c.code ?? prev?.code ?? new Uint8Array(0),
        storage,
      });
    }
  }

  clone(): ModelState {
    const m = new ModelState();
    for (const [k, a] of this.accounts) m.accounts.set(k, { ...a, storage: new Map(a.storage) });
    return m;
  }

  root(): Uint8Array {
    return stateRoot(
      [...this.accounts.values()].map((a) => ({
        address: a.address,
        nonce: a.nonce,
        balance: a.balance,
        codeHash: a.codeHash,
        storage: a.storage.values(),
      })),
    );
  }

  slotValue(addr: Uint8Array, s: Uint8Array): Uint8Array {
    return this.accounts.get(bytesToHex(addr))?.storage.get(bytesToHex(s))?.[1] ?? new Uint8Array(32);
  }
}

/** A change that sets an account's fields and the given slots. */
export function change(
  addr: Uint8Array,
  fields: { nonce?: bigint; balance?: bigint; code?: Uint8Array | null; codeHash?: Uint8Array; deleted?: boolean },
  storage: [Uint8Array, Uint8Array][] = [],
): AccountChange {
  const code = fields.code ?? null;
  return {
    address: addr,
    deleted: fields.deleted ?? false,
    nonce: fields.nonce ?? 0n,
    balance: fields.balance ?? 0n,
    codeHash: code ? keccak256(code) : (fields.codeHash ?? EMPTY_CODE_HASH),
    code,
    storage,
  };
}
