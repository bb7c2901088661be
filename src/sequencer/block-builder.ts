// The EVM block being built: mini-blocks append executed transactions and their receipts;
// seal() closes it into a header with every Cancun field computed.
import type { Common } from "@ethereumjs/common";
import type { BlockEnv, ExecResult } from "../exec/abi";
import { ExecStatus } from "../exec/abi";
import { BLOOM_BYTES, logsBloom, orBloom } from "../chain/bloom";
import { blobBaseFee, nextBaseFee, nextExcessBlobGas } from "../chain/fees";
import { EMPTY_OMMERS_HASH, headerHash } from "../chain/header";
import { encodeReceipt } from "../chain/receipts";
import { bigintToMinimalBytes, encode } from "../rlp/index";
import type { Block, Header, IncludedTx, Receipt } from "../chain/types";
import { bytesToHex, keccak256 } from "../crypto/index";
import { EMPTY_TRIE_ROOT, MerklePatriciaTrie } from "../trie/index";

export interface BuildParams {
  gasLimit: bigint;
  coinbase: Uint8Array;
}

export class BlockBuilder {
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly baseFee: bigint;
  readonly excessBlobGas: bigint;
  readonly prevRandao: Uint8Array;
  readonly env: BlockEnv;
  readonly transactions: IncludedTx[] = [];
  readonly receipts: Receipt[] = [];
  /** Transaction hash (hex) → index, for lookups of not-yet-sealed transactions. */
  readonly indexByHash = new Map<string, number>();
  gasUsed = 0n;
  /** Transactions (from the start) whose mini-blocks are durable: only these are served as included. */
  durableCount = 0;
  private logCount = 0;
  private readonly bloom = new Uint8Array(BLOOM_BYTES);
  // Built as transactions arrive, so sealing only hashes what changed since the last root.
  private readonly txTrie = new MerklePatriciaTrie();
  private readonly receiptTrie = new MerklePatriciaTrie();

  /** The child of `parent`, stamped `nowSeconds` (at least parent + 1: timestamps strictly increase). */
  constructor(
    readonly parent: Header,
    readonly parentHash: Uint8Array,
    readonly params: BuildParams,
    readonly common: Common,
    nowSeconds: bigint,
  ) {
    this.number = parent.number + 1n;
    this.timestamp = nowSeconds > parent.timestamp ? nowSeconds : parent.timestamp + 1n;
    this.baseFee = nextBaseFee(parent, common);
    this.excessBlobGas = nextExcessBlobGas(parent, common);
    // No beacon chain here: randomness is derived from the parent so it is deterministic.
    this.prevRandao = keccak256(parentHash);
    this.env = {
      number: this.number,
      timestamp: this.timestamp,
      gasLimit: params.gasLimit,
      chainId: common.chainId(),
      coinbase: params.coinbase,
      prevRandao: this.prevRandao,
      baseFee: this.baseFee,
      blobBaseFee: blobBaseFee(this.excessBlobGas, common),
    };
  }

  gasLeft(): bigint {
    return this.params.gasLimit - this.gasUsed;
  }

  /** Records an executed (valid) transaction and returns its receipt. */
  add(tx: IncludedTx, result: ExecResult): Receipt {
    const cumulative = this.gasUsed + result.gasUsed;
    const tip = tx.maxPriorityFeePerGas < tx.maxFeePerGas - this.baseFee ? tx.maxPriorityFeePerGas : tx.maxFeePerGas - this.baseFee;
    const receipt: Receipt = {
      type: tx.type,
      status: result.status === ExecStatus.Success ? 1 : 0,
      cumulativeGasUsed: cumulative,
      gasUsed: result.gasUsed,
      logs: result.logs,
      logsBloom: logsBloom(result.logs),
      contractAddress: result.createdAddress,
      effectiveGasPrice: tx.type === 0 || tx.type === 1 ? tx.gasPrice : this.baseFee + tip,
      from: tx.from,
      to: tx.to,
      transactionHash: tx.hash,
      transactionIndex: this.transactions.length,
      blockNumber: this.number,
      logIndexStart: this.logCount,
    };
    this.gasUsed = cumulative;
    this.logCount += result.logs.length;
    this.push(tx, receipt);
    return receipt;
  }

  /** Re-adds a transaction and receipt recovered from the mini-block log after a restart. */
  restore(tx: IncludedTx, receipt: Receipt): void {
    this.durableCount++;
    this.gasUsed = receipt.cumulativeGasUsed;
    this.logCount = receipt.logIndexStart + receipt.logs.length;
    this.push(tx, receipt);
  }

  private push(tx: IncludedTx, receipt: Receipt): void {
    const key = encode(bigintToMinimalBytes(BigInt(this.transactions.length)));
    this.txTrie.put(key, tx.raw);
    this.receiptTrie.put(key, encodeReceipt(receipt));
    orBloom(this.bloom, receipt.logsBloom);
    this.indexByHash.set(bytesToHex(tx.hash), this.transactions.length);
    this.transactions.push(tx);
    this.receipts.push(receipt);
  }

  /** The header as it stands (the pending block); seal() fixes the state root. */
  header(stateRoot: Uint8Array): Header {
    return {
      parentHash: this.parentHash,
      ommersHash: EMPTY_OMMERS_HASH,
      coinbase: this.params.coinbase,
      stateRoot,
      transactionsRoot: this.txTrie.root(),
      receiptsRoot: this.receiptTrie.root(),
      logsBloom: this.bloom.slice(),
      difficulty: 0n,
      number: this.number,
      gasLimit: this.params.gasLimit,
      gasUsed: this.gasUsed,
      timestamp: this.timestamp,
      extraData: new Uint8Array(0),
      prevRandao: this.prevRandao,
      nonce: new Uint8Array(8),
      baseFeePerGas: this.baseFee,
      withdrawalsRoot: EMPTY_TRIE_ROOT,
      blobGasUsed: 0n,
      excessBlobGas: this.excessBlobGas,
      parentBeaconBlockRoot: new Uint8Array(32),
    };
  }

  seal(stateRoot: Uint8Array): Block {
    const header = this.header(stateRoot);
    return { header, hash: headerHash(header), transactions: this.transactions };
  }
}

