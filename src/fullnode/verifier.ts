// The full node's check of one EVM block: recover every sender, re-execute every transaction
// with this node's own core on its own state (serially, or with Block-STM workers, which give
// the same results by contract), and compare each transaction's receipt,
// each mini-block's state diff and finally the whole header (state root included) with what the
// sequencer streamed. The first difference stops the node with the seq, block, transaction and
// field that differ. Nothing from the stream is trusted: what gets stored is this node's result.
import type { Common } from "@ethereumjs/common";
import { ExecStatus, INVALID_MESSAGES, type AccountChange } from "../exec/abi";
import type { EvmCore } from "../exec/core";
import type { Header, Log, Receipt } from "../chain/types";
import { bytesEqual, bytesToHex, keccak256 } from "../crypto/index";
import { BlockBuilder } from "../sequencer/block-builder";
import { coreInput, includedTx, pendingTx } from "../sequencer/pending-tx";
import type { StateDb } from "../state/index";
import { StreamFatalError } from "../stream/client";
import { decodeSignedTx, type SenderRecovery, type SignedTx } from "../tx/index";
import type { BlockVerifier, StreamedMini } from "../replica/follower";
import { SerialExecutor, type BatchExecutor } from "../parallel/index";

export class DivergenceError extends StreamFatalError {
  override name = "DivergenceError";
}

const hex = bytesToHex;

export class ExecutingVerifier implements BlockVerifier {
  readonly counters = { txs: 0, blocks: 0, executeNs: 0, recoverNs: 0 };

  constructor(
    core: EvmCore,
    private readonly state: StateDb,
    private readonly common: Common,
    private readonly recovery: SenderRecovery,
    /** Runs each mini-block's transactions (default: serially on `core`). */
    private readonly executor: BatchExecutor = new SerialExecutor(core),
  ) {}

  verify(parent: { header: Header; hash: Uint8Array }, minis: StreamedMini[], header: Header, headerRlp: Uint8Array, sealSeq: bigint) {
    try {
      return this.run(parent, minis, header, headerRlp, sealSeq);
    } catch (err) {
      // Nothing since the last commit is kept: the node stops here.
      this.state.discard();
      throw err;
    }
  }

  private run(parent: { header: Header; hash: Uint8Array }, minis: StreamedMini[], header: Header, headerRlp: Uint8Array, sealSeq: bigint) {
    const n = header.number;
    const diverge = (seq: bigint, what: string) => {
      throw new DivergenceError(`DIVERGENCE at seq ${seq} (block ${n}): ${what}; refusing to continue`);
    };
    const b = new BlockBuilder(parent.header, parent.hash, { gasLimit: header.gasLimit, coinbase: header.coinbase }, this.common, header.timestamp);
    if (b.timestamp !== header.timestamp) diverge(sealSeq, `header timestamp ${header.timestamp} is not after the parent's ${parent.header.timestamp}`);
    if (b.baseFee !== header.baseFeePerGas) diverge(sealSeq, `header base fee ${header.baseFeePerGas}, the parent implies ${b.baseFee}`);
    if (!bytesEqual(b.prevRandao, header.prevRandao)) diverge(sealSeq, `header prevRandao ${hex(header.prevRandao)}, expected ${hex(b.prevRandao)}`);
    if (b.excessBlobGas !== header.excessBlobGas) diverge(sealSeq, `header excessBlobGas ${header.excessBlobGas}, expected ${b.excessBlobGas}`);

    // Senders: recovered here from the signatures, never taken from the stream.
    const signed: SignedTx[] = [];
    for (const m of minis)
      for (const t of m.mini.transactions) {
        try {
          signed.push(decodeSignedTx(t.raw));
        } catch (err) {
          diverge(m.frame.seq, `transaction ${signed.length} does not decode: ${(err as Error).message}`);
        }
      }
    const t0 = Bun.nanoseconds();
    const senders = signed.length ? this.recovery.recover(signed) : [];
    const t1 = Bun.nanoseconds();
    this.counters.recoverNs += t1 - t0;

    const changes: AccountChange[][] = [];
    const receipts: Receipt[][] = [];
    let k = 0;
    for (const m of minis) {
      const seq = m.frame.seq;
      const first = k;
      const inputs = m.mini.transactions.map((t, i) => {
        const s = signed[k]!;
        const sender = senders[k++];
        const at = `transaction ${hex(s.hash)} (mini-block index ${i})`;
        if (!sender) diverge(seq, `${at}: the signature does not recover a sender`);
        if (!bytesEqual(sender!, t.from)) diverge(seq, `${at}: the stream says sender ${hex(t.from)}, the signature recovers ${hex(sender!)}`);
        const theirs = m.mini.receipts[i];
        if (!theirs) diverge(seq, `${at}: no receipt in the stream`);
        if (!bytesEqual(theirs!.transactionHash, s.hash)) diverge(seq, `${at}: the stream's receipt is for ${hex(theirs!.transactionHash)}`);
        return coreInput(pendingTx(s, sender!, 0));
      });
      const results = this.executor.executeSync(b.env, inputs, this.state);
      const mine: AccountChange[] = [];
      const myReceipts: Receipt[] = [];
      results.forEach((r, i) => {
        const s = signed[first + i]!;
        const at = `transaction ${hex(s.hash)} (mini-block index ${i})`;
        if (r.status === ExecStatus.Invalid) diverge(seq, `${at} is invalid here: ${INVALID_MESSAGES[r.invalidReason]}`);
        for (const c of r.accounts) mine.push(c);
        const receipt = b.add(includedTx(s, senders[first + i]!), r);
        const d = receiptDifference(receipt, m.mini.receipts[i]!);
        if (d) diverge(seq, `${at}: receipt ${d}`);
        myReceipts.push(receipt);
      });
      const d = diffDifference(mine, m.changes);
      if (d) diverge(seq, `state diff differs: ${d}`);
      changes.push(mine);
      receipts.push(myReceipts);
    }
    this.counters.executeNs += Bun.nanoseconds() - t1;
    this.counters.txs += k;

    const root = this.state.computeStateRoot();
    const block = b.seal(root);
    const theirHash = keccak256(headerRlp);
    if (!bytesEqual(block.hash, theirHash)) {
      const fields = (Object.keys(header) as (keyof Header)[]).filter((f) => !same(header[f], block.header[f]));
      diverge(
        sealSeq,
        `block hash ${hex(theirHash)}, re-execution gives ${hex(block.hash)}; differing header fields: ` +
          fields.map((f) => `${f} (sequencer ${show(header[f])}, here ${show(block.header[f])})`).join(", "),
      );
    }
    // The executed state stays applied: it is what the follower commits with the block's rows.
    this.counters.blocks++;
    return { changes, receipts };
  }
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesEqual(a, b);
  return a === b;
}

