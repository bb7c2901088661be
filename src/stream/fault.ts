// The stream's test hook (sequencer --stream-test-fault, off by default): spoils chosen frames
// once, so tests can check that replicas notice and recover.
//   drop:SEQ     frame SEQ is not sent (the subscriber sees a gap)
//   corrupt:SEQ  frame SEQ is sent with one entry byte flipped (its hash no longer matches)
//   maxlag:BYTES the live-lag bound after which a subscriber is dropped (default 64 MiB)
// Several may be given, comma-separated. Each drop/corrupt fires once: on the live broadcast of
// SEQ to every subscriber then following live, or else on the first history send of SEQ.
import { ConfigError } from "../config/flags";

export type FaultKind = "drop" | "corrupt";

export interface FaultPlan {
  frames: Map<bigint, FaultKind>;
  maxLagBytes?: number;
}

export function parseFaults(spec: string | undefined): FaultPlan {
  const plan: FaultPlan = { frames: new Map() };
  if (!spec) return plan;
  for (const part of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^(drop|corrupt|maxlag):(\d+)$/.exec(part);
    if (!m) throw new ConfigError(`--stream-test-fault: expected drop:SEQ, corrupt:SEQ or maxlag:BYTES (comma-separated), got "${part}"`);
    if (m[1] === "maxlag") plan.maxLagBytes = Number(m[2]);
    else plan.frames.set(BigInt(m[2]!), m[1] as FaultKind);
  }
  return plan;
}

/** A copy of a frame with the last byte of its entry (the frame's last byte) flipped. */
export function corruptFrame(frame: Uint8Array): Uint8Array {
  const bad = new Uint8Array(frame); // a copy (Buffer.slice would be a view of the cached frame)
  bad[bad.length - 1]! ^= 0xff;
  return bad;
}
