import type { NodeStore } from "../trie/index";
import { idKey } from "./byte-keys";
import type { BinaryDatabase } from "./chain-env";
import type { LayerStack } from "./state-layer";

/**
 * Trie nodes for the account trie and every storage trie: the layers' new
 * nodes first, then LMDB. New nodes go to the open layer and reach disk with
 * its commit, in the same transaction as the state they describe.
 */
export class LmdbNodeStore implements NodeStore {
  constructor(
    private readonly db: BinaryDatabase,
    private readonly layers: LayerStack,
  ) {}

  get(hash: Uint8Array): Uint8Array | undefined {
    const layered = this.layers.findNode(idKey(hash));
    if (layered !== undefined) return layered;
    // getBinary copies out of the map: the trie keeps views into what it is given.
    return this.db.getBinary(hash);
  }

  putBatch(entries: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): void {
    const nodes = this.layers.open.nodes;
    for (const entry of entries) nodes.set(idKey(entry[0]), entry);
  }
}
