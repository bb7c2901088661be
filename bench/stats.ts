// Small statistics helpers shared by the benchmarks: this machine is noisy, so we report medians.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The nearest-rank p-th percentile of `xs` (0 < p <= 100); NaN when empty. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

/** Times `fn` repeatedly (at least minRuns, until minMs has passed or maxRuns) and returns the median ns. */
export async function timeMedian(fn: () => unknown | Promise<unknown>, minRuns: number, minMs: number, maxRuns: number): Promise<number> {
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < minRuns || (performance.now() - start < minMs && samples.length < maxRuns)) {
    const t0 = Bun.nanoseconds();
    await fn();
    samples.push(Bun.nanoseconds() - t0);
  }
  return median(samples);
}
