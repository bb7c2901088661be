import { dlopen, FFIType, ptr, type Pointer } from "bun:ffi";
import { bytesEqual, hexToBytes, keccak256 } from "../../crypto";
import type { SignedTx } from "../signed-tx";
import {
  COMPACT_SIG_OFFSET,
  RECOVERY_ID_OFFSET,
  SENDER_RECORD_BYTES,
  SIGNATURE_RECORD_BYTES,
  signatureScalarsValid,
} from "./packed-signatures";
import { recoverViaPacked } from "./recover-via-packed";
import { NativeSecp256k1UnavailableError } from "./recovery-errors";
import type { PackedSenderRecovery } from "./sender-recovery";

/**
 * Where to look for Debian's libsecp256k1-1: the bare soname lets the dynamic
 * loader search its usual paths (any architecture); the full path covers
 * setups where the loader cache is stale.
 */
export const LIBSECP256K1_CANDIDATES = ["libsecp256k1.so.1", "/usr/lib/x86_64-linux-gnu/libsecp256k1.so.1"];

// From secp256k1.h. VERIFY (not NONE) so that releases before 0.2, where
// context flags still mattered, can recover too.
const SECP256K1_CONTEXT_VERIFY = 0x101;
const SECP256K1_EC_UNCOMPRESSED = 0x2;

const SYMBOLS = {
  secp256k1_context_create: { args: [FFIType.u32], returns: FFIType.ptr },
  secp256k1_context_destroy: { args: [FFIType.ptr], returns: FFIType.void },
  // (ctx, secp256k1_ecdsa_recoverable_signature* out(65), const uchar* input64, int recid)
  secp256k1_ecdsa_recoverable_signature_parse_compact: {
    args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.i32],
    returns: FFIType.i32,
  },
  // (ctx, secp256k1_pubkey* out(64), const secp256k1_ecdsa_recoverable_signature*, const uchar* msghash32)
  secp256k1_ecdsa_recover: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  // (ctx, uchar* output, size_t* outputlen, const secp256k1_pubkey*, uint flags)
  secp256k1_ec_pubkey_serialize: {
    args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.u32],
    returns: FFIType.i32,
  },
} as const;

// Known answer: private key 1 signing keccak256("bunseq libsecp256k1 self-test").
// Checked at load so a mismatched ABI is caught before it mis-attributes senders.
const SELF_TEST_RECORD = hexToBytes(
  "0x8457ac4267797dee2a946b5d9807fcebf132f114ed1d9699623ebd4d1435e49c" +
    "29830c8a988cdc0a0b9bf3a11ccd4eddfc1417e9da594042087639e8c4b01aa9" +
    "51b256372bb06361c5a55a0c90ccb6ecdaafc06073290a6812a35e708eeb841d" +
    "01",
);
const SELF_TEST_ADDRESS = hexToBytes("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");

type Symbols = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];

/**
 * Sender recovery through Debian's libsecp256k1 (recovery module) via
 * bun:ffi. Construct with `loadLibsecp256k1Recovery`. Not thread-safe across
 * workers by sharing; each worker loads its own.
 */
export class Libsecp256k1Recovery implements PackedSenderRecovery {
  readonly name = "libsecp256k1";
  readonly libraryPath: string;
  readonly #lib: Symbols;
  readonly #ctx: Pointer;
  // Scratch reused across every call: FFI sees fixed addresses and the hot
  // loop allocates nothing but the keccak digest.
  readonly #recSig = new Uint8Array(65);
  readonly #pubkey = new Uint8Array(64);
  readonly #serialized = new Uint8Array(65);
  readonly #serializedBody = this.#serialized.subarray(1);
  readonly #outLen = new BigUint64Array(1);
  readonly #recSigPtr: Pointer;
  readonly #pubkeyPtr: Pointer;
  readonly #serializedPtr: Pointer;
  readonly #outLenPtr: Pointer;

