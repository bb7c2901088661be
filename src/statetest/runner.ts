// Runs GeneralStateTests through the execution core: every post entry of the chosen fork,
// checking the post-state root, the logs hash and expectException.
import { ExecStatus, INVALID_MESSAGES } from "../exec/abi";
import type { EvmCore } from "../exec/core";
import { bytesToHex } from "../crypto/index";
import { logsHash } from "../trie/index";
import { blockEnv, preState, type StateTest, testsIn, transaction } from "./fixture";

export interface EntryResult {
  file: string;
  test: string;
  indexes: { data: number; gas: number; value: number };
  passed: boolean;
  /** What differed, when it failed. */
  problems: string[];
}

const U64 = 1n << 64n;
const U256 = 1n << 256n;

/** Runs every `fork` post entry of every test in one parsed fixture file. */
export function runFixture(core: EvmCore, file: string, json: unknown, fork = "Cancun"): EntryResult[] {
  const results: EntryResult[] = [];
  for (const t of testsIn(json)) {
    for (const p of t.post[fork] ?? []) results.push(runEntry(core, file, t, p));
  }
  return results;
}

function runEntry(core: EvmCore, file: string, t: StateTest, p: StateTest["post"][string][number]): EntryResult {
  const problems: string[] = [];
  const state = preState(t);
  const block = blockEnv(t);
  const tx = transaction(t, p);
  let invalid: string | null = null;
  let logs = logsHash([]);
  // Values no transaction encoding can carry are refused before the core sees them.
  if (tx.gasLimit >= U64 || tx.nonce >= U64 || tx.value >= U256) {
    invalid = tx.nonce >= U64 ? "nonce has max value" : tx.value >= U256 ? "value exceeds 256 bits" : "exceeds block gas limit";
  } else {
    const r = core.execute(block, tx, state);
    if (r.status === ExecStatus.Invalid) {
      invalid = INVALID_MESSAGES[r.invalidReason];
    } else {
      state.apply(r.accounts);
      logs = logsHash(r.logs);
    }
  }
  // geth's state-test driver credits the coinbase with zero even when the transaction was
  // rejected, so an empty pre-state coinbase is cleared either way (EIP-161).
  const cb = state.account(block.coinbase);
  if (cb && cb.nonce === 0n && cb.balance === 0n && cb.code.length === 0) state.delete(block.coinbase);

  if (p.expectException && !invalid) problems.push(`expected exception ${p.expectException}, but the transaction was valid`);
  if (!p.expectException && invalid) problems.push(`transaction rejected (${invalid}) but no exception was expected`);
  const root = bytesToHex(state.root());
  if (root !== p.hash.toLowerCase()) problems.push(`state root ${root}, expected ${p.hash}`);
  if (!invalid && bytesToHex(logs) !== p.logs.toLowerCase()) problems.push(`logs hash ${bytesToHex(logs)}, expected ${p.logs}`);
  return { file, test: t.name, indexes: p.indexes, passed: problems.length === 0, problems };
}
