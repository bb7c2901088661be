// Crash safety of the CLI sequencer as a child process: a burst of eth_sendRawTransactionSync,
// SIGKILL mid-burst, restart on the same datadir. Every acknowledged transaction survives with
// the same receipt, balances add up, sealed blocks are unchanged and the chain goes on. Plus the
// CLI's refusals: another genesis on that datadir, --help, unknown flags.
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { keccak256, parseGwei, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { devGenesis } from "../../src/chain/genesis";
import { SEQUENCER_OPTIONS } from "../../src/sequencer/options";
import {
  CHAIN_ID,
  DEV_BALANCE,
  DEV_KEYS,
  freshDatadir,
  rpcClient,
  runCli,
  spawnSequencer,
  until,
  type Child,
} from "./helpers";

const datadir = freshDatadir();
const ARGS = ["--datadir", datadir, "--http-port", "0", "--mini-block-ms", "10", "--block-ms", "200", "--log-format", "json"];
const children: Child[] = [];

afterAll(async () => {
  for (const c of children) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) {
      c.proc.kill("SIGKILL");
      await c.proc.exited;
    }
  }
  rmSync(datadir, { recursive: true, force: true });
});

interface Planned {
  sender: number;
  nonce: number;
  to: Hex;
  value: bigint;
  raw: Hex;
  hash?: Hex;
}
interface Ack {
  tx: Planned;
  receipt: any;
}

const SENDERS = [1, 2, 3, 4];
const PER_SENDER = 60;
const KILL_AFTER_ACKS = 90;

