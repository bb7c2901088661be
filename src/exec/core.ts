// Loads the execution core, as WebAssembly (the default) or as the native build through
// bun:ffi (the speed reference), and runs one transaction per call. Both backends share the
// host functions below; only how a core pointer becomes a Uint8Array differs.
import {
  ABI_VERSION,
  ACCOUNT_RECORD_SIZE,
  BLOCK_ENV_SIZE,
  type BlockEnv,
  decodeOutput,
  encodeAccountRecord,
  encodeInput,
  type ExecResult,
  INPUT_FLAGS_OFFSET,
  type HostState,
  inputSize,
  type TxInput,
} from "./abi";
import { initPrecompiles, runHostPrecompile } from "./precompiles/index";

export type Backend = "wasm" | "native";

/** Maps a pointer into the core's memory to a byte view (valid until the core runs again). */
type ViewFn = (ptr: number, len: number) => Uint8Array;

/** Copies between the core's memory and the host's own arrays, with no view per call. */
interface CoreMemory {
  view: ViewFn;
  /** Fills `dst` from `ptr`. */
  read(ptr: number, dst: Uint8Array): void;
  /** Copies `src` to `ptr`. */
  write(ptr: number, src: Uint8Array): void;
  zero(ptr: number, len: number): void;
}

interface CoreExports {
  inputBuffer(size: number): number;
  execute(len: number): number;
  outputBuffer(): number;
  scratchBuffer(size: number): number;
  keccak256(data: number, len: number, out: number): void;
}

export class CoreError extends Error {
  override name = "CoreError";
}

/**
 * The host functions of evm_abi.h, over whatever HostState the current call supplies. Arguments
 * are copied into arrays kept for the purpose and answers copied back (HostState promises not to
 * keep what it is handed): a fresh view of the core's memory per argument cost more than the copy.
 */
function hostFunctions(core: { host: HostState | null }, mem: CoreMemory) {
  const state = () => {
    if (!core.host) throw new CoreError("the core asked for state outside of execute()");
    return core.host;
  };
  const address = new Uint8Array(20);
  const key = new Uint8Array(32);
  const word = new Uint8Array(32);
  const record = new Uint8Array(ACCOUNT_RECORD_SIZE);
  const recordView = new DataView(record.buffer);
  return {
    account(addrPtr: number, outPtr: number): number {
      const s = state();
      mem.read(addrPtr, address);
      if (s.accountInto) {
        if (!s.accountInto(address, record)) return 0;
      } else {
        const acct = s.account(address);
        if (!acct) return 0;
        encodeAccountRecord(acct, record, recordView);
      }
      mem.write(outPtr, record);
      return 1;
    },
    code(addrPtr: number, outPtr: number): void {
      const s = state();
      mem.read(addrPtr, address);
      const code = s.accountCode ? s.accountCode(address) : s.account(address)?.code;
      if (code && code.length !== 0) mem.write(outPtr, code);
    },
    storage(addrPtr: number, keyPtr: number, outPtr: number): void {
      mem.read(addrPtr, address);
      mem.read(keyPtr, key);
      word.fill(0);
      state().storage(address, key, word);
      mem.write(outPtr, word);
    },
    block_hash(number: bigint, outPtr: number): void {
      const h = state().blockHash(BigInt.asUintN(64, number));
      if (h) mem.write(outPtr, h);
      else mem.zero(outPtr, 32);
    },
    precompile(address: number, inPtr: number, inLen: number, outPtr: number, outCap: number): number {
      const result = runHostPrecompile(address, mem.view(inPtr, inLen).slice());
      if (!result) return -1;
      if (result.length > outCap) throw new CoreError(`precompile ${address} output exceeds ${outCap} bytes`);
      mem.write(outPtr, result);
      return result.length;
    },
  };
}

export class EvmCore {
  host: HostState | null = null;
  private exports!: CoreExports;
  private view!: ViewFn;
  /**
   * The whole memory as bytes, words and a DataView (wasm only; re-made after growth): inputs are
   * encoded and outputs decoded in place, with no view pair per transaction.
   */
  private memory: (() => WholeMemory) | null = null;
  /** Whose block environment the input buffer holds (executeInput): `envShared` under `envStamp`. */
  private envShared: WordBytes | null = null;
  private envStamp = 0;

  private constructor(readonly backend: Backend) {}

  /**
   * Executes one transaction against `host` and decodes the result.
   * @example core.execute(block, tx, stateReader).gasUsed
   */
  execute(block: BlockEnv, tx: TxInput, host: HostState): ExecResult {
    if (this.memory === null) return decodeOutput(this.executeRaw(block, tx, host));
    const size = inputSize(tx);
    const input = this.exports.inputBuffer(size);
    this.envShared = null;
    let m = this.memory();
    encodeInput(block, tx, m.bytes, input, m.data);
    this.call(size, host);
    m = this.memory(); // execution may have grown it
    return decodeOutput(m.bytes, this.exports.outputBuffer(), m.data);
  }

