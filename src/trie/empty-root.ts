import { hexToBytes } from "../crypto/hex";

/** Root of the empty trie: keccak256(rlp("")). */
export const EMPTY_TRIE_ROOT: Uint8Array = hexToBytes(
  "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
);
