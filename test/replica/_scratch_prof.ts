import { secp256k1 } from "@noble/curves/secp256k1.js";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devGenesis, loadGenesis } from "../../src/chain/genesis";
import { bytesToHex, keccak256, setKeccakImpl } from "../../src/crypto";
import { createLogger } from "../../src/log/logger";
import { bigintToMinimalBytes, encode, type RlpInput } from "../../src/rlp";
import { startSequencer } from "../../src/sequencer/start";
import { ChainStore } from "../../src/state/index";
import { frameHash, type Frame } from "../../src/stream/format";
import { ReplicaStore } from "../../src/replica/store";
import { Follower } from "../../src/replica/follower";
import { EvmCore } from "../../src/exec/core";
const u = (n: bigint | number) => bigintToMinimalBytes(BigInt(n));
const SENDERS = 500, TXS = 20000;
const keys = Array.from({ length: SENDERS }, (_, i) => keccak256(u(0xbe9c4 + i)));
const senders = keys.map((sk) => keccak256(secp256k1.getPublicKey(sk, false).subarray(1)).subarray(12));
const nonces = new Array(SENDERS).fill(0);
function transfer(i: number): Uint8Array {
  const k = i % SENDERS;
  const to = keccak256(u(i + 1_000_000)).subarray(12);
  const unsigned: RlpInput[] = [u(31337), u(nonces[k]++), u(10n ** 9n), u(100n * 10n ** 9n), u(21000), to, u(1000 + i), new Uint8Array(0), []];
  const sig = secp256k1.sign(keccak256(Uint8Array.of(2, ...encode(unsigned))), keys[k]!, { prehash: false, format: "recovered" });
  const strip = (b: Uint8Array) => { const z = b.findIndex((x) => x !== 0); return z < 0 ? new Uint8Array(0) : b.subarray(z); };
  return Uint8Array.of(2, ...encode([...unsigned, u(sig[0]!), strip(sig.subarray(1, 33)), strip(sig.subarray(33, 65))]));
}
const dir = "/tmp/prof/chain";
const genesis = devGenesis(1_000_000_000n);
for (const s of senders) genesis.alloc[bytesToHex(s)] = { balance: "0x" + (10n ** 21n).toString(16) };
if (!existsSync(dir)) {
  const txs = Array.from({ length: TXS }, (_, i) => transfer(i));
  writeFileSync("/tmp/prof/genesis.json", JSON.stringify(genesis));
  const running = await startSequencer({ datadir: dir, genesis: "/tmp/prof/genesis.json", "http-addr": "127.0.0.1", "http-port": 0, "mini-block-ms": 10, "block-ms": 1000, "block-gas-limit": 1_000_000_000n, coinbase: "0x" + "00".repeat(20), "max-txs-per-mini-block": 2000, "receipt-timeout-ms": 2000, "log-level": "error", "log-format": "json" }, createLogger("error", true));
  let committed = 0; running.sequencer.on({ miniBlock: (m) => (committed += m.transactions.length), block: () => {} });
  let submitted = 0;
  while (submitted < TXS) { if (submitted - committed >= 4000) { await Bun.sleep(1); continue; } for (const raw of txs.slice(submitted, submitted + 500)) running.sequencer.submit(raw); submitted += 500; await Bun.sleep(0); }
  while (committed < TXS) await Bun.sleep(1);
  await Bun.sleep(1100);
  await running.stop();
  console.log("recorded");
  process.exit(0);
}
const core = await EvmCore.load("wasm");
setKeccakImpl((d) => core.keccak256(d));
const src = ChainStore.open(dir);
const g = loadGenesis(genesis);
const frames: Frame[] = [];
let prev = g.hash;
for (const [seq, entry] of src.chain.miniBlocksFrom(0n)) { const hash = frameHash(prev, seq, entry); frames.push({ version: 1, seq, prevHash: prev, hash, entry }); prev = hash; }
console.log("frames", frames.length);
const rdir = mkdtempSync(join(tmpdir(), "prof-r-"));
const opened = ReplicaStore.open(rdir) as any;
const store = await ReplicaStore.init(opened.uninitialised, g, createLogger("error", true));
const f = new Follower(store, core, createLogger("error", true));
const B = Number(process.env.BATCH ?? 30);
const t0 = performance.now();
for (let i = 0; i < frames.length; i += B) await f.apply(frames.slice(i, i + B));
const t1 = performance.now();
await f.settled();
const t2 = performance.now();
console.log("apply", (t1 - t0).toFixed(0), "ms; settled", (t2 - t0).toFixed(0), "ms; tx/s", (f.counters.txs * 1000 / (t2 - t0)).toFixed(0), "commits", f.counters.commits);
rmSync(rdir, { recursive: true, force: true });
