// Low-level RLP framing shared by the generic encoder and by callers (the
// trie node encoder) that write RLP straight into their own buffers.

/** Offset added to a short string's length in its one-byte header. */
export const STRING_OFFSET = 0x80;
/** Offset added to a short list's payload length in its one-byte header. */
export const LIST_OFFSET = 0xc0;

/** Number of bytes needed to write `n` (> 0) big-endian with no leading zeros. */
export function byteLengthOf(n: number): number {
  let len = 1;
  // Division, not shifts: payload lengths may exceed 2^31.
  while (n >= 256) {
    n = Math.floor(n / 256);
    len++;
  }
  return len;
}

/** Size of the header that precedes a payload of `payloadLength` bytes. */
export function headerLength(payloadLength: number): number {
  return payloadLength < 56 ? 1 : 1 + byteLengthOf(payloadLength);
}

/**
 * Writes a string (`offset` 0x80) or list (`offset` 0xc0) header for a payload
 * of `payloadLength` bytes at `pos`; returns the position after it.
 */
export function writeHeader(buf: Uint8Array, pos: number, payloadLength: number, offset: number): number {
  if (payloadLength < 56) {
    buf[pos] = offset + payloadLength;
    return pos + 1;
  }
  const lenBytes = byteLengthOf(payloadLength);
  buf[pos] = offset + 55 + lenBytes;
  let n = payloadLength;
  for (let i = lenBytes; i >= 1; i--) {
    buf[pos + i] = n % 256;
    n = Math.floor(n / 256);
  }
  return pos + 1 + lenBytes;
}

/** Encoded size of the byte string `bytes` (header included). */
export function encodedStringLength(bytes: Uint8Array): number {
  const len = bytes.length;
  if (len === 1 && bytes[0]! < 0x80) return 1;
  return headerLength(len) + len;
}

/** Writes `bytes` as an RLP string at `pos`; returns the position after it. */
export function writeString(buf: Uint8Array, pos: number, bytes: Uint8Array): number {
  const len = bytes.length;
  if (len === 1 && bytes[0]! < 0x80) {
    buf[pos] = bytes[0]!;
    return pos + 1;
  }
  pos = writeHeader(buf, pos, len, STRING_OFFSET);
  buf.set(bytes, pos);
  return pos + len;
}