  constructor(lib: Symbols, libraryPath: string) {
    this.#lib = lib;
    this.libraryPath = libraryPath;
    const ctx: unknown = lib.secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
    // bun:ffi hands pointers back as numbers; anything else means NULL or an unexpected binding.
    if (typeof ctx !== "number" || ctx === 0) {
      throw new NativeSecp256k1UnavailableError(`secp256k1_context_create returned ${String(ctx)} (${libraryPath})`);
    }
    this.#ctx = ctx as Pointer;
    this.#recSigPtr = ptr(this.#recSig);
    this.#pubkeyPtr = ptr(this.#pubkey);
    this.#serializedPtr = ptr(this.#serialized);
    this.#outLenPtr = ptr(this.#outLen);
  }

  /** Recovers each transaction's sender; `null` where the signature is invalid. */
  recover(txs: SignedTx[]): (Uint8Array | null)[] {
    return recoverViaPacked(this, txs);
  }

  /** Recovers `count` packed records from `sigs` into `out` (see packed-signatures.ts). */
  recoverPacked(sigs: Uint8Array, count: number, out: Uint8Array): void {
    if (sigs.length < count * SIGNATURE_RECORD_BYTES || out.length < count * SENDER_RECORD_BYTES) {
      throw new RangeError(`recoverPacked: buffers too small for ${count} records (sigs ${sigs.length} B, out ${out.length} B)`);
    }
    if (count === 0) return;
    const lib = this.#lib;
    const ctx = this.#ctx;
    const base = ptr(sigs) as number;
    const serialized = this.#serialized;
    for (let i = 0; i < count; i++) {
      const rec = i * SIGNATURE_RECORD_BYTES;
      const o = i * SENDER_RECORD_BYTES;
      out[o] = 0;
      if (!signatureScalarsValid(sigs, rec)) continue;
      const recordPtr = (base + rec) as Pointer;
      if (
        lib.secp256k1_ecdsa_recoverable_signature_parse_compact(
          ctx,
          this.#recSigPtr,
          (base + rec + COMPACT_SIG_OFFSET) as Pointer,
          sigs[rec + RECOVERY_ID_OFFSET]!,
        ) !== 1
      ) {
        continue;
      }
      if (lib.secp256k1_ecdsa_recover(ctx, this.#pubkeyPtr, this.#recSigPtr, recordPtr) !== 1) continue;
      this.#outLen[0] = 65n;
      lib.secp256k1_ec_pubkey_serialize(ctx, this.#serializedPtr, this.#outLenPtr, this.#pubkeyPtr, SECP256K1_EC_UNCOMPRESSED);
      if (serialized[0] !== 0x04) continue; // cannot happen for a valid key; never emit a wrong address if it does
      const digest = keccak256(this.#serializedBody);
      out[o] = 1;
      for (let b = 0; b < 20; b++) out[o + 1 + b] = digest[12 + b]!;
    }
  }
}

/**
 * Loads libsecp256k1 from the first candidate path that opens, and checks it
 * with a known-answer recovery. Throws `NativeSecp256k1UnavailableError`
 * (with every path's failure in the message) when none works.
 */
export function loadLibsecp256k1Recovery(candidates: readonly string[] = LIBSECP256K1_CANDIDATES): Libsecp256k1Recovery {
  const failures: string[] = [];
  for (const path of candidates) {
    let backend: Libsecp256k1Recovery;
    try {
      backend = new Libsecp256k1Recovery(dlopen(path, SYMBOLS).symbols, path);
    } catch (err) {
      failures.push(`"${path}": ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const out = new Uint8Array(SENDER_RECORD_BYTES);
    backend.recoverPacked(SELF_TEST_RECORD, 1, out);
    if (out[0] !== 1 || !bytesEqual(out.subarray(1), SELF_TEST_ADDRESS)) {
      failures.push(`"${path}": self-test recovery returned the wrong address`);
      continue;
    }
    return backend;
  }
  throw new NativeSecp256k1UnavailableError(`libsecp256k1 with the recovery module could not be loaded: ${failures.join("; ")}`);
}
