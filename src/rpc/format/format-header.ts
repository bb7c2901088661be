import type { Header } from "../../chain/types";
import { bytesToHex } from "../../crypto";
import { toQuantity } from "./quantity";

/** Header fields as geth marshals them (eth_subscribe "newHeads", and the head of every block). */
export interface RpcHeader {
  hash: string;
  parentHash: string;
  sha3Uncles: string;
  miner: string;
  stateRoot: string;
  transactionsRoot: string;
  receiptsRoot: string;
  logsBloom: string;
  difficulty: string;
  number: string;
  gasLimit: string;
  gasUsed: string;
  timestamp: string;
  extraData: string;
  mixHash: string;
  nonce: string;
  baseFeePerGas: string;
  withdrawalsRoot: string;
  blobGasUsed: string;
  excessBlobGas: string;
  parentBeaconBlockRoot: string;
}

/** Formats a Cancun header with its hash. */
export function formatHeader(h: Header, hash: Uint8Array): RpcHeader {
  return {
    hash: bytesToHex(hash),
    parentHash: bytesToHex(h.parentHash),
    sha3Uncles: bytesToHex(h.ommersHash),
    miner: bytesToHex(h.coinbase),
    stateRoot: bytesToHex(h.stateRoot),
    transactionsRoot: bytesToHex(h.transactionsRoot),
    receiptsRoot: bytesToHex(h.receiptsRoot),
    logsBloom: bytesToHex(h.logsBloom),
    difficulty: toQuantity(h.difficulty),
    number: toQuantity(h.number),
    gasLimit: toQuantity(h.gasLimit),
    gasUsed: toQuantity(h.gasUsed),
    timestamp: toQuantity(h.timestamp),
    extraData: bytesToHex(h.extraData),
    mixHash: bytesToHex(h.prevRandao),
    nonce: bytesToHex(h.nonce),
    baseFeePerGas: toQuantity(h.baseFeePerGas),
    withdrawalsRoot: bytesToHex(h.withdrawalsRoot),
    blobGasUsed: toQuantity(h.blobGasUsed),
    excessBlobGas: toQuantity(h.excessBlobGas),
    parentBeaconBlockRoot: bytesToHex(h.parentBeaconBlockRoot),
  };
}
