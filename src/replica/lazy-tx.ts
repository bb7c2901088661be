// An included transaction known by its sender and raw bytes, decoded only when a field other
// than those (and the hash, which the receipt supplies) is read: applying diffs needs no
// transaction decoding, reads of pending transactions decode on demand.
import type { IncludedTx } from "../chain/types";
import { includedTx } from "../sequencer/pending-tx";
import { decodeSignedTx } from "../tx/index";

export class LazyTx implements IncludedTx {
  /** Set from the receipt's transactionHash, so the hash needs no keccak. */
  knownHash: Uint8Array | null = null;
  private full: IncludedTx | null = null;

  constructor(
    readonly from: Uint8Array,
    readonly raw: Uint8Array,
  ) {}

  private get d(): IncludedTx {
    return (this.full ??= includedTx(decodeSignedTx(this.raw), this.from));
  }
  get hash() {
    return this.knownHash ?? this.d.hash;
  }
  get type() {
    return this.d.type;
  }
  get chainId() {
    return this.d.chainId;
  }
  get nonce() {
    return this.d.nonce;
  }
  get gasPrice() {
    return this.d.gasPrice;
  }
  get maxFeePerGas() {
    return this.d.maxFeePerGas;
  }
  get maxPriorityFeePerGas() {
    return this.d.maxPriorityFeePerGas;
  }
  get gasLimit() {
    return this.d.gasLimit;
  }
  get to() {
    return this.d.to;
  }
  get value() {
    return this.d.value;
  }
  get data() {
    return this.d.data;
  }
  get accessList() {
    return this.d.accessList;
  }
  get yParity() {
    return this.d.yParity;
  }
  get v() {
    return this.d.v;
  }
  get r() {
    return this.d.r;
  }
  get s() {
    return this.d.s;
  }
}
