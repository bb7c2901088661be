import type { RlpInput } from "../../src/rlp";

const utf8 = new TextEncoder();

/** Test shorthand: strings become UTF-8 bytes, arrays recurse. */
export type Spec = string | Uint8Array | Spec[];

export function toInput(spec: Spec): RlpInput {
  if (typeof spec === "string") return utf8.encode(spec);
  if (spec instanceof Uint8Array) return spec;
  return spec.map(toInput);
}
