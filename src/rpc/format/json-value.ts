// Error data from the node may hold bytes or bigints, which JSON.stringify cannot write.
import { bytesToHex } from "../../crypto";

const MAX_DEPTH = 16;

/**
 * `value` made JSON-safe: bytes become hex data, bigints hex quantities; functions, symbols,
 * cycles and anything nested deeper than a sane bound become undefined rather than throwing.
 */
export function toJsonValue(value: unknown, depth = 0, seen = new Set<object>()): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "bigint") return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (typeof value !== "object" || depth >= MAX_DEPTH || seen.has(value)) return undefined;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => toJsonValue(v, depth + 1, seen) ?? null);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const json = toJsonValue(v, depth + 1, seen);
      if (json !== undefined) out[k] = json;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
