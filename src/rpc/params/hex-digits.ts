// Shared first step of every hex decoder: a string, 0x-prefixed, hex digits only.
import { paramError } from "./param-error";

const HEX_DIGITS = /^[0-9a-fA-F]*$/;

/** The digits after `0x` in `value`, or a -32602 naming `path` and `expected`. */
export function hexDigits(value: unknown, path: string, expected: string): string {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) {
    throw paramError(path, expected, value, `send numbers as hex strings, e.g. "0x${value.toString(16)}"`);
  }
  if (typeof value !== "string") throw paramError(path, expected, value);
  if (!value.startsWith("0x") && !value.startsWith("0X")) {
    throw paramError(path, expected, value, "hex strings must start with 0x");
  }
  const digits = value.slice(2);
  if (!HEX_DIGITS.test(digits)) throw paramError(path, expected, value, "it contains a character that is not a hex digit");
  return digits;
}
