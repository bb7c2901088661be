import { encodedStringLength, headerLength, LIST_OFFSET, writeHeader, writeString } from "./headers";
import type { RlpInput } from "./types";

// Two passes over the input: the first measures every list's payload (in
// pre-order) so the second can write headers and bodies straight into one
// exact-size buffer, with no intermediate arrays or concatenation.
// The scratch list is module-level to avoid an allocation per call; encoding
// is synchronous and never re-entered, so sharing it is safe.
let listPayloads: number[] = [];

function measure(item: RlpInput): number {
  if (item instanceof Uint8Array) return encodedStringLength(item);
  if (!Array.isArray(item)) throw new TypeError(`rlp encode: expected Uint8Array or array, got ${typeof item}`);
  const slot = listPayloads.length;
  listPayloads.push(0);
  let payload = 0;
  for (let i = 0; i < item.length; i++) payload += measure(item[i]!);
  listPayloads[slot] = payload;
  return headerLength(payload) + payload;
}

let nextList = 0;

function write(buf: Uint8Array, pos: number, item: RlpInput): number {
  if (item instanceof Uint8Array) return writeString(buf, pos, item);
  pos = writeHeader(buf, pos, listPayloads[nextList++]!, LIST_OFFSET);
  for (let i = 0; i < item.length; i++) pos = write(buf, pos, item[i]!);
  return pos;
}

/** RLP-encodes a byte string or nested list of byte strings. */
export function encode(input: RlpInput): Uint8Array {
  if (input instanceof Uint8Array) {
    const out = new Uint8Array(encodedStringLength(input));
    writeString(out, 0, input);
    return out;
  }
  listPayloads.length = 0;
  nextList = 0;
  try {
    const out = new Uint8Array(measure(input));
    write(out, 0, input);
    return out;
  } finally {
    // Don't pin a huge scratch array after one unusually large encode.
    if (listPayloads.length > 4096) listPayloads = [];
  }
}
