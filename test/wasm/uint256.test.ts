// wasm/src/uint256.hpp against BigInt reference implementations, built twice from
// test/wasm/uint256_driver.cpp: natively with g++ (64-bit limbs, __int128 products) and for
// wasm32 with clang++-16 (the 32x32 multiply path, which only runs there).
//
// U256_CASES (random cases per op, default 3000) and U256_SEED change the random part; the
// cross product of edge values always runs first.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const DRIVER = join(ROOT, "test/wasm/uint256_driver.cpp");
const CASES_PER_OP = Number(process.env.U256_CASES ?? 3000);
const SEED = Number(process.env.U256_SEED ?? 0x25605eed) >>> 0;

const NATIVE_FLAGS = ["-std=c++20", "-O2", "-Wall", "-Wextra", "-Werror", "-fno-exceptions"];
const WASM_FLAGS = [
  "--target=wasm32-wasi",
  "--sysroot=/usr",
  "-isystem",
  "/usr/lib/llvm-16/include/wasm32-wasi/c++/v1",
  "-O3",
  "-std=c++20",
  "-fno-exceptions",
  "-mbulk-memory",
  "-Wall",
  "-Wextra",
  "-Werror",
];
// 128-bit multiply/divide helpers from compiler-rt; none may be referenced on wasm32.
const LIBCALLS = /__(multi3|udivti3|umodti3|divti3|modti3|udivmodti4|divmodti4)\b/;

// ---------------------------------------------------------------------------------------------
// BigInt reference
// ---------------------------------------------------------------------------------------------

const M = 1n << 256n;
const MASK = M - 1n;
const SIGN = 1n << 255n;
const U64 = (1n << 64n) - 1n;
const toSigned = (x: bigint) => (x >= SIGN ? x - M : x);
const bitLength = (x: bigint) => (x === 0n ? 0 : x.toString(2).length);
const bool = (v: boolean) => (v ? 1n : 0n);

function expMod(base: bigint, e: bigint): bigint {
  let r = 1n;
  let b = base;
  while (e > 0n) {
    if (e & 1n) r = (r * b) & MASK;
    b = (b * b) & MASK;
    e >>= 1n;
  }
  return r;
}

type Ref = (a: bigint, b: bigint, c: bigint) => bigint;
const REF: Record<string, Ref> = {
  add: (a, b) => (a + b) & MASK,
  sub: (a, b) => (a - b) & MASK,
  mul: (a, b) => (a * b) & MASK,
  udiv: (a, b) => (b === 0n ? 0n : a / b),
  umod: (a, b) => (b === 0n ? 0n : a % b),
  sdiv: (a, b) => (b === 0n ? 0n : (toSigned(a) / toSigned(b)) & MASK),
  smod: (a, b) => (b === 0n ? 0n : (toSigned(a) % toSigned(b)) & MASK),
  addmod: (a, b, m) => (m === 0n ? 0n : (a + b) % m),
  mulmod: (a, b, m) => (m === 0n ? 0n : (a * b) % m),
  exp: (a, b) => expMod(a, b),
  signextend: (b, x) => {
    if (b >= 31n) return x;
    const t = 8n * b + 7n;
    const low = (1n << (t + 1n)) - 1n;
    return (x >> t) & 1n ? x | (MASK ^ low) : x & low;
  },
  byte: (i, x) => (i >= 32n ? 0n : (x >> (8n * (31n - i))) & 0xffn),
  shl: (s, x) => (s >= 256n ? 0n : (x << s) & MASK),
  shr: (s, x) => (s >= 256n ? 0n : x >> s),
  sar: (s, x) => (toSigned(x) >> (s >= 256n ? 256n : s)) & MASK,
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  xor: (a, b) => a ^ b,
  not: (a) => MASK ^ a,
  lt: (a, b) => bool(a < b),
  gt: (a, b) => bool(a > b),
  slt: (a, b) => bool(toSigned(a) < toSigned(b)),
  sgt: (a, b) => bool(toSigned(a) > toSigned(b)),
  eq: (a, b) => bool(a === b),
  iszero: (a) => bool(a === 0n),
  clz: (a) => BigInt(256 - bitLength(a)),
  bytelen: (a) => BigInt(Math.ceil(bitLength(a) / 8)),
  fits: (a) => bool(a <= U64),
  lowlimb: (a) => a & U64,
  umul64: (a, b) => (a & U64) * (b & U64),
  pushn: (a, n) => a & ((1n << (8n * n)) - 1n),
  neg: (a) => (M - a) & MASK,
  // floor((2^128 - 1) / d) - 2^64 and floor((2^192 - 1) / d) - 2^64, d with its top bit set
  recip2by1: (a) => ((1n << 128n) - 1n) / ((a & U64) | (1n << 63n)) - (1n << 64n),
  recip3by2: (a) => ((1n << 192n) - 1n) / ((a & ((1n << 128n) - 1n)) | (1n << 127n)) - (1n << 64n),
};

