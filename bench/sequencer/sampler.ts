// Samples one thread's scheduler state from /proc about once a millisecond, as its own process:
//   bun bench/sequencer/sampler.ts <pid> <tid> <maxMs>
// Stops when its stdin closes (or after maxMs) and prints one JSON line: how many samples found
// the thread runnable ("R": running or waiting for a core) or asleep, by syscall (the event
// loop's epoll wait is idle; anything else is blocking). Bun has no event-loop utilisation
// counter, so this is how the benchmark tells busy from idle wall time on the main thread.
import { readFileSync } from "node:fs";

const SYSCALL_NAMES: Record<string, string> = { "7": "poll", "23": "select", "232": "epoll_wait", "281": "epoll_pwait", "441": "epoll_pwait2", "202": "futex", "0": "read", "1": "write", "74": "fsync", "75": "fdatasync", "26": "msync", "17": "pread64", "18": "pwrite64", "230": "clock_nanosleep", "35": "nanosleep", "58": "vfork", "56": "clone", "435": "clone3", "61": "wait4" };
const IDLE = new Set(["poll", "select", "epoll_wait", "epoll_pwait", "epoll_pwait2"]);

const [pid, tid, maxMs] = process.argv.slice(2).map(Number) as [number, number, number];
let stop = false;
(async () => {
  for await (const _ of Bun.stdin.stream()) {
    // nothing is sent; the loop ends when the parent closes stdin
  }
  stop = true;
})();

const counts: Record<string, number> = {};
let samples = 0;
const end = performance.now() + maxMs;
while (!stop && performance.now() < end) {
  let key: string;
  try {
    const st = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const state = st[st.lastIndexOf(")") + 2]!;
    if (state === "R") key = "runnable";
    else {
      const nr = readFileSync(`/proc/${pid}/task/${tid}/syscall`, "utf8").split(" ")[0]!.trim();
      const name = SYSCALL_NAMES[nr] ?? `syscall ${nr}`;
      key = nr === "running" ? "runnable" : IDLE.has(name) ? "idle" : `blocked in ${name}`;
    }
  } catch {
    break; // the process ended
  }
  counts[key] = (counts[key] ?? 0) + 1;
  samples++;
  await Bun.sleep(1);
}
console.log(JSON.stringify({ samples, counts }));
process.exit(0);
