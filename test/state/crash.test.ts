import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ChainStore, recomputeStateRoot } from "../../src/state";
import { changesFor, miniBlockEntry } from "./crash-workload";
import { ModelState, removeDir, tempDatadir } from "./helpers";

const CHILD = join(import.meta.dir, "crash-child.ts");

/** Runs the child until it has acknowledged `target` mini-blocks, SIGKILLs it, and returns every acknowledged seq. */
async function runAndKill(datadir: string, target: number): Promise<bigint[]> {
  const child = Bun.spawn([process.execPath, CHILD, datadir], { stdout: "pipe", stderr: "pipe" });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let killed = false;
  const deadline = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (!killed && text.split("\n").length - 1 >= target) {
        child.kill("SIGKILL");
        killed = true; // keep reading: lines already in the pipe were acknowledged too
      }
    }
  } finally {
    clearTimeout(deadline);
  }
  await child.exited;
  const stderr = await new Response(child.stderr).text();
  expect({ killed, signal: child.signalCode, stderr }).toEqual({ killed: true, signal: "SIGKILL", stderr: "" });
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => BigInt(l));
}

describe("state: crash safety", () => {
  const dir = tempDatadir();
  afterAll(() => removeDir(dir));

  test("every mini-block acknowledged before kill -9 survives, and the root matches a recomputation", async () => {
    const acked: bigint[] = [];
    for (let round = 0; round < 3; round++) {
      const seen = await runAndKill(dir, 25 + Math.floor(Math.random() * 50));
      expect(seen.length).toBeGreaterThan(0);
      acked.push(...seen);

      const store = ChainStore.open(dir);
      try {
        const head = store.chain.getHeadMiniBlock()!;
        for (const seq of acked) expect(store.chain.getMiniBlock(seq)).toBeDefined();
        expect(head >= acked[acked.length - 1]!).toBe(true);
        // The log is dense and every entry names its own sequence number.
        for (let seq = 1n; seq <= head; seq++) {
          const entry = store.chain.getMiniBlock(seq)!;
          expect(new DataView(entry.buffer, entry.byteOffset).getBigUint64(0)).toBe(seq);
        }
        expect(store.chain.getMiniBlock(head + 1n)).toBeUndefined();

        // State, log and head were committed together: the root recorded with
        // the head entry is the stored root, the one the rows recompute to, and
        // the one replaying the workload in memory gives.
        const root = store.head().stateRoot;
        expect(store.chain.getMiniBlock(head)).toEqual(miniBlockEntry(head, root));
        expect(recomputeStateRoot(store.env)).toEqual(root);
        const model = new ModelState();
        for (let seq = 1n; seq <= head; seq++) model.apply(changesFor(seq));
        expect(model.root()).toEqual(root);
      } finally {
        await store.close();
      }
    }
  }, 180_000);
});
