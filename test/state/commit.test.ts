import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { bytesToHex, keccak256 } from "../../src/crypto";
import { EMPTY_TRIE_ROOT } from "../../src/trie";
import {
  ChainStore,
  GenesisMismatchError,
  IncompleteCommitError,
  recomputeStateRoot,
  StateCommitFailedError,
  StoreClosedError,
  type BinaryDatabase,
} from "../../src/state";
import { address, change, removeDir, slot, tempDatadir, word } from "./helpers";

const bytes = (...b: number[]) => new Uint8Array(b);
const COMMIT_KEY = new TextEncoder().encode("commits");
const extraDirs: string[] = [];
/** A scratch datadir for the afterEach hook to close, when a test leaves its own unopenable. */
function tempDatadirForCleanup(): string {
  const d = tempDatadir();
  extraDirs.push(d);
  return d;
}

describe("state: atomic commits", () => {
  let dir: string;
  let store: ChainStore;
  beforeEach(() => {
    dir = tempDatadir();
    store = ChainStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    removeDir(dir);
    for (const d of extraDirs.splice(0)) removeDir(d);
  });

  test("a commit whose extra callback throws writes nothing and keeps the overlay", async () => {
    store.state.apply([change(address(1), { balance: 10n }, [[slot(0), word(1n)]])]);
    const root = store.state.computeStateRoot();
    expect(() =>
      store.commit((b) => {
        store.chain.putMiniBlock(b, 1n, bytes(1));
        throw new Error("receipt encoding failed");
      }),
    ).toThrow("receipt encoding failed");
    expect(store.state.commitsInFlight).toBe(0);
    await store.close();

    store = ChainStore.open(dir);
    expect(store.head().stateRoot).toEqual(EMPTY_TRIE_ROOT);
    expect(store.chain.getMiniBlock(1n)).toBeUndefined();
    for (const name of ["accounts", "storage", "trieNodes", "meta"] as const) {
      expect(store.env.dbs[name].getKeysCount()).toBe(0);
    }

    // Without the reopen the overlay is intact and a retry writes it all.
    store.state.apply([change(address(1), { balance: 10n }, [[slot(0), word(1n)]])]);
    expect(() => store.commit(() => { throw new Error("again"); })).toThrow("again");
    expect(store.state.account(address(1))!.balance).toBe(10n);
    expect(await store.commit((b) => store.chain.putMiniBlock(b, 1n, bytes(1)))).toEqual(root);
    expect(store.chain.getMiniBlock(1n)).toEqual(bytes(1));
    expect(recomputeStateRoot(store.env)).toEqual(root);
  });

  test("a commit that does not land makes the ones queued behind it skip, not land on a hole", async () => {
    store.state.apply([change(address(1), { balance: 1n })]);
    const first = await store.commit((b) => store.chain.putMiniBlock(b, 1n, bytes(1)));

    // Stand-in for a commit lost in LMDB: the on-disk counter no longer matches
    // what the next commit expects, as if its predecessor had failed.
    const counter = store.env.commitCounter.getEntry(COMMIT_KEY)!;
    store.env.commitCounter.putSync(COMMIT_KEY, counter.value, counter.version! + 100);

    store.state.apply([change(address(2), { balance: 2n }, [[slot(0), word(2n)]])]);
    const skipped = store.commit((b) => store.chain.putMiniBlock(b, 2n, bytes(2)));
    store.state.apply([change(address(3), { balance: 3n })]);
    const queued = store.commit((b) => store.chain.putMiniBlock(b, 3n, bytes(3)));
    await expect(skipped).rejects.toBeInstanceOf(StateCommitFailedError);
    await expect(queued).rejects.toBeInstanceOf(StateCommitFailedError);
    expect(() => store.state.account(address(1))).toThrow(StateCommitFailedError);
    expect(() => store.state.apply([])).toThrow(StateCommitFailedError);
    await store.close();

    store = ChainStore.open(dir);
    expect(store.head().stateRoot).toEqual(first);
    expect(store.chain.getMiniBlock(1n)).toEqual(bytes(1));
    expect(store.chain.getMiniBlock(2n)).toBeUndefined();
    expect(store.chain.getMiniBlock(3n)).toBeUndefined();
    expect(store.state.account(address(2))).toBeUndefined();
    expect(store.state.account(address(3))).toBeUndefined();
    expect(store.env.dbs.storage.getKeysCount()).toBe(0);
    expect(recomputeStateRoot(store.env)).toEqual(first);
  });

  test("a commit that breaks off while being queued is refused at the next open", async () => {
    store.state.apply([change(address(1), { balance: 1n })]);
    await store.commit();
    const receipts = store.env.dbs.receipts as { put: unknown };
    receipts.put = () => {
      throw new Error("simulated encoder failure");
    };
    store.state.apply([change(address(2), { balance: 2n })]);
    expect(() => store.commit((b) => store.chain.putReceipts(b, 1n, [bytes(1)]))).toThrow(StateCommitFailedError);
    await store.close();
    expect(() => ChainStore.open(dir)).toThrow(IncompleteCommitError);
    store = ChainStore.open(tempDatadirForCleanup());
  });

  test("rows LMDB would refuse are refused before anything is queued", () => {
    expect(() => store.state.apply([change(new Uint8Array(19), {})])).toThrow(RangeError);
    expect(() => store.commit((b) => b.put("meta", new Uint8Array(0), bytes(1)))).toThrow(RangeError);
    expect(() => store.commit((b) => b.put("meta", new Uint8Array(2000), bytes(1)))).toThrow(RangeError);
    expect(() => store.commit((b) => b.put("meta", bytes(1), new Uint8Array(0)))).toThrow(RangeError);
    expect(store.state.commitsInFlight).toBe(0);
  });

  test("pipelined commits: reads see in-flight data, which is on disk once each promise resolves", async () => {
    const roots: Promise<Uint8Array>[] = [];
    for (let i = 1; i <= 20; i++) {
      store.state.apply([change(address(i), { balance: BigInt(i) }, [[slot(i), word(BigInt(i))]])]);
      roots.push(
        store.commit((b) => {
          store.chain.putMiniBlock(b, BigInt(i), bytes(i));
          store.chain.setHeadMiniBlock(b, BigInt(i));
        }),
      );
      // Served from the layers and pending batches, whatever LMDB has by now.
      expect(store.chain.getMiniBlock(BigInt(i))).toEqual(bytes(i));
      expect(store.chain.getHeadMiniBlock()).toBe(BigInt(i));
      expect(store.state.account(address(1))!.balance).toBe(1n);
    }
    expect(store.state.commitsInFlight).toBeGreaterThan(0);
    const first = await roots[0]!;
    expect<Uint8Array | undefined>(store.env.dbs.miniBlocks.getBinary(bytes(0, 0, 0, 0, 0, 0, 0, 1))).toEqual(bytes(1));
    expect(first).not.toEqual(EMPTY_TRIE_ROOT);
    const last = (await Promise.all(roots))[19]!;
    expect(store.state.commitsInFlight).toBe(0);
    expect(store.state.durableRoot).toEqual(last);
    expect(store.env.dbs.miniBlocks.getKeysCount()).toBe(20);
    expect(recomputeStateRoot(store.env)).toEqual(last);
    await store.state.flushed();
  });

  test("closed stores refuse use", async () => {
    await store.close();
    expect(() => store.state.account(address(1))).toThrow(StoreClosedError);
    store = ChainStore.open(dir);
  });
});

