import { stateRoot, type AccountState } from "../trie/index";
import { decodeAccountRecord } from "./account-record";
import { bytesEqual } from "../crypto/hex";
import type { ChainEnv } from "./chain-env";
import { CorruptRecordError } from "./errors";

/**
 * The state root rebuilt from the account and storage rows alone, ignoring the
 * stored tries: an integrity check after a crash, and the oracle the tests
 * compare incremental roots with. Reads disk only, so call it with no commit in
 * flight. Cost is linear in the whole state.
 */
export function recomputeStateRoot(env: ChainEnv): Uint8Array {
  const { accounts, storage } = env.dbs;
  // Both databases are ordered by address, so one pass over each pairs them up.
  const rows = storage.getRange({})[Symbol.iterator]();
  let row = rows.next();
  const all: AccountState[] = [];
  for (const { key: address, value } of accounts.getRange({})) {
    const rec = decodeAccountRecord(value);
    if (typeof rec === "string") throw new CorruptRecordError("accounts", address, rec);
    const slots: [Uint8Array, Uint8Array][] = [];
    while (!row.done && compareAddress(row.value.key, address) < 0) row = rows.next(); // rows of deleted accounts would be a bug; skip
    while (!row.done && bytesEqual(row.value.key.subarray(0, 20), address)) {
      const word = new Uint8Array(32);
      word.set(row.value.value, 32 - row.value.value.length);
      slots.push([row.value.key.slice(20), word]);
      row = rows.next();
    }
    all.push({ address, nonce: rec.nonce, balance: rec.balance, codeHash: rec.codeHash, storage: slots });
  }
  return stateRoot(all);
}

function compareAddress(rowKey: Uint8Array, address: Uint8Array): number {
  for (let i = 0; i < 20; i++) if (rowKey[i] !== address[i]) return rowKey[i]! - address[i]!;
  return 0;
}
