// Forwards eth_sendRawTransaction(Sync) to the upstream's JSON-RPC (the sequencer, or the
// replica this one follows), as op-geth replicas forward to their sequencer, and asks it for
// transactions this node has not seen (they wait in the sequencer's pool). The upstream's
// answer, error code and message included, is passed through unchanged. Senders and nonces of
// forwarded transactions are remembered briefly so "pending" nonces count them, as a pool would.
import { bytesToHex, hexToBytes } from "../crypto/index";
import type { RpcTransaction } from "../rpc/format/format-transaction";
import { RpcError, ServerError } from "../rpc/rpc-errors";
import { decodeSignedTx, type SenderRecovery } from "../tx/index";

const PENDING_TTL_MS = 30_000;

export class Forwarder {
  private id = 1;
  private readonly pending = new Map<string, { nonce: bigint; at: number }>();

  constructor(
    /** Upstream JSON-RPC URL; waits (bounded) for the first stream hello, null when still unknown. */
    private readonly url: () => Promise<string | null>,
    private readonly recovery: SenderRecovery,
    private readonly stateNonce: (address: Uint8Array) => bigint,
  ) {}

  private async call(method: string, params: unknown[], timeoutMs: number): Promise<unknown> {
    const url = await this.url();
    if (url === null) throw new ServerError(`cannot forward ${method}: the upstream's JSON-RPC URL is not known (no stream hello yet, upstream unreachable?); set --sequencer-rpc`);
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: this.id++, method, params }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new ServerError(`cannot forward ${method} to ${url}: ${(err as Error).message}`);
    }
    let body: any;
    try {
      body = await res.json();
    } catch {
      throw new ServerError(`upstream ${url} answered HTTP ${res.status} without a JSON-RPC response`);
    }
    if (body?.error) throw new RpcError(Number(body.error.code), String(body.error.message), body.error.data);
    return body?.result;
  }

  private remember(raw: Uint8Array): void {
    try {
      const tx = decodeSignedTx(raw);
      const sender = this.recovery.recover([tx])[0];
      if (!sender) return;
      const key = bytesToHex(sender);
      const prev = this.pending.get(key);
      if (!prev || prev.nonce <= tx.nonce) this.pending.set(key, { nonce: tx.nonce + 1n, at: Date.now() });
    } catch {
      /* the upstream accepted it; a local decoding quirk must not fail the request */
    }
  }

  async send(raw: Uint8Array): Promise<Uint8Array> {
    const hash = await this.call("eth_sendRawTransaction", [bytesToHex(raw)], 10_000);
    this.remember(raw);
    return hexToBytes(String(hash));
  }

  /** Forwards the sync variant; resolves with the transaction hash once the upstream returned its receipt. */
  async sendSync(raw: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const receipt = (await this.call("eth_sendRawTransactionSync", [bytesToHex(raw), timeoutMs], timeoutMs + 2000)) as { transactionHash: string };
    this.remember(raw);
    return hexToBytes(receipt.transactionHash);
  }

  /** The upstream's answer to eth_getTransactionByHash (geth's shape; null when it knows none either). */
  async transactionByHash(hash: Uint8Array): Promise<RpcTransaction | null> {
    return (await this.call("eth_getTransactionByHash", [bytesToHex(hash)], 5_000)) as RpcTransaction | null;
  }

  /** The nonce after the newest forwarded transaction of `address`, or 0 when none is pending. */
  pendingNonce(address: Uint8Array): bigint {
    const key = bytesToHex(address);
    const p = this.pending.get(key);
    if (!p) return 0n;
    if (Date.now() - p.at > PENDING_TTL_MS || this.stateNonce(address) >= p.nonce) {
      this.pending.delete(key);
      return 0n;
    }
    return p.nonce;
  }
}
