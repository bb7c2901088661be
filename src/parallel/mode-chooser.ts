// Whether a batch runs on Block-STM or serially, decided by what each mode measured on this
// machine for batches of about the same size. Block-STM's costs (shared-memory bookkeeping, the
// main thread's in-order commits) pay off only when enough free cores meet enough independent
// work; that depends on the machine, its load and the workload, so the choice is measured while
// the sequencer runs rather than configured. Both modes give identical results, so choosing
// either is always safe; only speed is at stake.
//
// Batches fall into size classes (powers of two). Before any is judged, the first JIT_WARMUP
// batches run on Block-STM (see there). Then each class keeps, for each mode, the nanoseconds per
// transaction of its last few batches and takes the second fastest of them as the mode's cost
// (see cost()), alternates the modes for its first batches, then runs the faster one and
// re-tries the slower one every PROBE_EVERY batches so that a change of workload or load is
// noticed; the choice changes only when the other mode's cost is clearly lower, so noise does
// not flip it back and forth.
//
// A probe costs two batches in the slower mode, so while probe after probe finds it far behind
// (FAR_BEHIND) they spread out, by PROBE_EVERY each time, up to MAX_PROBE_SPACING times further
// apart: with Block-STM 1.4x faster, probing every 16 batches gave up about 5% of the
// throughput, every 64 about 1%. They start close again after every switch, whose cause may
// have been a passing burst of slow batches (a tenant taking a core of this VM slows Block-STM
// for a while: spreading the probes by the gap alone then kept serial running for 64 batches
// and more after Block-STM had recovered). A probe that finds the slower mode faster than its
// cost says it is still speeding up, so it is re-tried right after, rather than judged on how
// it ran before. And a batch right after a switch of mode runs cold (caches, a parked worker's
// wake-up): measured on 1,000 transfers, Block-STM's first batch after 16 serial ones costs 13%
// more than a steady one and serial's first after Block-STM 6% more, which biased every probe
// toward the mode already running (one bench run kept transfers serial in 12 of 15 runs while
// Block-STM was 1.38x faster). So each mode runs at least two batches in a row, and only a batch
// that follows one of its own mode is recorded.

export type Mode = "parallel" | "serial";

/**
 * Block-STM batches every executor runs first, of whatever size, before either mode is judged:
 * the JIT compiles Block-STM's code on every thread in tiers over its first hundred or two
 * batches (1,000 transfers: about 6 us a transaction at first, 2 us from about the 150th),
 * while the serial path runs the core's code, warm from the start. Judged cold, Block-STM lost
 * every probe and, probed two batches at a time, never ran enough of them to warm up: a bench
 * run kept transfers serial in all 15 timed runs while Block-STM, warm, was 1.4x faster.
 */
export const JIT_WARMUP = 200;

/** Batches per size class after which the slower mode is tried again, when the two are close. */
export const PROBE_EVERY = 16;
/** The most the probes spread out: one every 64 batches. */
const MAX_PROBE_SPACING = 4;
/** A probe that measures its mode this much dearer than the running one's cost confirms the gap. */
const FAR_BEHIND = 1.2;
/** Runs of each mode a size class needs before its costs are trusted (the modes alternate). */
export const WARMUP_RUNS = 4;
/** A probe this much faster than its mode's cost means the mode is still speeding up. */
const IMPROVING = 0.97;
/** The other mode takes over once its cost is this much lower. */
const SWITCH = 0.95;
/** Batches per mode its cost is taken over. */
const RECENT = 8;

interface ClassStats {
  /** Per mode, ns per transaction of its latest batches (at most RECENT, oldest first). */
  recent: Record<Mode, number[]>;
  runs: Record<Mode, number>;
  sinceProbe: number;
  /** Probe at the next batch: the last probe found its mode still getting faster. */
  probeNow: boolean;
  /** Probes in a row, since the last switch, that found the probed mode FAR_BEHIND. */
  probesBehind: number;
  /** The mode running between probes (null until both modes have warmed up). */
  current: Mode | null;
}

