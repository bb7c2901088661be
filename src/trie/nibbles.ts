// Trie paths are Uint8Arrays holding one nibble (0-15) per element: cheap to
// index and slice, and free of the string conversions hex paths would need.

/** Splits each byte of `key` into its high and low nibble. */
export function bytesToNibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let i = 0; i < key.length; i++) {
    const b = key[i]!;
    out[2 * i] = b >> 4;
    out[2 * i + 1] = b & 15;
  }
  return out;
}

/** Length of the longest common prefix of `a` and `b[bStart..]`. */
export function commonPrefixLength(a: Uint8Array, b: Uint8Array, bStart: number): number {
  const max = Math.min(a.length, b.length - bStart);
  let i = 0;
  while (i < max && a[i] === b[bStart + i]) i++;
  return i;
}

/** True when `path` equals `key[start..]` exactly. */
export function matchesRest(path: Uint8Array, key: Uint8Array, start: number): boolean {
  if (path.length !== key.length - start) return false;
  for (let i = 0; i < path.length; i++) if (path[i] !== key[start + i]) return false;
  return true;
}

/** True when `key[start..]` begins with `path`. */
export function startsWithAt(key: Uint8Array, start: number, path: Uint8Array): boolean {
  if (key.length - start < path.length) return false;
  for (let i = 0; i < path.length; i++) if (path[i] !== key[start + i]) return false;
  return true;
}

/** `[first, ...rest]` as a fresh nibble path (used when collapsing a branch into its only child). */
export function prependNibble(first: number, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(rest.length + 1);
  out[0] = first;
  out.set(rest, 1);
  return out;
}

/** `a ++ b` as a fresh nibble path. */
export function concatNibbles(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
