// Loads the execution core, as WebAssembly (the default) or as the native build through
// bun:ffi (the speed reference), and runs one transaction per call. Both backends share the
// host functions below; only how a core pointer becomes a Uint8Array differs.
import {
  ABI_VERSION,
  ACCOUNT_RECORD_SIZE,
  type BlockEnv,
  decodeOutput,
  encodeAccountRecord,
  encodeInput,
  type ExecResult,
  FLAG_DEFER_COINBASE,
  INPUT_FLAGS_OFFSET,
  type HostState,
  inputSize,
  type TxInput,
} from "./abi";
import { initPrecompiles, runHostPrecompile } from "./precompiles/index";

export type Backend = "wasm" | "native";

/** Maps a pointer into the core's memory to a byte view (valid until the core runs again). */
type ViewFn = (ptr: number, len: number) => Uint8Array;

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

/** The host functions of evm_abi.h, over whatever HostState the current call supplies. */
function hostFunctions(core: { host: HostState | null }, view: ViewFn) {
  const state = () => {
    if (!core.host) throw new CoreError("the core asked for state outside of execute()");
    return core.host;
  };
  return {
    account(addrPtr: number, outPtr: number): number {
      const s = state();
      if (s.accountInto) return s.accountInto(view(addrPtr, 20), view(outPtr, ACCOUNT_RECORD_SIZE)) ? 1 : 0;
      const acct = s.account(view(addrPtr, 20));
      if (!acct) return 0;
      encodeAccountRecord(acct, view(outPtr, ACCOUNT_RECORD_SIZE));
      return 1;
    },
    code(addrPtr: number, outPtr: number): void {
      const s = state();
      const code = s.accountCode ? s.accountCode(view(addrPtr, 20)) : s.account(view(addrPtr, 20))?.code;
      if (code) view(outPtr, code.length).set(code);
    },
    storage(addrPtr: number, keyPtr: number, outPtr: number): void {
      const out = view(outPtr, 32);
      out.fill(0);
      state().storage(view(addrPtr, 20), view(keyPtr, 32), out);
    },
    block_hash(number: bigint, outPtr: number): void {
      const out = view(outPtr, 32);
      const h = state().blockHash(BigInt.asUintN(64, number));
      if (h) out.set(h);
      else out.fill(0);
    },
    precompile(address: number, inPtr: number, inLen: number, outPtr: number, outCap: number): number {
      const result = runHostPrecompile(address, view(inPtr, inLen).slice());
      if (!result) return -1;
      if (result.length > outCap) throw new CoreError(`precompile ${address} output exceeds ${outCap} bytes`);
      view(outPtr, result.length).set(result);
      return result.length;
    },
  };
}

export class EvmCore {
  host: HostState | null = null;
  private exports!: CoreExports;
  private view!: ViewFn;

  private constructor(readonly backend: Backend) {}

  /**
   * Executes one transaction against `host` and decodes the result.
   * @example core.execute(block, tx, stateReader).gasUsed
   */
  execute(block: BlockEnv, tx: TxInput, host: HostState): ExecResult {
    const out = this.executeRaw(block, tx, host);
    return decodeOutput(out);
  }

  /** As execute, but returns the raw output buffer (a view valid until the next call). */
  executeRaw(block: BlockEnv, tx: TxInput, host: HostState): Uint8Array {
    const size = inputSize(tx);
    encodeInput(block, tx, this.view(this.exports.inputBuffer(size), size));
    return this.run(size, host);
  }

  /**
   * As executeRaw, for an input encodeInput already produced (e.g. laid out once in shared
   * memory), with the defer-coinbase flag set as asked: no decoding and re-encoding per run.
   */
  executeInput(input: Uint8Array, deferCoinbase: boolean, host: HostState): Uint8Array {
    const dst = this.view(this.exports.inputBuffer(input.length), input.length);
    dst.set(input);
    const f = INPUT_FLAGS_OFFSET;
    dst[f] = deferCoinbase ? dst[f]! | FLAG_DEFER_COINBASE : dst[f]! & ~FLAG_DEFER_COINBASE;
    return this.run(input.length, host);
  }

  /** Runs the `size`-byte input in the core's input buffer against `host`. */
  private run(size: number, host: HostState): Uint8Array {
    this.host = host;
    try {
      const n = this.exports.execute(size);
      return this.view(this.exports.outputBuffer(), n);
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
    const view: ViewFn = (ptr, len) => {
      // Memory growth detaches the old buffer; re-wrap only then.
      if (bytes.buffer !== memory.buffer) bytes = new Uint8Array(memory.buffer);
      return bytes.subarray(ptr, ptr + len);
    };
    const unsupported = () => 52; // ENOSYS: the core does no I/O; libc++ only links these in.
    const instance = await WebAssembly.instantiate(module, {
      host: hostFunctions(this, view),
      wasi_snapshot_preview1: { fd_write: unsupported, fd_close: unsupported, fd_seek: unsupported },
    });
    const ex = instance.exports as Record<string, any>;
    const memory = ex.memory as WebAssembly.Memory;
    ex._initialize();
    checkVersion(ex.evm_abi_version());
    this.view = view;
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
    const fns = hostFunctions(this, view);
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

function checkVersion(v: number): void {
  if (v !== ABI_VERSION) throw new CoreError(`core ABI version ${v}, host expects ${ABI_VERSION}: rebuild the core`);
}

let compiled: Promise<WebAssembly.Module> | null = null;

/** Compiles wasm/evm.wasm once per thread. */
export function compileWasm(): Promise<WebAssembly.Module> {
  compiled ??= Bun.file(new URL("../../wasm/evm.wasm", import.meta.url)).arrayBuffer().then((b) => WebAssembly.compile(b));
  return compiled;
}
