// Whether a batch runs on Block-STM or serially, decided by what each mode measured on this
// machine for batches of about the same size. Block-STM's costs (shared-memory bookkeeping, the
// main thread's in-order commits) pay off only when enough free cores meet enough independent
// work; that depends on the machine, its load and the workload, so the choice is measured while
// the sequencer runs rather than configured. Both modes give identical results, so choosing
// either is always safe; only speed is at stake.
//
// Batches fall into size classes (powers of two). Each class keeps a moving average of
// nanoseconds per transaction for each mode, alternates the modes for its first batches, then
// runs the faster one and re-tries the slower one every PROBE_EVERY batches so that a change of
// workload or load is noticed; the choice changes only when the other mode's average is clearly
// lower, so noise does not flip it back and forth. A probe that finds the slower mode faster
// than its average says it is still warming up (JIT tiers take a few hundred batches on
// Block-STM's threads), so it is re-tried right after, rather than judged on how it ran cold.

export type Mode = "parallel" | "serial";

/** Batches per size class after which the slower mode is tried again. */
export const PROBE_EVERY = 16;
/** Runs of each mode a size class needs before its averages are trusted (the modes alternate). */
export const WARMUP_RUNS = 4;
/** A probe this much faster than its mode's average means the mode is still speeding up. */
const IMPROVING = 0.97;
/** The other mode takes over once its average is this much lower: one lucky probe does not flip the choice. */
const SWITCH = 0.95;
const ALPHA = 0.5;

interface ClassStats {
  nsPerTx: Record<Mode, number>;
  runs: Record<Mode, number>;
  sinceProbe: number;
  /** The mode running between probes (null until both modes have warmed up). */
  current: Mode | null;
}

export class ModeChooser {
  private readonly classes = new Map<number, ClassStats>();

  choose(txs: number): Mode {
    const c = this.stats(txs);
    if (c.runs.parallel < WARMUP_RUNS || c.runs.serial < WARMUP_RUNS) return c.runs.parallel <= c.runs.serial ? "parallel" : "serial";
    if (c.current === null) c.current = c.nsPerTx.parallel < c.nsPerTx.serial ? "parallel" : "serial";
    const other: Mode = c.current === "parallel" ? "serial" : "parallel";
    if (c.nsPerTx[other] < c.nsPerTx[c.current] * SWITCH) c.current = other;
    if (++c.sinceProbe < PROBE_EVERY) return c.current;
    c.sinceProbe = 0;
    return c.current === "parallel" ? "serial" : "parallel";
  }

  /** Reports how long a whole batch of `txs` took in `mode`. */
  record(txs: number, mode: Mode, ns: number): void {
    if (txs === 0) return;
    const c = this.stats(txs);
    const perTx = ns / txs;
    // Re-try at once a probed mode that is still getting faster.
    if (c.current !== null && mode !== c.current && perTx < c.nsPerTx[mode] * IMPROVING) c.sinceProbe = PROBE_EVERY - 1;
    // Warm-up runs replace each other: early runs of a mode pay for compiling its code.
    c.nsPerTx[mode] = c.runs[mode] < WARMUP_RUNS ? perTx : c.nsPerTx[mode] + ALPHA * (perTx - c.nsPerTx[mode]);
    c.runs[mode]++;
  }

  private stats(txs: number): ClassStats {
    const k = sizeClass(txs);
    let c = this.classes.get(k);
    if (c === undefined) {
      c = { nsPerTx: { parallel: 0, serial: 0 }, runs: { parallel: 0, serial: 0 }, sinceProbe: 0, current: null };
      this.classes.set(k, c);
    }
    return c;
  }
}

function sizeClass(txs: number): number {
  return 31 - Math.clz32(Math.max(1, txs));
}
