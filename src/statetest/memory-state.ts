// A whole world state held in memory: the host the core reads from in the state-test runner
// and the EVM benchmark. Applies the core's account changes and computes the state root.
import type { AccountChange, HostAccount, HostState } from "../exec/abi";
import { bytesToHex, keccak256 } from "../crypto/index";
import { EMPTY_CODE_HASH, stateRoot } from "../trie/index";

export interface MemoryAccount extends HostAccount {
  address: Uint8Array;
  /** slot (hex of the 32-byte key) → 32-byte big-endian value; zero values are removed. */
  storage: Map<string, Uint8Array>;
}

export class MemoryState implements HostState {
  readonly accounts = new Map<string, MemoryAccount>();
  blockHashFn: (n: bigint) => Uint8Array | undefined = () => undefined;

  /** Adds or replaces an account; code hash is computed here. */
  put(address: Uint8Array, a: { nonce: bigint; balance: bigint; code: Uint8Array; storage: [Uint8Array, Uint8Array][] }) {
    const storage = new Map<string, Uint8Array>();
    for (const [k, v] of a.storage) if (v.some((b) => b !== 0)) storage.set(bytesToHex(k), v);
    this.accounts.set(bytesToHex(address), {
      address,
      nonce: a.nonce,
      balance: a.balance,
      code: a.code,
      codeHash: a.code.length ? keccak256(a.code) : EMPTY_CODE_HASH,
      hasStorage: storage.size > 0,
      storage,
    });
  }

  account(address: Uint8Array): MemoryAccount | undefined {
    return this.accounts.get(bytesToHex(address));
  }

  storage(address: Uint8Array, key: Uint8Array, out: Uint8Array): void {
    const v = this.accounts.get(bytesToHex(address))?.storage.get(bytesToHex(key));
    if (v) out.set(v);
  }

  blockHash(n: bigint): Uint8Array | undefined {
    return this.blockHashFn(n);
  }

  /** Applies one transaction's account changes (the core's write set). */
  apply(changes: AccountChange[]): void {
    for (const c of changes) {
      const key = bytesToHex(c.address);
      if (c.deleted) {
        this.accounts.delete(key);
        continue;
      }
      const prev = this.accounts.get(key);
      const storage = prev?.storage ?? new Map<string, Uint8Array>();
      for (const [k, v] of c.storage) {
        if (v.some((b) => b !== 0)) storage.set(bytesToHex(k), v);
        else storage.delete(bytesToHex(k));
      }
      this.accounts.set(key, {
        address: c.address,
        nonce: c.nonce,
        balance: c.balance,
        code: c.code ?? prev?.code ?? new Uint8Array(0),
        codeHash: c.codeHash,
        hasStorage: storage.size > 0,
        storage,
      });
    }
  }

  delete(address: Uint8Array): void {
    this.accounts.delete(bytesToHex(address));
  }

  root(): Uint8Array {
    const hexToWord = (h: string) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));
    return stateRoot(
      [...this.accounts.values()].map((a) => ({
        address: a.address,
        nonce: a.nonce,
        balance: a.balance,
        codeHash: a.codeHash,
        storage: [...a.storage].map(([k, v]) => [hexToWord(k), v] as const),
      })),
    );
  }
}
