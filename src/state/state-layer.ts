import type { AccountRecord } from "./account-record";

/** A changed slot: the 32-byte key and its value without leading zeros (empty = zero, i.e. delete). */
export type SlotWrite = readonly [slot: Uint8Array, value: Uint8Array];

/** What some layers change: accounts, slots (address, slot), and accounts whose storage they drop. */
export interface FrozenChanges {
  accounts: Uint8Array[];
  slots: (readonly [address: Uint8Array, slot: Uint8Array])[];
  cleared: Uint8Array[];
}

/** Everything one layer knows about one account. */
export interface AccountDelta {
  /** `idKey(address)`: this delta's key in its layer. */
  readonly key: string;
  readonly address: Uint8Array;
  /** The account's fields, or null when it was deleted. */
  record: AccountRecord | null;
  /** Set when the account was deleted in this layer: rows below it (older layers, disk) are void. */
  storageCleared: boolean;
  /** Slots written in this layer, by `idKey(slot)`. */
  readonly slots: Map<string, SlotWrite>;
  /** Changed since the state root was last computed (open layer only). */
  dirty: boolean;
  /**
   * When dirty, the slots written since that computation, if not all of `slots` (null: the
   * delta is newer than the computation, so they are `slots` itself).
   */
  sinceRoot: Map<string, SlotWrite> | null;
}

/**
 * Writes not yet on disk. The StateDb keeps one open layer that apply() writes
 * to; commit() freezes it and opens the next, so execution continues while
 * LMDB writes the frozen one.
 */
export class StateLayer {
  /** By `idKey(address)`. */
  readonly accounts = new Map<string, AccountDelta>();
  /** New code by `idKey(codeHash)`: [codeHash, code]. */
  readonly code = new Map<string, readonly [Uint8Array, Uint8Array]>();
  /** New trie nodes by `idKey(hash)`: [hash, encoding]. */
  readonly nodes = new Map<string, readonly [Uint8Array, Uint8Array]>();
  /** State root this layer commits to; set when frozen. */
  stateRoot: Uint8Array | null = null;
}

/** The open layer on top of the frozen, committing ones; reads consult them newest first, then disk. */
export class LayerStack {
  open = new StateLayer();
  /** Oldest first, in commit order. */
  private readonly frozen: StateLayer[] = [];

  /** Number of frozen layers still being written. */
  get committing(): number {
    return this.frozen.length;
  }

  /** What the frozen layers (commits being written) change. */
  frozenChanges(): FrozenChanges {
    const changes: FrozenChanges = { accounts: [], slots: [], cleared: [] };
    for (const layer of this.frozen) {
      for (const d of layer.accounts.values()) {
        changes.accounts.push(d.address);
        if (d.storageCleared) changes.cleared.push(d.address);
        for (const [slot] of d.slots.values()) changes.slots.push([d.address, slot]);
      }
    }
    return changes;
  }

  /** Newest delta of an account, or undefined when no layer touched it. */
  findAccount(addressKey: string): AccountDelta | undefined {
    const d = this.open.accounts.get(addressKey);
    if (d !== undefined) return d;
    for (let i = this.frozen.length - 1; i >= 0; i--) {
      const f = this.frozen[i]!.accounts.get(addressKey);
      if (f !== undefined) return f;
    }
    return undefined;
  }

  /**
   * The newest layered value of a slot (without leading zeros), an empty array
   * when the layers know it is zero, or undefined when only disk can tell.
   */
  findSlot(addressKey: string, slotKey: string): Uint8Array | undefined {
    for (let i = this.frozen.length; i >= 0; i--) {
      const layer = i === this.frozen.length ? this.open : this.frozen[i]!;
      const d = layer.accounts.get(addressKey);
      if (d === undefined) continue;
      const w = d.slots.get(slotKey);
      if (w !== undefined) return w[1];
      if (d.storageCleared) return ZERO;
    }
    return undefined;
  }

  /** Slots of an account written by frozen layers, which may not be on disk yet. */
  frozenSlots(addressKey: string): SlotWrite[] {
    const out: SlotWrite[] = [];
    for (const layer of this.frozen) {
      const d = layer.accounts.get(addressKey);
      if (d !== undefined) for (const w of d.slots.values()) out.push(w);
    }
    return out;
  }

  /** Newest layered code for a code hash. */
  findCode(hashKey: string): Uint8Array | undefined {
    const c = this.open.code.get(hashKey);
    if (c !== undefined) return c[1];
    for (let i = this.frozen.length - 1; i >= 0; i--) {
      const f = this.frozen[i]!.code.get(hashKey);
      if (f !== undefined) return f[1];
    }
    return undefined;
  }

  /** A trie node written by some layer and maybe not yet on disk. */
  findNode(hashKey: string): Uint8Array | undefined {
    const n = this.open.nodes.get(hashKey);
    if (n !== undefined) return n[1];
    for (let i = this.frozen.length - 1; i >= 0; i--) {
      const f = this.frozen[i]!.nodes.get(hashKey);
      if (f !== undefined) return f[1];
    }
    return undefined;
  }

  /** Freezes the open layer for committing and opens a fresh one. */
  freeze(): StateLayer {
    const layer = this.open;
    this.frozen.push(layer);
    this.open = new StateLayer();
    return layer;
  }

  /** Forgets a frozen layer once LMDB holds it. */
  release(layer: StateLayer): void {
    const i = this.frozen.indexOf(layer);
    if (i >= 0) this.frozen.splice(i, 1);
  }

  /** Drops the open layer's writes. */
  discardOpen(): void {
    this.open = new StateLayer();
  }
}

const ZERO = new Uint8Array(0);
