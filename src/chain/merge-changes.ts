// The net effect of consecutive state diffs, so a batch of mini-blocks is applied to the state
// with one write per account and slot instead of one per transaction that touched it. Applying
// the result gives exactly the state applying every change in order gives (the state root is
// then checked at the seal as usual).
import type { AccountChange } from "../exec/abi";
import { idKey } from "../state/byte-keys";

interface Net {
  address: Uint8Array;
  /** The account was deleted at some point: its earlier state and storage are gone. */
  deleted: boolean;
  /** Latest non-deleted state after the last deletion. */
  last: AccountChange | null;
  code: Uint8Array | null;
  storage: Map<string, readonly [Uint8Array, Uint8Array]>;
}

export function mergeChanges(lists: readonly (readonly AccountChange[])[]): AccountChange[] {
  const byAddress = new Map<string, Net>();
  for (const list of lists)
    for (const c of list) {
      const k = idKey(c.address);
      let n = byAddress.get(k);
      if (n === undefined) byAddress.set(k, (n = { address: c.address, deleted: false, last: null, code: null, storage: new Map() }));
      if (c.deleted) {
        n.deleted = true;
        n.last = null;
        n.code = null;
        n.storage.clear();
        continue;
      }
      n.last = c;
      if (c.code !== null && c.code.length !== 0) n.code = c.code;
      for (const w of c.storage) n.storage.set(idKey(w[0]), w);
    }
  const out: AccountChange[] = [];
  for (const n of byAddress.values()) {
    if (n.deleted) out.push({ address: n.address, deleted: true, nonce: 0n, balance: 0n, codeHash: new Uint8Array(32), code: null, storage: [] });
    if (n.last !== null) out.push({ ...n.last, code: n.code, storage: [...n.storage.values()] as [Uint8Array, Uint8Array][] });
  }
  return out;
}
