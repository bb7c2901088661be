// Sender-recovery throughput: libsecp256k1 (bun:ffi), noble, and the worker
// pool with 1 and 2 workers, on the same batch of signed transactions.
//   npx bun bench/recover.ts [--json] [--count N] [--rounds N]
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { availableParallelism } from "node:os";
import { bytesEqual, keccak256 } from "../src/crypto";
import { bigintToMinimalBytes, encode, type RlpInput } from "../src/rlp";
import {
  decodeSignedTx,
  loadLibsecp256k1Recovery,
  NobleRecovery,
  WorkerPoolRecovery,
  type SignedTx,
} from "../src/tx";

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const n = Number(process.argv[at + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer, got "${process.argv[at + 1]}"`);
  return n;
}

const asJson = process.argv.includes("--json");
const COUNT = flag("--count", 5000);
const ROUNDS = flag("--rounds", 3);
const log = asJson ? () => {} : (line: string) => console.log(line);

const u = (n: bigint | number) => bigintToMinimalBytes(BigInt(n));

/** Signs `count` transactions cycling through legacy (EIP-155), EIP-2930 and EIP-1559, each from its own key. */
function makeSignedTxs(count: number): { raws: Uint8Array[]; senders: Uint8Array[] } {
  const raws: Uint8Array[] = [];
  const senders: Uint8Array[] = [];
  const to = new Uint8Array(20).fill(0x35);
  for (let i = 0; i < count; i++) {
    const sk = keccak256(u(i + 1)); // deterministic, distinct keys
    senders.push(keccak256(secp256k1.getPublicKey(sk, false).subarray(1)).subarray(12));
    const type = i % 3;
    const common: RlpInput[] = [u(i), u(21000), to, u(10n ** 15n), new Uint8Array(0)];
    let unsigned: RlpInput[];
    let preimage: Uint8Array;
    if (type === 0) {
      unsigned = [u(i), u(10n ** 9n), ...common.slice(1)];
      preimage = encode([...unsigned, u(31337), new Uint8Array(0), new Uint8Array(0)]);
    } else {
      unsigned = type === 1 ? [u(31337), u(i), u(10n ** 9n), ...common.slice(1), []] : [u(31337), u(i), u(10n ** 9n), u(2n * 10n ** 9n), ...common.slice(1), []];
      preimage = Uint8Array.of(type, ...encode(unsigned));
    }
    const sig = secp256k1.sign(keccak256(preimage), sk, { prehash: false, format: "recovered" });
    const r = sig.subarray(1, 33);
    const s = sig.subarray(33, 65);
    const strip = (b: Uint8Array) => b.subarray(b.findIndex((x) => x !== 0));
    const v = type === 0 ? u(31337 * 2 + 35 + sig[0]!) : u(sig[0]!);
    const body = encode([...unsigned, v, strip(r), strip(s)]);
    raws.push(type === 0 ? body : Uint8Array.of(type, ...body));
  }
  return { raws, senders };
}

interface Result {
  name: string;
  /** Median wall time of one pass over the whole batch. */
  ms: number;
  recoveriesPerSecond: number;
}

function check(name: string, got: (Uint8Array | null)[], want: Uint8Array[]): void {
  for (let i = 0; i < want.length; i++) {
    if (got[i] === null || !bytesEqual(got[i]!, want[i]!)) throw new Error(`${name} recovered the wrong sender for tx ${i}`);
  }
}

async function measure(name: string, txs: SignedTx[], want: Uint8Array[], run: (txs: SignedTx[]) => Promise<(Uint8Array | null)[]>): Promise<Result> {
  check(name, await run(txs.slice(0, 200)), want.slice(0, 200)); // warm-up (JIT, worker start)
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    const got = await run(txs);
    times.push(performance.now() - t0);
    check(name, got, want);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)]!;
  const result = { name, ms, recoveriesPerSecond: Math.round((txs.length / ms) * 1000) };
  log(`  measured ${name.padEnd(26)} ${ms.toFixed(1).padStart(8)} ms`);
  return result;
}

log(`signing ${COUNT} transactions (legacy/2930/1559, distinct keys)…`);
const { raws, senders } = makeSignedTxs(COUNT);
const t0 = performance.now();
const txs = raws.map((raw) => decodeSignedTx(raw));
const decodeMs = performance.now() - t0;
log(`decoded ${COUNT} in ${decodeMs.toFixed(1)} ms; ${ROUNDS} timed round(s) per backend, median reported`);

const results: Result[] = [];
const native = loadLibsecp256k1Recovery();
results.push(await measure(native.name, txs, senders, async (b) => native.recover(b)));
const noble = new NobleRecovery();
results.push(await measure(noble.name, txs, senders, async (b) => noble.recover(b)));
for (const workers of [1, 2]) {
  const pool = await WorkerPoolRecovery.create({ workers });
  try {
    results.push(await measure(pool.name, txs, senders, (b) => pool.recoverAsync(b)));
  } finally {
    await pool.close();
  }
}

const nobleRate = results.find((r) => r.name === "noble")!.recoveriesPerSecond;
const best = results.reduce((a, b) => (b.recoveriesPerSecond > a.recoveriesPerSecond ? b : a));
const summary =
  `sender recovery on ${COUNT} txs: ` +
  results.map((r) => `${r.name} ${r.recoveriesPerSecond.toLocaleString("en-US")}/s`).join(", ") +
  `; best ${best.name} (${(best.recoveriesPerSecond / nobleRate).toFixed(1)}× noble)`;

if (asJson) {
  console.log(
    JSON.stringify({
      bench: "recover",
      transactions: COUNT,
      rounds: ROUNDS,
      cores: availableParallelism(),
      decodeMs: Math.round(decodeMs * 10) / 10,
      results: results.map((r) => ({ ...r, ms: Math.round(r.ms * 10) / 10, vsNoble: Math.round((r.recoveriesPerSecond / nobleRate) * 100) / 100 })),
      summary,
    }),
  );
} else {
  console.log("");
  console.log(`${"backend".padEnd(26)} ${"ms/batch".padStart(10)} ${"recoveries/s".padStart(14)} ${"vs noble".padStart(9)}`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(26)} ${r.ms.toFixed(1).padStart(10)} ${r.recoveriesPerSecond.toLocaleString("en-US").padStart(14)} ${`${(r.recoveriesPerSecond / nobleRate).toFixed(1)}×`.padStart(9)}`,
    );
  }
  console.log("");
  console.log(summary);
}