// ---------------------------------------------------------------------------------------------
// Operands: seeded, biased toward edge cases
// ---------------------------------------------------------------------------------------------

let state = SEED;
function r32(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}
const rnd = (n: number) => r32() % n;
function randBits(bits: number): bigint {
  let x = 0n;
  for (let i = 0; i < bits; i += 32) x = (x << 32n) | BigInt(r32());
  return x & ((1n << BigInt(bits)) - 1n);
}

const SPECIALS: bigint[] = [
  0n, 1n, 2n, 3n, 7n, 31n, 32n, 255n, 256n,
  (1n << 63n), U64, 1n << 64n, (1n << 128n) - 1n, 1n << 128n, (1n << 192n) + 5n,
  SIGN - 1n, SIGN, SIGN + 1n, MASK - 1n, MASK,
];
const SPECIAL_LIMBS: bigint[] = [0n, 1n, 2n, 1n << 63n, (1n << 63n) - 1n, (1n << 63n) + 1n, U64, U64 - 1n];

function limb(): bigint {
  return rnd(3) === 0 ? randBits(64) : SPECIAL_LIMBS[rnd(SPECIAL_LIMBS.length)];
}
function fromLimbs(limbs: bigint[]): bigint {
  let x = 0n;
  for (let i = limbs.length - 1; i >= 0; --i) x = (x << 64n) | limbs[i];
  return x;
}

function operand(): bigint {
  switch (rnd(12)) {
    case 0:
      return SPECIALS[rnd(SPECIALS.length)];
    case 1: {
      const p = 1n << BigInt(rnd(256));
      return (p + BigInt(rnd(3)) - 1n) & MASK; // 2^k - 1, 2^k, 2^k + 1
    }
    case 2:
      return randBits(256);
    case 3: {
      // exactly n limbs used
      const n = 1 + rnd(4);
      const limbs = Array.from({ length: n }, () => randBits(64));
      if (limbs[n - 1] === 0n) limbs[n - 1] = 1n;
      return fromLimbs(limbs);
    }
    case 4: {
      const len = 1 + rnd(256);
      return randBits(len) | (1n << BigInt(len - 1));
    }
    case 5:
      return BigInt(rnd(300));
    case 6:
      return (M - 1n - BigInt(rnd(300))) & MASK; // -1 .. -300
    case 7:
      return fromLimbs([limb(), limb(), limb(), limb()]);
    case 8: {
      // top limb small: the division normalization shifts by a lot
      const n = 1 + rnd(4);
      const limbs = Array.from({ length: n }, () => limb());
      limbs[n - 1] = 1n + randBits(1 + rnd(20));
      return fromLimbs(limbs);
    }
    case 9:
      return (M - randBits(1 + rnd(256))) & MASK; // negative, any magnitude
    case 10: {
      // few limbs, each a special value (hits Knuth D corner cases)
      const n = 1 + rnd(4);
      return fromLimbs(Array.from({ length: n }, () => SPECIAL_LIMBS[rnd(SPECIAL_LIMBS.length)]));
    }
    default:
      return randBits(256) | SIGN;
  }
}

function smallOr(limit: number): bigint {
  return rnd(10) < 7 ? BigInt(rnd(limit)) : operand();
}

function pair(): [bigint, bigint] {
  const a = operand();
  switch (rnd(10)) {
    case 0:
      return [a, a];
    case 1:
      return [a, (a + 1n) & MASK];
    case 2:
      return [(a + 1n) & MASK, a];
    case 3:
    case 4: {
      // dividend = divisor * q + r with r < divisor: long quotients, remainders near the divisor
      const b = operand();
      const q = rnd(2) ? operand() : limb();
      const r = b === 0n ? 0n : rnd(2) ? b - 1n : operand() % b;
      return [(b * q + r) & MASK, b];
    }
    case 5:
      return [a, (MASK - a) & MASK];
    default:
      return [a, operand()];
  }
}

