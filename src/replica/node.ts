// A follower as a JSON-RPC node: the sequencer's own read side (SequencerNode) composed over an
// adapter that presents the follower's store, open block, core and events the way the
// sequencer does, so every read method answers exactly as on the sequencer. Transactions are
// forwarded upstream; eth_sendRawTransactionSync returns once this node has applied the receipt,
// so a client reads its own write from the same node. Transactions it has not seen are looked up
// upstream (they may wait in the sequencer's pool, which a follower does not have).
import { TxSyncTimeoutError } from "../rpc/rpc-errors";
import type { RpcTransaction } from "../rpc/format/format-transaction";
import type { ReceiptWithBlock } from "../rpc/node-api";
import { SequencerNode } from "../sequencer/node";
import type { Sequencer } from "../sequencer/sequencer";
import type { Follower } from "./follower";
import type { Forwarder } from "./forward";

export class FollowerNode extends SequencerNode {
  constructor(
    private readonly follower: Follower,
    private readonly forwarder: Forwarder,
    version: string,
  ) {
    const adapter = {
      get store() {
        return follower.store;
      },
      get building() {
        return follower.building;
      },
      get common() {
        return follower.common;
      },
      core: follower.core,
      pool: { pendingNonce: (a: Uint8Array) => forwarder.pendingNonce(a) },
      on: follower.on.bind(follower),
    };
    super(adapter as unknown as Sequencer, version);
  }

  upstreamTransactionByHash(hash: Uint8Array): Promise<RpcTransaction | null> {
    return this.forwarder.transactionByHash(hash);
  }

  override async sendRawTransaction(raw: Uint8Array): Promise<Uint8Array> {
    return this.forwarder.send(raw);
  }

  override async sendRawTransactionSync(raw: Uint8Array, timeoutMs: number): Promise<ReceiptWithBlock> {
    const started = Date.now();
    const hash = await this.forwarder.sendSync(raw, timeoutMs);
    const left = Math.max(0, timeoutMs - (Date.now() - started));
    if (!(await this.follower.waitForTx(hash, left))) throw new TxSyncTimeoutError(hash, timeoutMs);
    return this.getTransactionReceipt(hash)!;
  }
}
