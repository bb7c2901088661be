// Cancun block headers: RLP encoding (Yellow Paper order plus the EIP-1559/4895/4844/4788
// fields) and the block hash keccak256(rlp(header)).
import { keccak256 } from "../crypto/index";
import { bigintToMinimalBytes, decode, encode, minimalBytesToBigInt, type RlpInput } from "../rlp/index";
import type { Header } from "./types";

const q = bigintToMinimalBytes;

export function encodeHeader(h: Header): Uint8Array {
  return encode([
    h.parentHash,
    h.ommersHash,
    h.coinbase,
    h.stateRoot,
    h.transactionsRoot,
    h.receiptsRoot,
    h.logsBloom,
    q(h.difficulty),
    q(h.number),
    q(h.gasLimit),
    q(h.gasUsed),
    q(h.timestamp),
    h.extraData,
    h.prevRandao,
    h.nonce,
    q(h.baseFeePerGas),
    h.withdrawalsRoot,
    q(h.blobGasUsed),
    q(h.excessBlobGas),
    h.parentBeaconBlockRoot,
  ]);
}

export function decodeHeader(bytes: Uint8Array): Header {
  const f = decode(bytes) as Uint8Array[];
  if (!Array.isArray(f) || f.length !== 20) throw new Error(`not a Cancun header: ${Array.isArray(f) ? f.length : "non-list"} fields`);
  const n = (i: number) => minimalBytesToBigInt(f[i] as Uint8Array);
  const b = (i: number) => (f[i] as Uint8Array).slice();
  return {
    parentHash: b(0), ommersHash: b(1), coinbase: b(2), stateRoot: b(3), transactionsRoot: b(4), receiptsRoot: b(5),
    logsBloom: b(6), difficulty: n(7), number: n(8), gasLimit: n(9), gasUsed: n(10), timestamp: n(11), extraData: b(12),
    prevRandao: b(13), nonce: b(14), baseFeePerGas: n(15), withdrawalsRoot: b(16), blobGasUsed: n(17),
    excessBlobGas: n(18), parentBeaconBlockRoot: b(19),
  };
}

export function headerHash(h: Header): Uint8Array {
  return keccak256(encodeHeader(h));
}

/** keccak256(rlp([])): the ommers hash of every post-merge block. */
export const EMPTY_OMMERS_HASH = keccak256(encode([] as RlpInput[]));
