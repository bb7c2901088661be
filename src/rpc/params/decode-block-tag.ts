// Block selectors: named tags, hex numbers, and (where state is read) EIP-1898 objects or a bare hash.
import type { BlockTag } from "../../chain/types";
import { decodeHash } from "./decode-data";
import { decodeQuantity } from "./decode-quantity";
import { fieldPath, paramError } from "./param-error";

const NAMED_TAGS = new Set(["latest", "pending", "safe", "finalized", "earliest"]);

const NUMBER_OR_TAG = 'a block number (quantity such as "0x1b4") or one of "latest", "pending", "safe", "finalized", "earliest"';
const NUMBER_TAG_OR_HASH = `${NUMBER_OR_TAG}, a block hash, or an EIP-1898 object {"blockHash": …} / {"blockNumber": …}`;

/** A block number or named tag, as eth_getBlockByNumber, eth_feeHistory and log filters take it. */
export function decodeBlockNumberOrTag(value: unknown, path: string): BlockTag {
  if (typeof value === "string" && NAMED_TAGS.has(value)) return value as BlockTag;
  if ((typeof value === "string" && value.startsWith("0x")) || typeof value === "number") return decodeQuantity(value, path, 64);
  throw paramError(path, NUMBER_OR_TAG, value);
}

/**
 * A block for state reads (eth_getBalance, eth_call, …): a number or tag, a bare 32-byte hash
 * (geth accepts one), or EIP-1898's {blockNumber} / {blockHash, requireCanonical}.
 */
export function decodeBlockNumberOrHash(value: unknown, path: string): BlockTag {
  if (typeof value === "string" && value.length === 66 && value.startsWith("0x")) return { hash: decodeHash(value, path) };
  if (typeof value === "string") {
    if (NAMED_TAGS.has(value) || value.startsWith("0x")) return decodeBlockNumberOrTag(value, path);
    throw paramError(path, NUMBER_TAG_OR_HASH, value);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw paramError(path, NUMBER_TAG_OR_HASH, value);
  const obj = value as Record<string, unknown>;
  const hasHash = obj.blockHash !== undefined && obj.blockHash !== null;
  const hasNumber = obj.blockNumber !== undefined && obj.blockNumber !== null;
  if (hasHash && hasNumber) {
    throw paramError(path, "either blockHash or blockNumber", value, "cannot specify both, choose one or the other");
  }
  if (hasHash) {
    const rc = obj.requireCanonical;
    if (rc !== undefined && rc !== null && typeof rc !== "boolean") {
      throw paramError(fieldPath(path, "requireCanonical"), "a boolean", rc);
    }
    // Every block this node serves is canonical (a sequencer does not fork), so the flag is moot.
    return { hash: decodeHash(obj.blockHash, fieldPath(path, "blockHash")) };
  }
  if (hasNumber) return decodeBlockNumberOrTag(obj.blockNumber, fieldPath(path, "blockNumber"));
  throw paramError(path, NUMBER_TAG_OR_HASH, value, 'an EIP-1898 object needs "blockHash" or "blockNumber"');
}
