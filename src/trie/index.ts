export { MerklePatriciaTrie, type TrieOptions } from "./trie";
export { SecureTrie } from "./secure-trie";
export { EMPTY_TRIE_ROOT } from "./empty-root";
export { MemoryNodeStore, type NodeStore } from "./node-store";
export {
  storageRoot,
  accountRlp,
  stateRoot,
  EMPTY_CODE_HASH,
  type AccountFields,
  type AccountState,
  type StorageSlots,
} from "./state-root";
export { logsHash, type LogEntry } from "./logs-hash";