describe("restart safety (child process, SIGKILL)", () => {
  const planned: Planned[] = [];
  const acks: Ack[] = [];

  function hashOf(p: Planned): Hex {
    p.hash ??= keccak256(p.raw);
    return p.hash;
  }

  /**
   * Sends `txs` with eth_sendRawTransactionSync, one sequential loop per sender (nonces in
   * order), all senders in parallel; SIGKILLs the child once `killAfter` more are acknowledged.
   * Returns the last two sealed blocks as the node reported them just before the kill.
   */
  async function burstAndKill(child: Child, txs: Planned[], killAfter: number): Promise<any[]> {
    const { call } = rpcClient(child.url);
    const target = acks.length + killAfter;
    let killed = false;
    const loops = SENDERS.map(async (s) => {
      for (const tx of txs.filter((p) => p.sender === s)) {
        if (killed) return;
        let res: any;
        try {
          res = await fetch(child.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransactionSync", params: [tx.raw] }),
          }).then((r) => r.json());
        } catch {
          return; // connection refused / reset: the server is gone
        }
        if (killed && res.error) return;
        if (res.error) throw new Error(`burst tx rejected: ${JSON.stringify(res.error)}`);
        expect(res.result.status).toBe("0x1");
        expect(res.result.transactionHash).toBe(hashOf(tx));
        acks.push({ tx, receipt: res.result });
      }
    });
    await until(`${target} acknowledgements`, async () => acks.length >= target, 15_000, 2);
    const latest = await call("eth_getBlockByNumber", ["latest", false]);
    const before = await call("eth_getBlockByNumber", [`0x${(BigInt(latest.number) - 1n).toString(16)}`, false]);
    child.proc.kill("SIGKILL");
    killed = true;
    await child.proc.exited;
    expect(child.proc.signalCode).toBe("SIGKILL");
    await Promise.all(loops);
    return [before, latest];
  }

  /** After a restart: sealed blocks unchanged, every ack has its receipt, balances add up. */
  async function verify(rpc: ReturnType<typeof rpcClient>, sealedBeforeKill: any[]): Promise<void> {
    const head0 = BigInt(await rpc.call("eth_blockNumber"));
    const last = sealedBeforeKill.at(-1);
    expect(head0).toBeGreaterThanOrEqual(BigInt(last.number));
    for (const before of sealedBeforeKill) {
      const after = await rpc.call("eth_getBlockByNumber", [before.number, false]);
      expect(after.stateRoot).toBe(before.stateRoot);
      expect(after.hash).toBe(before.hash);
      expect(after.transactions).toEqual(before.transactions);
      expect(after.receiptsRoot).toBe(before.receiptsRoot);
    }

    // Every acknowledged transaction has exactly the receipt it was acknowledged with.
    const maxAckBlock = acks.reduce((m, a) => (BigInt(a.receipt.blockNumber) > m ? BigInt(a.receipt.blockNumber) : m), 0n);
    await until("the resumed block to seal", async () => BigInt(await rpc.call("eth_blockNumber")) >= maxAckBlock, 5000);
    for (const { receipt } of acks) {
      const r = await rpc.call("eth_getTransactionReceipt", [receipt.transactionHash]);
      expect(r).not.toBeNull();
      expect(r.status).toBe("0x1");
      expect(r.blockNumber).toBe(receipt.blockNumber);
      expect(r.transactionIndex).toBe(receipt.transactionIndex);
      expect(r.gasUsed).toBe(receipt.gasUsed);
      expect(r.cumulativeGasUsed).toBe(receipt.cumulativeGasUsed);
      expect(r.effectiveGasPrice).toBe(receipt.effectiveGasPrice);
      expect(r.blockHash).not.toBe(`0x${"0".repeat(64)}`);
      const block = await rpc.call("eth_getBlockByNumber", [r.blockNumber, false]);
      expect(block.hash).toBe(r.blockHash);
      expect(block.transactions[Number(r.transactionIndex)]).toBe(receipt.transactionHash);
    }

    // Per sender, the included transactions are a nonce prefix (the acknowledged ones, plus
    // possibly a few committed whose answer the kill swallowed); nonce and balance match exactly.
    for (const s of SENDERS) {
      const mine = planned.filter((p) => p.sender === s);
      const receipts = await Promise.all(mine.map((p) => rpc.call("eth_getTransactionReceipt", [hashOf(p)])));
      const firstMissing = receipts.findIndex((r) => r === null);
      const k = firstMissing === -1 ? mine.length : firstMissing;
      for (let i = k; i < mine.length; i++) expect(receipts[i]).toBeNull(); // no gaps
      const ackedNonces = acks.filter((a) => a.tx.sender === s).map((a) => a.tx.nonce);
      for (const n of ackedNonces) expect(n).toBeLessThan(k);
      const address = privateKeyToAccount(DEV_KEYS[s]!).address;
      expect(BigInt(await rpc.call("eth_getTransactionCount", [address, "latest"]))).toBe(BigInt(k));
      let spent = 0n;
      for (let i = 0; i < k; i++) spent += mine[i]!.value + BigInt(receipts[i].gasUsed) * BigInt(receipts[i].effectiveGasPrice);
      expect(BigInt(await rpc.call("eth_getBalance", [address, "latest"]))).toBe(DEV_BALANCE - spent);
      const balances = await Promise.all(mine.map((p) => rpc.call("eth_getBalance", [p.to, "latest"])));
      balances.forEach((b, i) => expect(BigInt(b)).toBe(i < k ? mine[i]!.value : 0n));
    }

    // Block linkage across the restart, down to the last block sealed before the kill.
    await until("blocks after restart", async () => BigInt(await rpc.call("eth_blockNumber")) >= head0 + 2n, 5000);
    let b = await rpc.call("eth_getBlockByNumber", ["latest", false]);
    while (BigInt(b.number) > BigInt(last.number)) b = await rpc.call("eth_getBlockByHash", [b.parentHash, false]);
    expect(b.hash).toBe(last.hash);
  }

  /** The planned transactions not yet included, per sender from its current nonce. */
  async function remaining(rpc: ReturnType<typeof rpcClient>): Promise<Planned[]> {
    const out: Planned[] = [];
    for (const s of SENDERS) {
      const n = Number(await rpc.call("eth_getTransactionCount", [privateKeyToAccount(DEV_KEYS[s]!).address, "latest"]));
      out.push(...planned.filter((p) => p.sender === s && p.nonce >= n));
    }
    return out;
  }

  test("burst of sync sends, SIGKILL mid-burst, restart: nothing acknowledged is lost (twice)", async () => {
    // Sign everything up front so the burst is as dense as the server allows.
    for (const s of SENDERS) {
      const a = privateKeyToAccount(DEV_KEYS[s]!);
      for (let nonce = 0; nonce < PER_SENDER; nonce++) {
        const to = privateKeyToAccount(generatePrivateKey()).address;
        const value = 10n ** 15n + BigInt(s * 1000 + nonce);
        const raw = await a.signTransaction({
          type: "eip1559",
          chainId: CHAIN_ID,
          nonce,
          to,
          value,
          gas: 21000n,
          maxFeePerGas: parseGwei("10"),
          maxPriorityFeePerGas: parseGwei("1"),
        });
        planned.push({ sender: s, nonce, to, value, raw });
      }
    }

    const first = await spawnSequencer(ARGS);
    children.push(first);
    const rpc1 = rpcClient(first.url);
    expect(await rpc1.call("eth_chainId")).toBe("0x7a69");
    await until("first sealed block", async () => BigInt(await rpc1.call("eth_blockNumber")) >= 1n, 5000);

    // Round 1.
    const sealed1 = await burstAndKill(first, planned, KILL_AFTER_ACKS);
    expect(acks.length).toBeLessThan(planned.length); // it really was mid-burst
    const second = await spawnSequencer(ARGS);
    children.push(second);
    const rpc2 = rpcClient(second.url);
    await verify(rpc2, sealed1);

    // Round 2: crash the restarted node mid-burst too (its resumed state must be just as durable).
    const rest = await remaining(rpc2);
    expect(rest.length).toBeGreaterThan(KILL_AFTER_ACKS / 2);
    const acked1 = acks.length;
    const sealed2 = await burstAndKill(second, rest, 40);
    expect(acks.length).toBeGreaterThanOrEqual(acked1 + 40);
    const third = await spawnSequencer(ARGS);
    children.push(third);
    const rpc3 = rpcClient(third.url);
    await verify(rpc3, [...sealed1, ...sealed2]);

    // The chain goes on: the rest of the burst lands.
    const rest2 = await remaining(rpc3);
    for (const s of SENDERS) {
      for (const tx of rest2.filter((p) => p.sender === s)) {
        const r = await rpc3.call("eth_sendRawTransactionSync", [tx.raw]);
        expect(r.status).toBe("0x1");
      }
    }
    for (const s of SENDERS) {
      expect(Number(await rpc3.call("eth_getTransactionCount", [privateKeyToAccount(DEV_KEYS[s]!).address, "latest"]))).toBe(PER_SENDER);
    }

    // A graceful stop exits 0 and the next start sees the same chain.
    third.proc.kill("SIGTERM");
    expect(await third.proc.exited).toBe(0);
    const fourth = await spawnSequencer(ARGS);
    children.push(fourth);
    const rpc4 = rpcClient(fourth.url);
    for (const before of [...sealed1, ...sealed2]) {
      expect((await rpc4.call("eth_getBlockByNumber", [before.number, false])).stateRoot).toBe(before.stateRoot);
    }
    const lastTx = planned.at(-1)!;
    expect((await rpc4.call("eth_getTransactionReceipt", [hashOf(lastTx)])).status).toBe("0x1");
    expect(BigInt(await rpc4.call("eth_getBalance", [lastTx.to, "latest"]))).toBe(lastTx.value);
    fourth.proc.kill("SIGTERM");
    expect(await fourth.proc.exited).toBe(0);
  }, 90_000);

  test("another --genesis on that datadir is refused with a clear message", async () => {
    const g = devGenesis(1_000_000_000n);
    g.alloc["0x000000000000000000000000000000000000beef"] = { balance: "0x1" };
    const file = join(datadir, "..", `other-genesis-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(g));
    try {
      const { code, stderr } = await runCli([...ARGS, "--genesis", file]);
      expect(code).not.toBe(0);
      expect(stderr).toContain("genesis");
      expect(stderr).toContain(datadir);
      expect(stderr).toMatch(/another datadir|matching genesis|differs|mismatch/i);
      expect(stderr).not.toContain("    at "); // a message, not a stack trace
    } finally {
      rmSync(file, { force: true });
    }
    // The same genesis as a file (identical to the embedded dev genesis) is accepted.
    const same = join(datadir, "..", `same-genesis-${process.pid}.json`);
    writeFileSync(same, JSON.stringify(devGenesis(1_000_000_000n)));
    try {
      const c = await spawnSequencer([...ARGS, "--genesis", same]);
      children.push(c);
      expect(await rpcClient(c.url).call("eth_chainId")).toBe("0x7a69");
      c.proc.kill("SIGTERM");
      expect(await c.proc.exited).toBe(0);
    } finally {
      rmSync(same, { force: true });
    }
  }, 30_000);

  test("--help prints every option", async () => {
    const { code, stdout } = await runCli(["--help"]);
    expect(code).toBe(0);
    for (const [name, spec] of Object.entries(SEQUENCER_OPTIONS)) {
      expect(stdout).toContain(`--${name}`);
      expect(stdout).toContain(spec.help);
    }
    expect(stdout).toContain("--config");
  });

  test("an unknown flag gives a clear error", async () => {
    const { code, stderr, stdout } = await runCli(["--datadir", datadir, "--bogus-flag", "1"]);
    expect(code).not.toBe(0);
    expect(stderr).toContain("unknown option --bogus-flag");
    expect(stdout).not.toContain("JSON-RPC listening");
    const bad = await runCli(["--http-port", "eighty"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--http-port");
  });
});
