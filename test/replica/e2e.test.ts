// End to end with real processes on 127.0.0.1: a sequencer streaming state diffs, a full node,
// replica A (serving the stream onward) and replica B chained behind A, under mixed viem
// transactions (EIP-1559, legacy and EIP-2930 transfers, an ERC-20 deploy, token transfers,
// reverts, sends forwarded through both replicas, a sync send). Meanwhile replica B is killed
// with SIGKILL and restarted, the sequencer is restarted, and the sequencer's test hook drops
// one frame and corrupts another; the sequencer and replica A prune their trie nodes every second
// (--prune-trie-every). Afterwards every node reports the sequencer's head, state root
// and the same answers to a sample of reads. E2E_SEQ_WORKERS=N runs the sequencer with N
// Block-STM workers, so the serial full node checks the parallel executor; E2E_FULL_WORKERS=N
// does the same for the full node's re-execution.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { encodeDeployData, encodeFunctionData, parseEther, parseGwei, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { erc20 } from "../../bench/workloads/contracts";
import { DEV_KEYS, rpcClient, sleep, until } from "../sequencer/helpers";
import { freePort, runToExit, spawnNode, stopProc, tempDir, type Proc } from "./procs";

const TOKEN = "e2e-stream-token";
const DROP_SEQ = 12;
const CORRUPT_SEQ = 20;
const root = tempDir("e2e");
const ports = { http: freePort(), stream: freePort() };
const seqArgs = (faults: boolean) => [
  "--datadir", join(root, "sequencer"), "--http-port", String(ports.http), "--stream-port", String(ports.stream),
  "--stream-token", TOKEN, "--block-ms", "200", "--mini-block-ms", "10", "--prune-trie-every", "1", ...(process.env.E2E_SEQ_WORKERS ? ["--workers", process.env.E2E_SEQ_WORKERS] : []),
  ...(faults ? ["--stream-test-fault", `drop:${DROP_SEQ},corrupt:${CORRUPT_SEQ}`] : []),
];
const streamUrl = `ws://127.0.0.1:${ports.stream}`;
const followerArgs = (name: string, upstream: string, extra: string[] = []) => [
  "--sequencer", upstream, "--token", TOKEN, "--datadir", join(root, name), "--http-port", "0", ...extra,
];

let seq: Proc;
let full: Proc;
let a: Proc;
let b: Proc;
const all = () => [seq, full, a, b];
const accounts = DEV_KEYS.slice(0, 6).map((k) => privateKeyToAccount(k));
const nonces = new Map<string, number>();
const sent: Hex[] = [];
let token: Hex;
const bLogs: string[] = []; // replica B's stderr across its restarts

beforeAll(async () => {
  erc20();
  seq = await spawnNode("sequencer", "sequencer", seqArgs(true));
  [full, a] = await Promise.all([
    spawnNode("fullnode", "fullnode", followerArgs("fullnode", streamUrl, process.env.E2E_FULL_WORKERS ? ["--workers", process.env.E2E_FULL_WORKERS] : [])),
    spawnNode("replica-a", "replica", followerArgs("replica-a", streamUrl, ["--stream-port", "0", "--prune-trie-every", "1"])),
  ]);
  b = await spawnNode("replica-b", "replica", followerArgs("replica-b", a.streamUrl!));
}, 60_000);

afterAll(async () => {
  await Promise.all(all().map((p) => stopProc(p)));
  rmSync(root, { recursive: true, force: true });
});

const call = (p: Proc, method: string, params: unknown[] = []) => rpcClient(p.url).call(method, params);
const rpc = (p: Proc, method: string, params: unknown[] = []) => rpcClient(p.url).rpc(method, params);

type Kind = "eip1559" | "legacy" | "eip2930";
/** Signs a transaction of `from` with the next nonce and sends it through `via`. */
async function send(via: Proc, from: number, tx: { to?: Hex; value?: bigint; data?: Hex; gas?: bigint; kind?: Kind }, sync = false): Promise<Hex> {
  const acct = accounts[from]!;
  const nonce = nonces.get(acct.address) ?? 0; // fresh chain: every dev account starts at 0
  nonces.set(acct.address, nonce + 1);
  const base = { chainId: 31337, nonce, gas: tx.gas ?? 30_000n, to: tx.to, value: tx.value ?? 0n, data: tx.data };
  const kind = tx.kind ?? "eip1559";
  const raw =
    kind === "legacy"
      ? await acct.signTransaction({ ...base, type: "legacy", gasPrice: parseGwei("5") })
      : kind === "eip2930"
        ? await acct.signTransaction({ ...base, type: "eip2930", gasPrice: parseGwei("5"), accessList: [{ address: accounts[5]!.address, storageKeys: [] }] })
        : await acct.signTransaction({ ...base, type: "eip1559", maxFeePerGas: parseGwei("10"), maxPriorityFeePerGas: parseGwei("1") });
  const hash = sync ? ((await call(via, "eth_sendRawTransactionSync", [raw, 5000])) as any).transactionHash : await call(via, "eth_sendRawTransaction", [raw]);
  sent.push(hash);
  return hash;
}