describe("chain data and restart", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDatadir();
  });
  afterEach(() => removeDir(dir));

  test("headers, bodies, receipts, tx index, mini-blocks and meta round-trip across reopen", async () => {
    const genesis = keccak256(bytes(0));
    let store = ChainStore.open(dir, { genesisHash: genesis });
    expect(store.chain.checkGenesis(genesis)).toBe(false); // fresh datadir: the caller writes it
    const header0 = bytes(0xc0 + 2, 0x80, 0x80);
    const header1 = bytes(0xc0 + 2, 0x01, 0x80);
    const txs = [bytes(0x02, 1, 2, 3), bytes(0x7f)];
    const receipts = [bytes(0x02, 0xc0), bytes(0xc1, 0x01)];
    const config = { chainId: 901n, cancunTime: 0, name: "devnet", big: 2n ** 200n };
    store.state.apply([change(address(1), { balance: 100n })]);
    let hash1: Uint8Array = new Uint8Array();
    const root = await store.commit((b) => {
      store.chain.setGenesisHash(b, genesis);
      store.chain.setChainConfig(b, config);
      store.chain.putHeader(b, 0n, header0);
      hash1 = store.chain.putHeader(b, 1n, header1);
      store.chain.putBody(b, 1n, txs);
      store.chain.putReceipts(b, 1n, receipts);
      store.chain.putTxLocation(b, keccak256(txs[1]!), 1n, 1);
      store.chain.putMiniBlock(b, 7n, bytes(9, 9));
      store.chain.setHeadBlock(b, 1n);
      store.chain.setHeadMiniBlock(b, 7n);
    });
    await store.close();

    store = ChainStore.open(dir, { genesisHash: genesis });
    expect(store.head()).toEqual({ block: 1n, miniBlock: 7n, stateRoot: root });
    expect<Uint8Array>(hash1).toEqual(keccak256(header1));
    expect(store.chain.getHeader(1n)).toEqual(header1);
    expect(store.chain.getBlockNumber(hash1)).toBe(1n);
    expect(store.chain.getHeaderByHash(keccak256(header0))).toEqual(header0);
    expect(store.state.blockHash(1n)).toEqual(hash1);
    expect(store.state.blockHash(2n)).toBeUndefined();
    expect(store.chain.getBody(1n)).toEqual(txs);
    expect(store.chain.getReceipts(1n)).toEqual(receipts);
    expect(store.chain.getTxLocation(keccak256(txs[1]!))).toEqual({ blockNumber: 1n, index: 1 });
    expect(store.chain.getTxLocation(keccak256(txs[0]!))).toBeUndefined();
    expect([...store.chain.miniBlocksFrom(7n)]).toEqual([[7n, bytes(9, 9)]]);
    expect(store.chain.getChainConfig()).toEqual(config);
    expect(store.state.account(address(1))!.balance).toBe(100n);
    await store.close();
  });

  test("reopening with another genesis hash is refused, naming both", async () => {
    const genesis = keccak256(bytes(1));
    const other = keccak256(bytes(2));
    const store = ChainStore.open(dir, { genesisHash: genesis });
    await store.commit((b) => store.chain.setGenesisHash(b, genesis));
    await store.close();

    let error: unknown;
    try {
      ChainStore.open(dir, { genesisHash: other });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GenesisMismatchError);
    const mismatch = error as GenesisMismatchError;
    expect(mismatch.storedGenesis).toEqual(genesis);
    expect(mismatch.requestedGenesis).toEqual(other);
    expect(mismatch.message).toContain(bytesToHex(genesis));
    expect(mismatch.message).toContain(bytesToHex(other));

    const again = ChainStore.open(dir, { genesisHash: genesis });
    expect(again.chain.checkGenesis(genesis)).toBe(true);
    await again.close();
  });
});
