/**
 * ECRECOVER (0x01): recover the signer address of an secp256k1 signature.
 *
 * Input is right-padded / truncated to 128 bytes: hash(32) || v(32) || r(32) || s(32).
 * `v` must be exactly 27 or 28 as a full 32-byte word; `r` and `s` must be in [1, n-1]
 * (no low-s rule). Any invalid input, including an unrecoverable signature, yields an
 * EMPTY output (the call still succeeds). Otherwise the output is 32 bytes: 12 zero
 * bytes followed by the 20-byte address (last 20 bytes of keccak256(X || Y)).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { isZeroAt } from '../../crypto/hex.ts';
import { padRight, readWord, viewOf } from './words.ts';

const N = secp256k1.Point.Fn.ORDER;
// Zero-length, hence immutable: safe to share between calls.
const EMPTY = new Uint8Array(0);

export function ecrecover(input: Uint8Array): Uint8Array {
  const data = padRight(input, 128);
  // v: upper 31 bytes zero, last byte 27 or 28.
  if (!isZeroAt(data, 32, 31)) return EMPTY;
  const vByte = data[63];
  if (vByte !== 27 && vByte !== 28) return EMPTY;
  const dv = viewOf(data);
  const r = readWord(dv, 64);
  const s = readWord(dv, 96);
  if (r === 0n || r >= N || s === 0n || s >= N) return EMPTY;

  let pub: Uint8Array;
  try {
    const sig = new secp256k1.Signature(r, s, vByte - 27);
    // The hash is used as-is (already a digest); recoverPublicKey throws if R is not
    // on the curve or the recovered key is the point at infinity.
    pub = sig.recoverPublicKey(data.subarray(0, 32)).toBytes(false); // 0x04 || X || Y
  } catch {
    return EMPTY;
  }
  const hash = keccak_256(pub.subarray(1));
  const out = new Uint8Array(32);
  out.set(hash.subarray(12), 12);
  return out;
}
