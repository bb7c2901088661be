// Flat byte layouts for recovery batches. Backends and workers see only these
// buffers, so a batch crosses the FFI boundary or a worker's message port as
// one contiguous transferable block instead of many small objects.
import { bigintToBytes32 } from "../../crypto";
import { isZeroAt } from "../../crypto/hex";
import type { SignedTx } from "../signed-tx";
import { SECP256K1_HALF_N, SECP256K1_N } from "../secp256k1-order";

/** Bytes per input record: signingHash(32) ‖ r(32) ‖ s(32) ‖ yParity(1). */
export const SIGNATURE_RECORD_BYTES = 97;
/** Offset of the 64-byte compact r ‖ s inside an input record. */
export const COMPACT_SIG_OFFSET = 32;
/** Offset of the recovery id inside an input record. */
export const RECOVERY_ID_OFFSET = 96;
/** Bytes per output record: ok(1: 1 = recovered, 0 = invalid) ‖ address(20). */
export const SENDER_RECORD_BYTES = 21;

const MASK64 = (1n << 64n) - 1n;
const N_BYTES = bigintToBytes32(SECP256K1_N);
const HALF_N_BYTES = bigintToBytes32(SECP256K1_HALF_N);

function writeUint256(view: DataView, offset: number, n: bigint): void {
  // Four 64-bit stores instead of 32 byte-wise bigint shifts.
  view.setBigUint64(offset, (n >> 192n) & MASK64);
  view.setBigUint64(offset + 8, (n >> 128n) & MASK64);
  view.setBigUint64(offset + 16, (n >> 64n) & MASK64);
  view.setBigUint64(offset + 24, n & MASK64);
}

/** Packs `txs[start..end)` into one buffer of `SIGNATURE_RECORD_BYTES` records. */
export function packSignatures(txs: readonly SignedTx[], start = 0, end = txs.length): Uint8Array {
  const out = new Uint8Array((end - start) * SIGNATURE_RECORD_BYTES);
  const view = new DataView(out.buffer);
  for (let i = start, o = 0; i < end; i++, o += SIGNATURE_RECORD_BYTES) {
    const tx = txs[i]!;
    out.set(tx.signingHash, o);
    writeUint256(view, o + 32, tx.r);
    writeUint256(view, o + 64, tx.s);
    out[o + RECOVERY_ID_OFFSET] = tx.yParity;
  }
  return out;
}

/** Packs one signature given as raw parts (tests and tools; intake uses `packSignatures`). */
export function packSignatureRecord(out: Uint8Array, index: number, hash: Uint8Array, r: bigint, s: bigint, recoveryId: number): void {
  const o = index * SIGNATURE_RECORD_BYTES;
  out.set(hash, o);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  writeUint256(view, o + 32, r);
  writeUint256(view, o + 64, s);
  out[o + RECOVERY_ID_OFFSET] = recoveryId;
}

/** -1, 0 or 1 as the 32-byte big-endian word at `buf[offset]` is below, equal to or above `ref`. */
function compareWord(buf: Uint8Array, offset: number, ref: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const d = buf[offset + i]! - ref[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Whether the record at `offset` has r in [1, n-1], s in [1, n/2] and a
 * recovery id of 0 or 1. Every backend applies this same gate first, so they
 * agree on what is invalid, and hand-built `SignedTx`s cannot slip a
 * malleable high-s signature past recovery.
 */
export function signatureScalarsValid(sigs: Uint8Array, offset: number): boolean {
  const r = offset + COMPACT_SIG_OFFSET;
  const s = r + 32;
  const recoveryId = sigs[offset + RECOVERY_ID_OFFSET]!;
  return (
    recoveryId <= 1 &&
    !isZeroAt(sigs, r, 32) &&
    compareWord(sigs, r, N_BYTES) < 0 &&
    !isZeroAt(sigs, s, 32) &&
    compareWord(sigs, s, HALF_N_BYTES) <= 0
  );
}

/** Unpacks output records into one 20-byte address (or `null` for invalid) per signature. */
export function unpackSenders(out: Uint8Array, count: number): (Uint8Array | null)[] {
  const senders: (Uint8Array | null)[] = new Array(count);
  for (let i = 0, o = 0; i < count; i++, o += SENDER_RECORD_BYTES) {
    senders[i] = out[o] === 1 ? out.slice(o + 1, o + SENDER_RECORD_BYTES) : null;
  }
  return senders;
}