export class ModeChooser {
  private readonly classes = new Map<number, ClassStats>();
  /** Block-STM batches still to run before any is judged. */
  private warmingUp: number;
  /** The mode of the latest batch (of any size), and whether the one before it ran the same. */
  private last: Mode | null = null;
  private lastWarm = false;

  constructor(jitWarmup = JIT_WARMUP) {
    this.warmingUp = jitWarmup;
  }

  choose(txs: number): Mode {
    if (this.warmingUp > 0) return "parallel";
    // The latest batch switched modes, so it ran cold: run its mode again, to be measured.
    if (this.last !== null && !this.lastWarm) return this.last;
    const c = this.stats(txs);
    if (c.runs.parallel < WARMUP_RUNS || c.runs.serial < WARMUP_RUNS) return c.runs.parallel <= c.runs.serial ? "parallel" : "serial";
    if (c.current === null) c.current = cost(c, "parallel") < cost(c, "serial") ? "parallel" : "serial";
    const other: Mode = c.current === "parallel" ? "serial" : "parallel";
    if (cost(c, other) < cost(c, c.current) * SWITCH) {
      c.current = other;
      c.probesBehind = 0;
      c.sinceProbe = 0;
    }
    const spacing = Math.min(MAX_PROBE_SPACING, 1 + c.probesBehind);
    if (!c.probeNow && ++c.sinceProbe < PROBE_EVERY * spacing) return c.current;
    c.probeNow = false;
    c.sinceProbe = 0;
    return c.current === "parallel" ? "serial" : "parallel";
  }

  /** Reports how long a whole batch of `txs` took in `mode`. */
  record(txs: number, mode: Mode, ns: number): void {
    const warm = mode === this.last;
    this.last = mode;
    this.lastWarm = warm;
    if (this.warmingUp > 0) {
      if (mode === "parallel") this.warmingUp--;
      return;
    }
    if (txs === 0 || !warm) return;
    const c = this.stats(txs);
    const perTx = ns / txs;
    // Re-try at once a probed mode that is still getting faster.
    if (c.current !== null && mode !== c.current) {
      if (perTx < cost(c, mode) * IMPROVING) c.probeNow = true;
      c.probesBehind = perTx >= cost(c, c.current) * FAR_BEHIND ? c.probesBehind + 1 : 0;
    }
    // Warm-up runs replace each other: early runs of a mode pay for compiling its code.
    const recent = c.recent[mode];
    if (c.runs[mode] < WARMUP_RUNS) recent.length = 0;
    recent.push(perTx);
    if (recent.length > RECENT) recent.shift();
    c.runs[mode]++;
  }

  private stats(txs: number): ClassStats {
    const k = sizeClass(txs);
    let c = this.classes.get(k);
    if (c === undefined) {
      c = { recent: { parallel: [], serial: [] }, runs: { parallel: 0, serial: 0 }, sinceProbe: 0, probeNow: false, probesBehind: 0, current: null };
      this.classes.set(k, c);
    }
    return c;
  }
}

/**
 * A mode's cost: the second fastest of its recent batches (the only one while there is one), in
 * ns per transaction. On a shared machine noise only ever slows a batch (a GC pause, a late
 * worker, another tenant taking a core for a while), so a low one says what the mode costs now;
 * the second fastest rather than the fastest, so that one batch luckier than the rest (fewer
 * conflicts in a mixed workload) does not decide alone. Up to RECENT - 2 slow batches in a row
 * leave it unmoved, and a mode that really got slower shows it within RECENT - 1. The median of 5
 * it replaces flipped the choice whenever 3 of 5 batches met a slow spell and, with Block-STM
 * probed once every 16 to 64 batches, kept it off for that long after the spell: two bench runs
 * kept plain transfers serial in 15 and 13 of their 15 timed runs while Block-STM ran 1.46x and
 * 1.47x faster than serial.
 */
function cost(c: ClassStats, mode: Mode): number {
  const sorted = [...c.recent[mode]].sort((a, b) => a - b);
  return sorted[Math.min(1, sorted.length - 1)]!;
}

function sizeClass(txs: number): number {
  return 31 - Math.clz32(Math.max(1, txs));
}
