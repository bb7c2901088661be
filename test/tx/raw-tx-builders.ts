// Re-encode transaction field lists so tests can corrupt one field at a time.
import { bigintToMinimalBytes, decode, encode, type RlpInput } from "../../src/rlp";

/** Minimal (canonical) RLP scalar bytes of `n`. */
export function uint(n: bigint | number): Uint8Array {
  return bigintToMinimalBytes(BigInt(n));
}

/** The field list of a raw transaction (typed or legacy). */
export function fieldsOf(raw: Uint8Array): RlpInput[] {
  return decode(raw[0]! >= 0xc0 ? raw : raw.subarray(1)) as RlpInput[];
}

/** Raw bytes of a transaction with `fields`, in the envelope of `type` (0 = legacy). */
export function rawTx(type: number, fields: RlpInput[]): Uint8Array {
  const body = encode(fields);
  if (type === 0) return body;
  const out = new Uint8Array(body.length + 1);
  out[0] = type;
  out.set(body, 1);
  return out;
}

/** `fields` with entry `index` replaced. */
export function withField(fields: RlpInput[], index: number, value: RlpInput): RlpInput[] {
  const copy = fields.slice();
  copy[index] = value;
  return copy;
}

/** `a ‖ b`. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