  /** As execute, but returns the raw output buffer (a view valid until the next call). */
  executeRaw(block: BlockEnv, tx: TxInput, host: HostState): Uint8Array {
    const size = inputSize(tx);
    this.envShared = null;
    encodeInput(block, tx, this.view(this.exports.inputBuffer(size), size));
    return this.run(size, host);
  }

  /**
   * As executeRaw, for a transaction laid out in `shared` (e.g. once, in shared memory): its
   * block environment (encodeBlockEnv) at byte `envAt`, its body (encodeTxBody, `bodyLen`
   * bytes) at `bodyAt`, run with input `flags`; no decoding and re-encoding per run. `envStamp`
   * names the environment's content while `shared` holds it (a batch number): a run with the
   * same `shared` and stamp as the last finds the environment in the core's input buffer and
   * copies only the body (the environment is half of a transfer's input, and the same for a
   * whole batch). Returns the output's length; copyOutput() fetches it.
   */
  executeInput(shared: WordBytes, envAt: number, envStamp: number, bodyAt: number, bodyLen: number, flags: number, host: HostState): number {
    const len = BLOCK_ENV_SIZE + bodyLen;
    const ptr = this.exports.inputBuffer(len);
    const env = shared !== this.envShared || envStamp !== this.envStamp;
    let bytes: Uint8Array;
    let f = INPUT_FLAGS_OFFSET;
    if (this.memory !== null) {
      const m = this.memory();
      if (env) copyBytes(shared, envAt, m, ptr, BLOCK_ENV_SIZE);
      copyBytes(shared, bodyAt, m, ptr + BLOCK_ENV_SIZE, bodyLen);
      bytes = m.bytes;
      f += ptr;
    } else {
      bytes = this.view(ptr, len);
      if (env) bytes.set(shared.bytes.subarray(envAt, envAt + BLOCK_ENV_SIZE));
      bytes.set(shared.bytes.subarray(bodyAt, bodyAt + bodyLen), BLOCK_ENV_SIZE);
    }
    this.envShared = shared;
    this.envStamp = envStamp;
    for (let i = 0; i < 4; i++) bytes[f + i] = flags >>> (8 * i);
    return this.call(len, host);
  }

  /** Copies the last execution's `len`-byte output to byte `at` of `shared`. */
  copyOutput(shared: WordBytes, at: number, len: number): void {
    const ptr = this.exports.outputBuffer();
    if (this.memory !== null) copyBytes(this.memory(), ptr, shared, at, len);
    else shared.bytes.set(this.view(ptr, len), at);
  }

  /** Runs the `size`-byte input in the core's input buffer against `host`. */
  private run(size: number, host: HostState): Uint8Array {
    const n = this.call(size, host);
    return this.view(this.exports.outputBuffer(), n);
  }

  /** Executes the `size`-byte input with `host` answering the core's reads; returns the output's length. */
  private call(size: number, host: HostState): number {
    this.host = host;
    try {
      return this.exports.execute(size);
    } finally {
      this.host = null;
    }
  }

  /** keccak256 computed by the core (used as the trie's hash through setKeccakImpl). */
  keccak256(data: Uint8Array): Uint8Array {
    const ptr = this.exports.scratchBuffer(data.length + 32);
    this.view(ptr, data.length).set(data);
    this.exports.keccak256(ptr, data.length, ptr + data.length);
    return this.view(ptr + data.length, 32).slice();
  }

  /** One instance per caller (each worker loads its own); `module` lets workers share compilation. */
  static async load(backend: Backend = "wasm", module?: WebAssembly.Module): Promise<EvmCore> {
    await initPrecompiles();
    const core = new EvmCore(backend);
    if (backend === "wasm") await core.initWasm(module ?? (await compileWasm()));
    else core.initNative();
    return core;
  }

  private async initWasm(module: WebAssembly.Module): Promise<void> {
    let bytes = new Uint8Array(0);
    let whole = wholeMemory(bytes);
    // Memory growth detaches the old buffer (its views read as empty); re-wrap only then. A
    // length check, not a compare of the two buffer getters: the host functions call this for
    // every argument and answer.
    const current = () => (bytes.length !== 0 ? bytes : (bytes = new Uint8Array(memory.buffer)));
    const view: ViewFn = (ptr, len) => current().subarray(ptr, ptr + len);
    const mem: CoreMemory = {
      view,
      read(ptr, dst) {
        const b = current();
        for (let i = 0; i < dst.length; i++) dst[i] = b[ptr + i]!;
      },
      write: (ptr, src) => current().set(src, ptr),
      zero: (ptr, len) => void current().fill(0, ptr, ptr + len),
    };
    const unsupported = () => 52; // ENOSYS: the core does no I/O; libc++ only links these in.
    const instance = await WebAssembly.instantiate(module, {
      host: hostFunctions(this, mem),
      wasi_snapshot_preview1: { fd_write: unsupported, fd_close: unsupported, fd_seek: unsupported },
    });
    const ex = instance.exports as Record<string, any>;
    const memory = ex.memory as WebAssembly.Memory;
    ex._initialize();
    checkVersion(ex.evm_abi_version());
    this.view = view;
    this.memory = () => (whole.bytes === current() ? whole : (whole = wholeMemory(bytes)));
    this.exports = {
      inputBuffer: ex.evm_input_buffer,
      execute: ex.evm_execute,
      outputBuffer: ex.evm_output_buffer,
      scratchBuffer: ex.evm_scratch_buffer,
      keccak256: ex.evm_keccak256,
    };
  }

