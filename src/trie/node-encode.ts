import { keccak256 } from "../crypto/keccak";
import { encodedStringLength, headerLength, LIST_OFFSET, STRING_OFFSET, writeHeader, writeString } from "../rlp/headers";
import { hexPrefixLength, writeHexPrefix } from "./hex-prefix";
import { BranchNode, ExtensionNode, HashRef, LeafNode, type TrieNode } from "./nodes";

// Nodes are encoded by hand into an exact-size buffer rather than through
// the generic RLP encoder: it avoids building throwaway RlpInput arrays for
// every node on every re-root.

/** Encoded size of a hex-prefixed path as an RLP string. */
function pathItemLength(path: Uint8Array): number {
  const n = hexPrefixLength(path.length);
  // A one-byte hex prefix is always < 0x80 (flag nibble ≤ 3), so it is its own encoding.
  return n === 1 ? 1 : headerLength(n) + n;
}

function writePathItem(buf: Uint8Array, pos: number, path: Uint8Array, isLeaf: boolean): number {
  const n = hexPrefixLength(path.length);
  if (n > 1) pos = writeHeader(buf, pos, n, STRING_OFFSET);
  return writeHexPrefix(buf, pos, path, isLeaf);
}

/**
 * Size of a child's reference inside its parent: the child's own encoding if
 * shorter than 32 bytes (inlined, as the Yellow Paper requires), else an RLP
 * string of its 32-byte hash. Children must already be encoded.
 */
function refLength(child: TrieNode | null): number {
  if (child === null) return 1;
  if (child instanceof HashRef) return 33;
  const enc = child.enc!;
  return enc.length < 32 ? enc.length : 33;
}

function writeRef(buf: Uint8Array, pos: number, child: TrieNode | null): number {
  if (child === null) {
    buf[pos] = STRING_OFFSET;
    return pos + 1;
  }
  let hash: Uint8Array;
  if (child instanceof HashRef) {
    hash = child.hash;
  } else {
    const enc = child.enc!;
    if (enc.length < 32) {
      buf.set(enc, pos);
      return pos + enc.length;
    }
    hash = child.hash!;
  }
  buf[pos] = STRING_OFFSET + 32;
  buf.set(hash, pos + 1);
  return pos + 33;
}

function encodeLeaf(node: LeafNode): Uint8Array {
  const payload = pathItemLength(node.path) + encodedStringLength(node.value);
  const out = new Uint8Array(headerLength(payload) + payload);
  let pos = writeHeader(out, 0, payload, LIST_OFFSET);
  pos = writePathItem(out, pos, node.path, true);
  writeString(out, pos, node.value);
  return out;
}

function encodeExtension(node: ExtensionNode): Uint8Array {
  const payload = pathItemLength(node.path) + refLength(node.child);
  const out = new Uint8Array(headerLength(payload) + payload);
  let pos = writeHeader(out, 0, payload, LIST_OFFSET);
  pos = writePathItem(out, pos, node.path, false);
  writeRef(out, pos, node.child);
  return out;
}

function encodeBranch(node: BranchNode): Uint8Array {
  const children = node.children;
  let payload = node.value === null ? 1 : encodedStringLength(node.value);
  for (let i = 0; i < 16; i++) payload += refLength(children[i]!);
  const out = new Uint8Array(headerLength(payload) + payload);
  let pos = writeHeader(out, 0, payload, LIST_OFFSET);
  for (let i = 0; i < 16; i++) pos = writeRef(out, pos, children[i]!);
  if (node.value === null) out[pos] = STRING_OFFSET;
  else writeString(out, pos, node.value);
  return out;
}

/**
 * Fills in `enc` (and `hash` where a parent will need it) for `node` and every
 * dirty node below it. Clean subtrees are skipped, which is what makes
 * re-rooting after a few changes cheap.
 */
export function ensureEncoded(node: TrieNode): void {
  if (node instanceof HashRef || node.enc !== null) return;
  let enc: Uint8Array;
  if (node instanceof BranchNode) {
    const children = node.children;
    for (let i = 0; i < 16; i++) {
      const c = children[i]!;
      if (c !== null) ensureEncoded(c);
    }
    enc = encodeBranch(node);
  } else if (node instanceof ExtensionNode) {
    ensureEncoded(node.child);
    enc = encodeExtension(node);
  } else {
    enc = encodeLeaf(node);
  }
  node.enc = enc;
  if (enc.length >= 32) node.hash = keccak256(enc);
}

/** The 32-byte hash of `node` as a trie root (hashed even when its encoding is short). */
export function rootHashOf(node: TrieNode): Uint8Array {
  if (node instanceof HashRef) return node.hash;
  ensureEncoded(node);
  if (node.hash === null) node.hash = keccak256(node.enc!);
  return node.hash;
}