async function receipt(p: Proc, hash: Hex, ms = 8000): Promise<any> {
  return until(`receipt of ${hash} on ${p.name}`, async () => (await rpc(p, "eth_getTransactionReceipt", [hash])).result, ms);
}

const transfer = (to: number, wei: bigint): Hex => encodeFunctionData({ abi: erc20().abi, functionName: "transfer", args: [accounts[to]!.address, wei] });

/** One wave of mixed transactions through the given nodes. */
async function wave(i: number, vias: Proc[]): Promise<void> {
  const hashes: Promise<Hex>[] = [];
  for (let k = 0; k < 12; k++) {
    const from = 1 + (k % 4);
    const via = vias[k % vias.length]!;
    if (k % 6 === 0) hashes.push(send(via, 0, { to: token, data: transfer(1 + ((i + k) % 5), 10n ** 18n + BigInt(k)), gas: 100_000n }));
    else if (k === 7) hashes.push(send(via, from, { to: token, data: transfer(0, 10n ** 40n), gas: 100_000n })); // reverts: no such balance
    else hashes.push(send(via, from, { to: accounts[(from + 1) % 6]!.address, value: parseEther("0.001") * BigInt(k + 1), kind: (["eip1559", "legacy", "eip2930"] as const)[k % 3] }));
  }
  const hs = await Promise.all(hashes);
  for (const h of hs) await receipt(seq, h);
}

/** The same JSON from every node, or a message naming who differs. */
async function sameEverywhere(method: string, params: unknown[]): Promise<unknown> {
  const answers = await Promise.all(all().map((p) => rpc(p, method, params)));
  const want = JSON.stringify(answers[0]);
  answers.forEach((got, i) => expect({ node: all()[i]!.name, method, params, answer: JSON.stringify(got) }).toEqual({ node: all()[i]!.name, method, params, answer: want }));
  return answers[0];
}

