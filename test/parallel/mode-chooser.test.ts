// The per-batch-size choice between Block-STM and serial execution, fed with made-up timings.
import { describe, expect, test } from "bun:test";
import { JIT_WARMUP, ModeChooser, PROBE_EVERY, WARMUP_RUNS, type Mode } from "../../src/parallel/mode-chooser";

/** Runs `batches` batches of `txs`, each costing `nsPerTx[mode]` per transaction; returns the modes chosen. */
function run(c: ModeChooser, txs: number, batches: number, nsPerTx: Record<Mode, number>): Mode[] {
  const modes: Mode[] = [];
  for (let i = 0; i < batches; i++) {
    const m = c.choose(txs);
    c.record(txs, m, nsPerTx[m] * txs);
    modes.push(m);
  }
  return modes;
}

/** Lengths of the runs of `mode` in `modes`. */
function runLengths(modes: Mode[], mode: Mode): number[] {
  const lengths: number[] = [];
  modes.forEach((m, i) => {
    if (m !== mode) return;
    if (i > 0 && modes[i - 1] === mode) lengths[lengths.length - 1]!++;
    else lengths.push(1);
  });
  return lengths;
}

describe("ModeChooser", () => {
  test("alternates the modes two batches at a time first, then runs the faster and probes the slower every PROBE_EVERY batches", () => {
    const c = new ModeChooser(0);
    const modes = run(c, 100, WARMUP_RUNS * 4 + PROBE_EVERY * 3, { parallel: 8_000, serial: 8_700 });
    expect(modes.slice(0, 4 * WARMUP_RUNS)).toEqual(Array.from({ length: 4 * WARMUP_RUNS }, (_, i) => (i & 2 ? "serial" : "parallel")));
    const after = modes.slice(4 * WARMUP_RUNS);
    // Each probe is two batches: the first runs cold after the switch and is not recorded.
    expect(runLengths(after, "serial")).toEqual([2, 2]);
  });

  test("spreads the probes out while each finds the slower mode far behind, up to one every 4 * PROBE_EVERY batches", () => {
    const c = new ModeChooser(0);
    const modes = run(c, 100, WARMUP_RUNS * 4 + PROBE_EVERY * 20, { parallel: 8_000, serial: 12_000 }).slice(4 * WARMUP_RUNS);
    const starts = modes.flatMap((m, i) => (m === "serial" && modes[i - 1] !== "serial" ? [i] : []));
    const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
    // Each gap: the probe's two batches, then the spacing's worth of Block-STM batches.
    expect(gaps).toEqual([2, 3, 4, 4, 4].map((k) => 2 + k * PROBE_EVERY));
  });

  test("probes close again after a switch: a passing burst of slow batches does not keep the slower mode for long", () => {
    const c = new ModeChooser(0);
    run(c, 1000, WARMUP_RUNS * 4 + PROBE_EVERY * 12, { parallel: 8_000, serial: 12_000 }); // probes spread out
    const burst = run(c, 1000, 10, { parallel: 30_000, serial: 12_000 }); // Block-STM 2.5x slower for a while
    expect(burst.at(-1)).toBe("serial");
    const modes = run(c, 1000, PROBE_EVERY * 2, { parallel: 8_000, serial: 12_000 });
    expect(modes.slice(-PROBE_EVERY).filter((m) => m === "parallel").length).toBeGreaterThan(PROBE_EVERY - 3);
  });

  test("runs Block-STM for its first JIT_WARMUP batches before judging it, so that it is judged warm", () => {
    // Block-STM starts at 3x serial's cost and gets 1% cheaper a batch, down to 0.7x, as the JIT
    // compiles it: judged from the start (no warm-up), it never runs enough batches to get there.
    const modes = (jitWarmup: number) => {
      const c = new ModeChooser(jitWarmup);
      let parallelCost = 30_000;
      const chosen: Mode[] = [];
      for (let i = 0; i < JIT_WARMUP + 100; i++) {
        const m = c.choose(1000);
        c.record(1000, m, (m === "parallel" ? parallelCost : 10_000) * 1000);
        if (m === "parallel") parallelCost = Math.max(7_000, parallelCost * 0.99);
        chosen.push(m);
      }
      return chosen;
    };
    const warmed = modes(JIT_WARMUP);
    expect(warmed.slice(0, JIT_WARMUP).every((m) => m === "parallel")).toBe(true);
    expect(warmed.slice(-50).filter((m) => m === "parallel").length).toBeGreaterThan(45);
    expect(modes(0).slice(-50).filter((m) => m === "parallel").length).toBeLessThan(10);
  });

  test("picks serial where Block-STM loses", () => {
    const c = new ModeChooser(0);
    const modes = run(c, 1000, 60, { parallel: 15_000, serial: 12_000 }).slice(4 * WARMUP_RUNS);
    expect(modes.filter((m) => m === "serial").length).toBeGreaterThan(modes.length * 0.85);
  });

  test("judges a mode on batches that follow one of its own, not on its first after a switch", () => {
    // Block-STM's first batch after serial ones runs cold (caches, a parked worker): 40% dearer
    // than serial; every later one is 20% cheaper. Serial runs first, as Block-STM still loses.
    const c = new ModeChooser(0);
    let previous: Mode | null = null;
    const cost = (m: Mode) => (m === "serial" ? 10_000 : previous === "parallel" ? 8_000 : 14_000);
    const modes: Mode[] = [];
    run(c, 1000, 30, { parallel: 14_000, serial: 10_000 });
    for (let i = 0; i < PROBE_EVERY * 4; i++) {
      const m = c.choose(1000);
      c.record(1000, m, cost(m) * 1000);
      previous = m;
      modes.push(m);
    }
    expect(modes.slice(-PROBE_EVERY).filter((m) => m === "parallel").length).toBeGreaterThan(PROBE_EVERY - 3);
  });

  test("size classes are measured apart", () => {
    const c = new ModeChooser(0);
    run(c, 16, 20, { parallel: 20_000, serial: 10_000 });
    run(c, 1024, 20, { parallel: 5_000, serial: 10_000 });
    expect(c.choose(20)).toBe("serial");
    expect(c.choose(1500)).toBe("parallel");
  });

  test("keeps re-trying a mode that is still getting faster, so a cold start does not decide", () => {
    // Block-STM starts at 1.5x serial's cost and sheds 4% a batch until it settles at 0.8x.
    const c = new ModeChooser(0);
    let parallelCost = 15_000;
    const modes: Mode[] = [];
    for (let i = 0; i < 120; i++) {
      const m = c.choose(1000);
      c.record(1000, m, (m === "parallel" ? parallelCost : 10_000) * 1000);
      if (m === "parallel") parallelCost = Math.max(8_000, parallelCost * 0.96);
      modes.push(m);
    }
    expect(parallelCost).toBe(8_000);
    expect(modes.slice(-20).filter((m) => m === "parallel").length).toBeGreaterThan(17);
  });

  test("a near tie does not flip the choice", () => {
    const c = new ModeChooser(0);
    run(c, 512, 40, { parallel: 8_000, serial: 10_000 });
    // Serial now runs about as fast as Block-STM: a 1% difference is noise, not a reason to switch.
    const tie = { parallel: 8_000, serial: 7_920 };
    run(c, 512, PROBE_EVERY * 3, tie);
    const modes = run(c, 512, PROBE_EVERY * 2, tie);
    expect(modes.filter((m) => m === "serial").length).toBeLessThanOrEqual(4); // the probes only, two batches each
  });

  test("one outlier batch (a GC pause, a late worker) does not flip the choice", () => {
    const c = new ModeChooser(0);
    run(c, 1000, 40, { parallel: 7_000, serial: 10_000 });
    const m = c.choose(1000);
    c.record(1000, m, (m === "parallel" ? 40_000 : 10_000) * 1000);
    const modes = run(c, 1000, PROBE_EVERY, { parallel: 7_000, serial: 10_000 });
    expect(modes.filter((x) => x === "serial").length).toBeLessThanOrEqual(2); // a probe at most
  });

  test("a spell of a few slow batches (another tenant taking a core) does not flip the choice", () => {
    const c = new ModeChooser(0);
    run(c, 1000, 40, { parallel: 7_000, serial: 10_000 });
    run(c, 1000, 6, { parallel: 20_000, serial: 10_000 });
    const modes = run(c, 1000, PROBE_EVERY, { parallel: 7_000, serial: 10_000 });
    expect(modes.filter((x) => x === "serial").length).toBeLessThanOrEqual(2); // a probe at most
  });

  test("one batch luckier than the rest does not decide", () => {
    // Block-STM loses; then one of its probes runs far faster than any other (fewer conflicts).
    const c = new ModeChooser(0);
    run(c, 1000, 40 + PROBE_EVERY * 4, { parallel: 14_000, serial: 10_000 });
    let last: Mode | null = null;
    let lucky = false;
    for (let i = 0; !lucky && i < PROBE_EVERY * 8; i++) {
      const m = c.choose(1000);
      // The second batch of a probe is the one judged (the first after a switch runs cold).
      lucky = m === "parallel" && last === "parallel";
      c.record(1000, m, (m === "serial" ? 10_000 : lucky ? 5_000 : 14_000) * 1000);
      last = m;
    }
    expect(lucky).toBe(true);
    const modes = run(c, 1000, PROBE_EVERY * 2, { parallel: 14_000, serial: 10_000 });
    // At most the re-probe a faster-than-ever probe earns (two batches), not a switch.
    expect(modes.filter((m) => m === "parallel").length).toBeLessThanOrEqual(2);
  });

  test("follows a change of workload through the probes", () => {
    const c = new ModeChooser(0);
    run(c, 256, 30, { parallel: 6_000, serial: 10_000 });
    // The workload turns into one long dependency chain: Block-STM becomes the slower mode.
    const modes = run(c, 256, PROBE_EVERY * 12, { parallel: 15_000, serial: 10_000 });
    const last = modes.slice(-8 * PROBE_EVERY);
    // The probes only: two batches each, one every 4 * PROBE_EVERY as Block-STM is 50% behind.
    expect(last.filter((m) => m === "parallel").length).toBeLessThanOrEqual(4);
    expect(Math.max(...runLengths(last, "parallel"))).toBe(2);
  });
});
