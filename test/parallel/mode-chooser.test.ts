// The per-batch-size choice between Block-STM and serial execution, fed with made-up timings.
import { describe, expect, test } from "bun:test";
import { ModeChooser, PROBE_EVERY, WARMUP_RUNS, type Mode } from "../../src/parallel/mode-chooser";

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

describe("ModeChooser", () => {
  test("tries both modes, then runs the faster and probes the slower every PROBE_EVERY batches", () => {
    const c = new ModeChooser();
    const modes = run(c, 100, WARMUP_RUNS * 2 + PROBE_EVERY * 3, { parallel: 8_000, serial: 12_000 });
    expect(modes.slice(0, WARMUP_RUNS)).toEqual(Array(WARMUP_RUNS).fill("parallel"));
    expect(modes.slice(WARMUP_RUNS, 2 * WARMUP_RUNS)).toEqual(Array(WARMUP_RUNS).fill("serial"));
    const after = modes.slice(2 * WARMUP_RUNS);
    expect(after.filter((m) => m === "serial").length).toBe(3);
    expect(after.filter((m) => m === "parallel").length).toBe(PROBE_EVERY * 3 - 3);
  });

  test("picks serial where Block-STM loses", () => {
    const c = new ModeChooser();
    const modes = run(c, 1000, 40, { parallel: 15_000, serial: 12_000 }).slice(2 * WARMUP_RUNS);
    expect(modes.filter((m) => m === "serial").length).toBeGreaterThan(modes.length * 0.9);
  });

  test("size classes are measured apart", () => {
    const c = new ModeChooser();
    run(c, 16, 20, { parallel: 20_000, serial: 10_000 });
    run(c, 1024, 20, { parallel: 5_000, serial: 10_000 });
    expect(c.choose(20)).toBe("serial");
    expect(c.choose(1500)).toBe("parallel");
  });

  test("follows a change of workload through the probes", () => {
    const c = new ModeChooser();
    run(c, 256, 30, { parallel: 6_000, serial: 10_000 });
    // The workload turns into one long dependency chain: Block-STM becomes the slower mode.
    const modes = run(c, 256, PROBE_EVERY * 6, { parallel: 14_000, serial: 10_000 });
    const last = modes.slice(-2 * PROBE_EVERY);
    expect(last.filter((m) => m === "parallel").length).toBe(2); // the probes only
  });
});