describe("sequencer, full node and two chained replicas", () => {
  test("mixed load, replica B killed (SIGKILL) and restarted, sequencer restarted: everyone converges", async () => {
    // Deploy through the chained replica with a sync send (B -> A -> sequencer); B answers once it applied the receipt itself.
    const deploy = await send(b, 0, { data: encodeDeployData({ abi: erc20().abi, bytecode: erc20().bytecode, args: ["Token", "TOK", 10n ** 24n] }), gas: 3_000_000n }, true);
    const r = await call(b, "eth_getTransactionReceipt", [deploy]);
    expect(r.status).toBe("0x1");
    token = r.contractAddress;
    expect(await call(b, "eth_getCode", [token, "latest"])).not.toBe("0x");

    await wave(0, [seq, a, b]);
    await wave(1, [seq, seq, a, b]);
    // The test hook fires as the chain passes its two frames (seals alone add five entries a second).
    await until("the sequencer's test hook to fire twice", async () => seq.lines(/^stream test hook: spoiling a frame$/).length === 2, 10_000);

    // SIGKILL replica B in the middle of a wave, run another wave without it, restart it.
    const during = wave(2, [seq, a]);
    await sleep(30);
    b.proc.kill("SIGKILL");
    expect(await b.proc.exited).toBe(137);
    bLogs.push(b.stderr());
    await during;
    await wave(3, [seq, a, full]);
    b = await spawnNode("replica-b", "replica", followerArgs("replica-b", a.streamUrl!));
    const reopened = b.lines(/^chain opened$/)[0];
    expect(BigInt(reopened.seq)).toBeGreaterThan(0n);
    await wave(4, [seq, a, b]);

    // Restart the sequencer (its test hook off this time); followers reconnect by themselves.
    expect(await stopProc(seq)).toBe(0);
    await sleep(300);
    seq = await spawnNode("sequencer", "sequencer", seqArgs(false));
    await wave(5, [seq, a, b]);
    await wave(6, [seq, b, full]);

    // Everyone reaches the sequencer's head with the same blocks and state root.
    const head = BigInt(await call(seq, "eth_blockNumber")) + 1n;
    for (const p of [full, a, b]) await until(`${p.name} at block ${head}`, async () => BigInt(await call(p, "eth_blockNumber")) >= head, 15_000);
    for (const n of [1n, head / 3n, head / 2n, head - 1n, head]) await sameEverywhere("eth_getBlockByNumber", ["0x" + n.toString(16), true]);
    const block = (await sameEverywhere("eth_getBlockByNumber", ["0x" + head.toString(16), false])) as any;
    expect(block.result.stateRoot).toMatch(/^0x[0-9a-f]{64}$/);

    // A sample of reads answers the same everywhere.
    for (const acct of accounts) {
      await sameEverywhere("eth_getBalance", [acct.address, "latest"]);
      await sameEverywhere("eth_getTransactionCount", [acct.address, "latest"]);
      await sameEverywhere("eth_call", [{ to: token, data: encodeFunctionData({ abi: erc20().abi, functionName: "balanceOf", args: [acct.address] }) }, "latest"]);
    }
    await sameEverywhere("eth_getCode", [token, "latest"]);
    for (let slot = 0; slot < 5; slot++) await sameEverywhere("eth_getStorageAt", [token, "0x" + slot.toString(16), "latest"]);
    for (const h of sent.filter((_, i) => i % 7 === 0)) {
      await sameEverywhere("eth_getTransactionReceipt", [h]);
      await sameEverywhere("eth_getTransactionByHash", [h]);
    }
    const logs = (await sameEverywhere("eth_getLogs", [{ fromBlock: "0x1", toBlock: "0x" + head.toString(16), address: token }])) as any;
    expect(logs.result.length).toBe(15); // the mint and two token transfers per wave
    const reverted = (await Promise.all(sent.map((h) => call(seq, "eth_getTransactionReceipt", [h])))).filter((x) => x.status === "0x0");
    expect(reverted.length).toBeGreaterThanOrEqual(7);

    // The test hook spoiled two frames; the followers fed by the sequencer said so and recovered.
    const said = (re: RegExp) => [a, full].some((p) => re.test(p.stderr()));
    expect(said(new RegExp(`gap: expected frame ${DROP_SEQ}, got ${DROP_SEQ + 1}`))).toBe(true);
    expect(said(new RegExp(`hash mismatch at frame ${CORRUPT_SEQ}`))).toBe(true);
    // Replica B resumed after SIGKILL from its own head, not from scratch.
    const resumed = b.lines(/^stream: following$/)[0];
    expect(BigInt(resumed.from)).toBe(BigInt(reopened.seq) + 1n);
    // Nothing stopped for a verification failure.
    for (const p of [full, a, b]) expect(p.stderr()).not.toContain('"fatal":true');
  }, 90_000);

  test("replicas serve subscriptions and forward errors unchanged", async () => {
    const ws = new WebSocket(b.wsUrl);
    const heads: any[] = [];
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data));
      if (m.method === "eth_subscription") heads.push(m.params.result);
    };
    await new Promise((r) => (ws.onopen = r));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
    await until("a newHeads notification from replica B", async () => heads.length >= 2, 5000);
    expect(BigInt(heads[1].number)).toBe(BigInt(heads[0].number) + 1n);
    ws.close();
    // A stale nonce: the sequencer's error comes back through both replicas as is.
    const raw = await accounts[1]!.signTransaction({ chainId: 31337, nonce: 0, gas: 21_000n, to: accounts[2]!.address, value: 1n, type: "eip1559", maxFeePerGas: parseGwei("10"), maxPriorityFeePerGas: 0n });
    const direct = await rpc(seq, "eth_sendRawTransaction", [raw]);
    expect(direct.error).toBeDefined();
    for (const p of [a, b]) expect((await rpc(p, "eth_sendRawTransaction", [raw])).error).toEqual(direct.error);
  }, 20_000);

  test("replicas find a transaction still waiting in the sequencer's pool", async () => {
    // accounts[5] never sends, so nonce 10 stays queued behind the gap: no mini-block takes it.
    const raw = await accounts[5]!.signTransaction({ chainId: 31337, nonce: 10, gas: 21_000n, to: accounts[4]!.address, value: 1n, type: "eip1559", maxFeePerGas: parseGwei("10"), maxPriorityFeePerGas: parseGwei("1") });
    const hash = await call(seq, "eth_sendRawTransaction", [raw]);
    const pooled = (await call(seq, "eth_getTransactionByHash", [hash])) as any;
    expect(pooled.hash).toBe(hash);
    expect(pooled.blockNumber).toBeNull();
    // B asks A, which asks the sequencer.
    for (const p of [a, b]) expect(await call(p, "eth_getTransactionByHash", [hash])).toEqual(pooled);
    expect(await call(b, "eth_getTransactionByHash", [`0x${"11".repeat(32)}`])).toBeNull();
  }, 20_000);

  test("bad tokens and malformed subscription requests get clear errors", async () => {
    const bad = await runToExit("replica", ["--sequencer", streamUrl, "--token", "not-the-token", "--datadir", join(root, "bad-token"), "--http-port", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unauthorized: bad stream token");

    const ask = async (msg: string) => {
      const ws = new WebSocket(streamUrl);
      const texts: any[] = [];
      ws.onmessage = (e) => typeof e.data === "string" && texts.push(JSON.parse(e.data));
      await new Promise((r) => (ws.onopen = r));
      ws.send(msg);
      const code = await new Promise<number>((r) => (ws.onclose = (e) => r(e.code)));
      return { code, error: texts.find((t) => t.type === "error") };
    };
    expect(await ask(JSON.stringify({ type: "subscribe", token: "nope", from: 0 }))).toMatchObject({ code: 4401, error: { code: "unauthorized" } });
    expect(await ask("subscribe please")).toMatchObject({ code: 4400, error: { code: "bad-request" } });
    expect(await ask(JSON.stringify({ type: "subscribe", token: TOKEN, from: "lots" }))).toMatchObject({ code: 4400, error: { code: "bad-request" } });
    const ahead = await ask(JSON.stringify({ type: "subscribe", token: TOKEN, from: 10 ** 9 }));
    expect(ahead).toMatchObject({ code: 4409, error: { code: "ahead" } });
    expect(ahead.error.message).toContain("beyond this stream's head");
  }, 30_000);
});