function show(v: unknown): string {
  return v instanceof Uint8Array ? hex(v) : String(v);
}

function logsDifference(a: Log[], b: Log[]): string | null {
  if (a.length !== b.length) return `${a.length} logs here, ${b.length} in the stream`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (!bytesEqual(x.address, y.address)) return `log ${i} address ${hex(x.address)} here, ${hex(y.address)} in the stream`;
    if (x.topics.length !== y.topics.length || x.topics.some((t, j) => !bytesEqual(t, y.topics[j]!))) return `log ${i} topics differ`;
    if (!bytesEqual(x.data, y.data)) return `log ${i} data ${hex(x.data)} here, ${hex(y.data)} in the stream`;
  }
  return null;
}

/** The first field in which two receipts differ, as text; null when equal. */
export function receiptDifference(mine: Receipt, theirs: Receipt): string | null {
  const fields = ["type", "status", "cumulativeGasUsed", "gasUsed", "contractAddress", "effectiveGasPrice", "from", "to", "transactionHash", "transactionIndex", "blockNumber", "logIndexStart"] as const;
  for (const f of fields) {
    const a = mine[f], b = theirs[f];
    const eq = a instanceof Uint8Array || b instanceof Uint8Array ? a instanceof Uint8Array && b instanceof Uint8Array && bytesEqual(a, b) : a === b;
    if (!eq) return `${f}: ${show(a)} here, ${show(b)} in the stream`;
  }
  return logsDifference(mine.logs, theirs.logs);
}

interface NetAccount {
  deleted: boolean;
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array | null;
  storage: Map<string, Uint8Array>;
}

/** What a list of changes does in total (later changes win), so the comparison is independent of how an executor groups them. */
function netEffect(changes: AccountChange[]): Map<string, NetAccount> {
  const out = new Map<string, NetAccount>();
  for (const c of changes) {
    const k = hex(c.address);
    let a = out.get(k);
    if (c.deleted) {
      out.set(k, { deleted: true, nonce: 0n, balance: 0n, codeHash: null, storage: new Map() });
      continue;
    }
    if (!a) out.set(k, (a = { deleted: false, nonce: 0n, balance: 0n, codeHash: null, storage: new Map() }));
    a.deleted = false;
    a.nonce = c.nonce;
    a.balance = c.balance;
    a.codeHash = c.codeHash;
    for (const [slot, v] of c.storage) {
      let i = 0;
      while (i < v.length && v[i] === 0) i++;
      a.storage.set(hex(slot), v.subarray(i));
    }
  }
  return out;
}

/** The first difference between two state diffs, as text; null when they do the same. */
export function diffDifference(mine: AccountChange[], theirs: AccountChange[]): string | null {
  const a = netEffect(mine), b = netEffect(theirs);
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k), y = b.get(k);
    if (!x) return `the stream changes account ${k}, re-execution does not`;
    if (!y) return `re-execution changes account ${k}, the stream does not`;
    if (x.deleted !== y.deleted) return `account ${k} is ${x.deleted ? "" : "not "}deleted here, ${y.deleted ? "" : "not "}in the stream`;
    if (x.nonce !== y.nonce) return `account ${k} nonce ${x.nonce} here, ${y.nonce} in the stream`;
    if (x.balance !== y.balance) return `account ${k} balance ${x.balance} here, ${y.balance} in the stream`;
    if (!same(x.codeHash, y.codeHash)) return `account ${k} code hash ${show(x.codeHash)} here, ${show(y.codeHash)} in the stream`;
    for (const s of new Set([...x.storage.keys(), ...y.storage.keys()])) {
      const v = x.storage.get(s), w = y.storage.get(s);
      if (!v || !w || !bytesEqual(v, w)) return `account ${k} slot ${s} is ${v ? hex(v) : "untouched"} here, ${w ? hex(w) : "untouched"} in the stream`;
    }
  }
  return null;
}
