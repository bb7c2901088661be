// Crediting deferred tips after a parallel batch, in transaction order, so that each result
// carries exactly the coinbase change serial execution reports: the core, run with
// EVM_FLAG_DEFER_COINBASE, neither loads nor credits the coinbase but reports the tip it owes
// (abi.ts deferredTip), and this puts back what it would have done (transaction.cpp: load the
// coinbase last, then add the tip, or touch an empty coinbase when the tip is zero, EIP-161).
import { type AccountChange, type BlockEnv, deferredTip, type ExecResult, ExecStatus, type HostState, NO_SLOTS } from "../exec/abi";
import { bytesEqual } from "../crypto/hex";
import { EMPTY_CODE_HASH } from "../trie/index";
import type { SharedHeap } from "./heap";
import { Txn, TxnFlags } from "./txn-layout";

/**
 * What the deferred run recorded at transaction-table entry `e` of `heap` owes the coinbase: its
 * tip (zero: only the touch an empty coinbase gets, EIP-161), or null when nothing at all (an
 * invalid run, or a sender that pays nothing). The core reports zero for both, so the flag set at
 * layout tells them apart.
 */
export function owedTip(heap: SharedHeap, e: number): bigint | null {
  const output = heap.i32[e + Txn.OUTPUT]!;
  if (heap.view.getUint32(output, true) === ExecStatus.Invalid || heap.i32[e + Txn.FLAGS]! & TxnFlags.PaysNothing) return null;
  return deferredTip(heap.view, output);
}

export class CoinbaseCredit {
  /** One copy of the coinbase address for every change of the batch (none is ever written to). */
  private readonly address: Uint8Array;
  private nonce: bigint;
  private balance: bigint;
  private codeHash: Uint8Array;

  /** Starts from the coinbase as `state` holds it before the batch. */
  constructor(
    private readonly env: BlockEnv,
    state: HostState,
  ) {
    this.address = env.coinbase.slice();
    const a = state.account(env.coinbase);
    this.nonce = a?.nonce ?? 0n;
    this.balance = a?.balance ?? 0n;
    this.codeHash = a?.codeHash ?? EMPTY_CODE_HASH;
  }

  /**
   * Adds to `r`, the valid result of a deferred run whose sender pays, the coinbase change the
   * core skipped: the credit of `tip`, or the touch a zero tip gives an empty coinbase.
   */
  credit(r: ExecResult, tip: bigint): void {
    if (tip !== 0n) {
      this.balance += tip;
      r.accounts.push(this.change(false));
    } else if (this.nonce === 0n && this.balance === 0n && bytesEqual(this.codeHash, EMPTY_CODE_HASH)) {
      r.accounts.push(this.change(true));
    }
  }

  /** Follows a result that changed the coinbase itself (an undeferred run). */
  observe(r: ExecResult): void {
    for (const c of r.accounts) {
      if (!bytesEqual(c.address, this.env.coinbase)) continue;
      this.nonce = c.nonce;
      this.balance = c.balance;
      this.codeHash = c.codeHash;
    }
  }

  private change(deleted: boolean): AccountChange {
    return {
      address: this.address,
      deleted,
      nonce: deleted ? 0n : this.nonce,
      balance: deleted ? 0n : this.balance,
      codeHash: deleted ? EMPTY_CODE_HASH : this.codeHash,
      code: null,
      storage: NO_SLOTS,
    };
  }
}
