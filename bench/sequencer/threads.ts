// CPU time per thread of a process from /proc (Linux): lets the benchmark split the sequencer's
// process time into its main thread (RPC, decode, pool, execute, commit, seal) and the rest
// (recovery worker, LMDB, GC), since Bun has no event-loop utilisation counter.
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

export interface ThreadCpu {
  tid: number;
  name: string;
  cpuMs: number;
}

function readStat(path: string): { name: string; cpuMs: number } | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null; // the thread or process ended
  }
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const name = text.slice(open + 1, close);
  const fields = text.slice(close + 2).split(" ");
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return { name, cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
}

/** Every thread of `pid` with its CPU time so far. */
export function threadTimes(pid: number = process.pid): ThreadCpu[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: ThreadCpu[] = [];
  for (const t of tids) {
    const s = readStat(`/proc/${pid}/task/${t}/stat`);
    if (s) out.push({ tid: Number(t), ...s });
  }
  return out;
}

/** Whole-process CPU time (all threads, including ended ones) of `pid`. */
export function processCpuMs(pid: number): number {
  return readStat(`/proc/${pid}/stat`)?.cpuMs ?? 0;
}

/** CPU spent per thread between two snapshots; threads started in between count from zero. */
export function threadDelta(before: ThreadCpu[], after: ThreadCpu[]): ThreadCpu[] {
  const base = new Map(before.map((t) => [t.tid, t.cpuMs]));
  return after.map((t) => ({ ...t, cpuMs: t.cpuMs - (base.get(t.tid) ?? 0) })).filter((t) => t.cpuMs > 0);
}
