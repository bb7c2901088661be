// Hex-prefix ("compact") encoding, Yellow Paper Appendix C: packs a nibble
// path into bytes, with the first nibble flagging odd length (bit 0) and
// whether the node is a leaf (bit 1).

/** Bytes needed to hex-prefix-encode a path of `nibbleCount` nibbles. */
export function hexPrefixLength(nibbleCount: number): number {
  return (nibbleCount >> 1) + 1;
}

/** Writes the hex-prefix encoding of `path` into `buf` at `pos`; returns the position after it. */
export function writeHexPrefix(buf: Uint8Array, pos: number, path: Uint8Array, isLeaf: boolean): number {
  const flag = isLeaf ? 2 : 0;
  const n = path.length;
  let i = 0;
  if (n & 1) {
    buf[pos++] = ((flag | 1) << 4) | path[0]!;
    i = 1;
  } else {
    buf[pos++] = flag << 4;
  }
  for (; i < n; i += 2) buf[pos++] = (path[i]! << 4) | path[i + 1]!;
  return pos;
}

/** Hex-prefix encoding of `path` as a new byte array. */
export function encodeHexPrefix(path: Uint8Array, isLeaf: boolean): Uint8Array {
  const out = new Uint8Array(hexPrefixLength(path.length));
  writeHexPrefix(out, 0, path, isLeaf);
  return out;
}

/** Inverse of `encodeHexPrefix`; throws on an invalid flag nibble or padding. */
export function decodeHexPrefix(bytes: Uint8Array): { path: Uint8Array; isLeaf: boolean } {
  if (bytes.length === 0) throw new Error("hex-prefix: empty encoding");
  const flag = bytes[0]! >> 4;
  if (flag > 3) throw new Error(`hex-prefix: invalid flag nibble ${flag}`);
  const odd = (flag & 1) === 1;
  if (!odd && (bytes[0]! & 15) !== 0) throw new Error("hex-prefix: non-zero padding nibble");
  const path = new Uint8Array((bytes.length - 1) * 2 + (odd ? 1 : 0));
  let j = 0;
  if (odd) path[j++] = bytes[0]! & 15;
  for (let i = 1; i < bytes.length; i++) {
    path[j++] = bytes[i]! >> 4;
    path[j++] = bytes[i]! & 15;
  }
  return { path, isLeaf: (flag & 2) === 2 };
}
