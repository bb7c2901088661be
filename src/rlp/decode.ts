import { RlpError } from "./rlp-error";
import type { RlpInput } from "./types";

// Cursor shared by the recursive reader instead of returning tuples, which
// would allocate per item.
let cursor = 0;

const MAX_LENGTH = 2 ** 44;
// Nesting this deep never occurs in Ethereum data; refusing it keeps hostile
// input from overflowing the JS stack with a non-RlpError.
const MAX_DEPTH = 1024;

/** Reads a big-endian length of `size` bytes at `pos`, rejecting leading zeros and overruns. */
function readLength(bytes: Uint8Array, pos: number, size: number, end: number): number {
  if (pos + size > end) throw new RlpError(`length-of-length ${size} runs past the end of input`, pos);
  if (bytes[pos] === 0) throw new RlpError("length has a leading zero byte", pos);
  let len = 0;
  for (let i = 0; i < size; i++) {
    len = len * 256 + bytes[pos + i]!;
    // No input is this large; stop before `len * 256` loses float precision.
    if (len > MAX_LENGTH) throw new RlpError("declared length runs past the end of input", pos);
  }
  if (len < 56) throw new RlpError(`long-form length ${len} should use the short form`, pos - 1);
  return len;
}

function readItem(bytes: Uint8Array, end: number, depth: number): RlpInput {
  const start = cursor;
  if (start >= end) throw new RlpError("unexpected end of input", start);
  const prefix = bytes[start]!;

  if (prefix < 0x80) {
    cursor = start + 1;
    return bytes.subarray(start, start + 1);
  }

  if (prefix < 0xc0) {
    let len: number;
    let bodyStart: number;
    if (prefix <= 0xb7) {
      len = prefix - 0x80;
      bodyStart = start + 1;
    } else {
      const size = prefix - 0xb7;
      len = readLength(bytes, start + 1, size, end);
      bodyStart = start + 1 + size;
    }
    const bodyEnd = bodyStart + len;
    if (bodyEnd > end) throw new RlpError(`string of length ${len} runs past the end of input`, start);
    if (len === 1 && bytes[bodyStart]! < 0x80) {
      throw new RlpError("single byte below 0x80 must be encoded as itself", start);
    }
    cursor = bodyEnd;
    return bytes.subarray(bodyStart, bodyEnd);
  }

  let len: number;
  let bodyStart: number;
  if (prefix <= 0xf7) {
    len = prefix - 0xc0;
    bodyStart = start + 1;
  } else {
    const size = prefix - 0xf7;
    len = readLength(bytes, start + 1, size, end);
    bodyStart = start + 1 + size;
  }
  const bodyEnd = bodyStart + len;
  if (bodyEnd > end) throw new RlpError(`list of length ${len} runs past the end of input`, start);
  if (depth >= MAX_DEPTH) throw new RlpError(`lists nested deeper than ${MAX_DEPTH}`, start);
  const items: RlpInput[] = [];
  cursor = bodyStart;
  // Items are bounded by the list's end, so an item overrunning its list is
  // reported as running past the end rather than silently borrowing bytes.
  while (cursor < bodyEnd) items.push(readItem(bytes, bodyEnd, depth + 1));
  return items;
}

/**
 * Decodes exactly one RLP item occupying all of `bytes`. Strict: rejects
 * non-canonical forms, trailing bytes and absurd nesting, throwing `RlpError`.
 * Returned byte strings are views into `bytes` (no copy): copy them if the
 * input buffer will be reused.
 */
export function decode(bytes: Uint8Array): RlpInput {
  cursor = 0;
  const item = readItem(bytes, bytes.length, 0);
  if (cursor !== bytes.length) {
    throw new RlpError(`${bytes.length - cursor} trailing byte(s) after the item`, cursor);
  }
  return item;
}