  private initNative(): void {
    const { dlopen, JSCallback, toArrayBuffer, FFIType: T } = require("bun:ffi") as typeof import("bun:ffi");
    const path = new URL("../../native/libevm.so", import.meta.url).pathname;
    let lib;
    try {
      lib = dlopen(path, {
        evm_abi_version: { args: [], returns: T.u32 },
        evm_input_buffer: { args: [T.u32], returns: T.ptr },
        evm_execute: { args: [T.u32], returns: T.u32 },
        evm_output_buffer: { args: [], returns: T.ptr },
        evm_set_host: { args: [T.ptr, T.ptr, T.ptr, T.ptr, T.ptr], returns: T.void },
        evm_scratch_buffer: { args: [T.u32], returns: T.ptr },
        evm_keccak256: { args: [T.ptr, T.u32, T.ptr], returns: T.void },
      });
    } catch (err) {
      throw new CoreError(`cannot load ${path}: build it with 'npx bun run build:native' (${err})`);
    }
    const empty = new Uint8Array(0);
    const view: ViewFn = (ptr, len) => (len === 0 ? empty : new Uint8Array(toArrayBuffer(ptr as any, 0, len)));
    const mem: CoreMemory = {
      view,
      read: (ptr, dst) => dst.set(view(ptr, dst.length)),
      write: (ptr, src) => view(ptr, src.length).set(src),
      zero: (ptr, len) => void view(ptr, len).fill(0),
    };
    const fns = hostFunctions(this, mem);
    const callbacks = [
      new JSCallback(fns.account, { args: [T.ptr, T.ptr], returns: T.u32 }),
      new JSCallback(fns.code, { args: [T.ptr, T.ptr], returns: T.void }),
      new JSCallback(fns.storage, { args: [T.ptr, T.ptr, T.ptr], returns: T.void }),
      new JSCallback(fns.block_hash, { args: [T.u64, T.ptr], returns: T.void }),
      new JSCallback(fns.precompile, { args: [T.u32, T.ptr, T.u32, T.ptr, T.u32], returns: T.i32 }),
    ];
    const s = lib.symbols;
    checkVersion(s.evm_abi_version());
    s.evm_set_host(...(callbacks.map((c) => c.ptr) as [any, any, any, any, any]));
    this.view = view;
    this.exports = {
      inputBuffer: (n) => Number(s.evm_input_buffer(n)),
      execute: (n) => s.evm_execute(n),
      outputBuffer: () => Number(s.evm_output_buffer()),
      scratchBuffer: (n) => Number(s.evm_scratch_buffer(n)),
      keccak256: (d, n, o) => s.evm_keccak256(d as any, n, o as any),
    };
  }
}

/** A whole buffer as bytes and as aligned words (a wasm memory, the parallel executor's heap). */
export interface WordBytes {
  bytes: Uint8Array;
  words: Int32Array;
}

interface WholeMemory extends WordBytes {
  data: DataView;
}

function wholeMemory(bytes: Uint8Array): WholeMemory {
  return { bytes, words: new Int32Array(bytes.buffer, 0, bytes.length >> 2), data: new DataView(bytes.buffer) };
}

/**
 * Copies `len` bytes between two whole buffers, a word at a time where both offsets are aligned:
 * a subarray to hand to set() costs more than copying the few hundred bytes of a transaction.
 */
function copyBytes(src: WordBytes, from: number, dst: WordBytes, to: number, len: number): void {
  let done = 0;
  if (((from | to) & 3) === 0) {
    const s = src.words;
    const d = dst.words;
    for (let w = from >> 2, v = to >> 2, end = w + (len >> 2); w < end; w++, v++) d[v] = s[w]!;
    done = len & ~3;
  }
  const sb = src.bytes;
  const db = dst.bytes;
  for (let i = done; i < len; i++) db[to + i] = sb[from + i]!;
}

function checkVersion(v: number): void {
  if (v !== ABI_VERSION) throw new CoreError(`core ABI version ${v}, host expects ${ABI_VERSION}: rebuild the core`);
}

let compiled: Promise<WebAssembly.Module> | null = null;

/** Compiles wasm/evm.wasm once per thread. */
export function compileWasm(): Promise<WebAssembly.Module> {
  compiled ??= Bun.file(new URL("../../wasm/evm.wasm", import.meta.url)).arrayBuffer().then((b) => WebAssembly.compile(b));
  return compiled;
}