type Case = bigint[];
const ARITY: Record<string, number> = {
  not: 1, iszero: 1, clz: 1, bytelen: 1, fits: 1, lowlimb: 1, neg: 1, recip2by1: 1, recip3by2: 1,
  addmod: 3, mulmod: 3,
};
const OPS = Object.keys(REF);

function makeCases(op: string): Case[] {
  const cases: Case[] = [];
  const arity = ARITY[op] ?? 2;
  // Edge-value cross product.
  if (op === "pushn") {
    for (const a of SPECIALS) for (let n = 0; n <= 32; n += 1) cases.push([a, BigInt(n)]);
  } else if (op === "umul64") {
    for (const a of SPECIAL_LIMBS) for (const b of SPECIAL_LIMBS) cases.push([a, b]);
  } else if (arity === 1) {
    for (const a of SPECIALS) cases.push([a]);
  } else if (arity === 2) {
    for (const a of SPECIALS) for (const b of SPECIALS) cases.push([a, b]);
  } else {
    const few = SPECIALS.filter((_, i) => i % 2 === 0);
    for (const a of few) for (const b of few) for (const m of few) cases.push([a, b, m]);
  }
  // Random part.
  for (let i = 0; i < CASES_PER_OP; ++i) {
    switch (op) {
      case "signextend":
      case "byte":
        cases.push([smallOr(34), operand()]);
        break;
      case "shl":
      case "shr":
      case "sar":
        cases.push([smallOr(300), operand()]);
        break;
      case "exp":
        cases.push([operand(), rnd(2) ? BigInt(rnd(300)) : operand()]);
        break;
      case "umul64":
        cases.push([limb(), limb()]);
        break;
      case "pushn":
        cases.push([operand(), BigInt(rnd(33))]);
        break;
      case "recip2by1":
      case "recip3by2":
        cases.push([rnd(2) ? operand() : fromLimbs([limb(), limb()])]);
        break;
      case "addmod":
      case "mulmod": {
        const m = operand();
        let [a, b] = pair();
        if (m !== 0n && rnd(2)) [a, b] = [a % m, b % m]; // reduced operands (addmod fast path)
        cases.push([a, b, m]);
        break;
      }
      default:
        if (arity === 1) cases.push([operand()]);
        else cases.push(pair());
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

function run(cmd: string[], stdin?: Uint8Array): string {
  const r = Bun.spawnSync(cmd, { stdin: stdin ?? "ignore", stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) {
    throw new Error(`${cmd.join(" ")} exited with ${r.exitCode}:\n${r.stderr.toString()}`);
  }
  return r.stdout.toString();
}

const hex = (x: bigint) => x.toString(16);
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function writeWord(mem: Uint8Array, off: number, x: bigint) {
  const h = x.toString(16).padStart(64, "0");
  for (let i = 0; i < 32; ++i) mem[off + i] = parseInt(h.substring(2 * i, 2 * i + 2), 16);
}
function readWord(mem: Uint8Array, off: number): bigint {
  let h = "0x";
  for (let i = 0; i < 32; ++i) h += BYTE_HEX[mem[off + i]];
  return BigInt(h);
}

function mismatches(op: string, cases: Case[], got: bigint[]): string[] {
  const bad: string[] = [];
  expect(got.length).toBe(cases.length);
  for (let i = 0; i < cases.length; ++i) {
    const [a, b = 0n, c = 0n] = cases[i];
    const want = REF[op](a, b, c);
    if (got[i] !== want) {
      bad.push(`${op}(${cases[i].map(hex).join(", ")}) = ${hex(got[i])}, want ${hex(want)}`);
    }
  }
  return bad;
}

let dir = "";
const CASES = new Map<string, Case[]>();
let nativeResults = new Map<string, bigint[]>();
let wasmObjectSymbols = "";
let wasmError: Error | null = null;
let wasm: {
  memory: WebAssembly.Memory;
  u256_buffer: () => number;
  u256_op_code: (len: number) => number;
  u256_run: (op: number, count: number) => void;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "uint256-"));
  for (const op of OPS) CASES.set(op, makeCases(op));

  // Native build, one process for every op.
  const exe = join(dir, "driver");
  run(["g++", ...NATIVE_FLAGS, DRIVER, "-o", exe]);
  let input = "";
  for (const op of OPS) for (const c of CASES.get(op)!) input += `${op} ${c.map(hex).join(" ")}\n`;
  const lines = run([exe], new TextEncoder().encode(input)).split("\n");
  let k = 0;
  for (const op of OPS) {
    const cases = CASES.get(op)!;
    nativeResults.set(
      op,
      cases.map(() => {
        const line = lines[k++];
        if (!line || line === "?") throw new Error(`native driver rejected ${op} (line ${k})`);
        return BigInt("0x" + line);
      }),
    );
  }

  // wasm32 build. The object file is inspected for 128-bit libcalls; the module is linked
  // without any library, so a libcall would also fail the link as an undefined symbol.
  const obj = join(dir, "driver.wasm.o");
  const mod = join(dir, "driver.wasm");
  run(["clang++-16", ...WASM_FLAGS, "-c", DRIVER, "-o", obj]);
  wasmObjectSymbols = run(["llvm-objdump-16", "-t", obj]);
  try {
    run(["clang++-16", ...WASM_FLAGS, "-nostdlib", "-Wl,--no-entry", DRIVER, "-o", mod]);
    const module = await WebAssembly.compile(readFileSync(mod));
    const imports: Record<string, Record<string, () => number>> = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      (imports[imp.module] ??= {})[imp.name] = () => 0; // none expected; stub WASI just in case
    }
    const instance = await WebAssembly.instantiate(module, imports);
    wasm = instance.exports as unknown as typeof wasm;
  } catch (e) {
    wasmError = e as Error; // reported by every wasm test (after the libcall check)
  }
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runWasm(op: string, cases: Case[]): bigint[] {
  if (wasmError) throw wasmError;
  const base = wasm.u256_buffer();
  let mem = new Uint8Array(wasm.memory.buffer);
  const name = new TextEncoder().encode(op);
  mem.set(name, base);
  const code = wasm.u256_op_code(name.length);
  expect(code).toBeGreaterThanOrEqual(0);
  const out: bigint[] = [];
  const BATCH = 1024;
  for (let start = 0; start < cases.length; start += BATCH) {
    const batch = cases.slice(start, start + BATCH);
    mem = new Uint8Array(wasm.memory.buffer);
    batch.forEach(([a, b = 0n, c = 0n], i) => {
      writeWord(mem, base + 128 * i, a);
      writeWord(mem, base + 128 * i + 32, b);
      writeWord(mem, base + 128 * i + 64, c);
    });
    wasm.u256_run(code, batch.length);
    mem = new Uint8Array(wasm.memory.buffer);
    for (let i = 0; i < batch.length; ++i) out.push(readWord(mem, base + 128 * i + 96));
  }
  return out;
}

describe("uint256.hpp builds", () => {
  test("wasm32 object references no 128-bit multiply/divide libcalls", () => {
    const undefinedSyms = wasmObjectSymbols.split("\n").filter((l) => l.includes("*UND*"));
    expect(undefinedSyms.filter((l) => LIBCALLS.test(l))).toEqual([]);
    expect(wasmObjectSymbols).not.toMatch(LIBCALLS);
  });

  test("case counts", () => {
    let total = 0;
    for (const op of OPS) total += CASES.get(op)!.length;
    expect(total).toBeGreaterThan(OPS.length * CASES_PER_OP);
  });
});

describe("uint256.hpp native (g++) vs BigInt", () => {
  for (const op of OPS) {
    test(op, () => {
      const bad = mismatches(op, CASES.get(op)!, nativeResults.get(op)!);
      expect(bad.slice(0, 8)).toEqual([]);
    });
  }
});

describe("uint256.hpp wasm32 (clang++-16) vs BigInt", () => {
  for (const op of OPS) {
    test(op, () => {
      const cases = CASES.get(op)!;
      const bad = mismatches(op, cases, runWasm(op, cases));
      expect(bad.slice(0, 8)).toEqual([]);
    });
  }
});
