// The 2048-bit logs bloom (Yellow Paper 4.3.1): three bits per address and topic.
import { keccak256 } from "../crypto/index";
import type { Log } from "./types";

export const BLOOM_BYTES = 256;

function addToBloom(bloom: Uint8Array, item: Uint8Array): void {
  const h = keccak256(item);
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i]! << 8) | h[i + 1]!) & 2047;
    bloom[BLOOM_BYTES - 1 - (bit >> 3)]! |= 1 << (bit & 7);
  }
}

export function logsBloom(logs: Iterable<Log>, into = new Uint8Array(BLOOM_BYTES)): Uint8Array {
  for (const log of logs) {
    addToBloom(into, log.address);
    for (const t of log.topics) addToBloom(into, t);
  }
  return into;
}

/** ORs `src` into `dst` (a block's bloom is the union of its receipts' blooms). */
export function orBloom(dst: Uint8Array, src: Uint8Array): void {
  for (let i = 0; i < BLOOM_BYTES; i++) dst[i]! |= src[i]!;
}

function bloomHas(bloom: Uint8Array, item: Uint8Array): boolean {
  const probe = new Uint8Array(BLOOM_BYTES);
  addToBloom(probe, item);
  for (let i = 0; i < BLOOM_BYTES; i++) if ((probe[i]! & bloom[i]!) !== probe[i]) return false;
  return true;
}

/** Whether a block with this bloom may hold logs matching the address and topic filter. */
export function bloomMatches(bloom: Uint8Array, f: { address?: Uint8Array[]; topics?: (Uint8Array[] | null)[] }): boolean {
  if (f.address?.length && !f.address.some((a) => bloomHas(bloom, a))) return false;
  for (const want of f.topics ?? []) if (want?.length && !want.some((t) => bloomHas(bloom, t))) return false;
  return true;
}
