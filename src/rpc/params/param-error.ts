import { InvalidParamsError } from "../rpc-errors";
import { describeValue } from "./describe-value";

/**
 * The -32602 error for a value at `path` (e.g. `argument 0 (address)`), saying what was
 * expected, what arrived, and (via `hint`) how to fix it.
 */
export function paramError(path: string, expected: string, got: unknown, hint?: string): InvalidParamsError {
  const tail = hint === undefined ? "" : `; ${hint}`;
  return new InvalidParamsError(`invalid ${path}: expected ${expected}, got ${describeValue(got)}${tail}`);
}

/** `path` of a field inside an object parameter, for nested error messages. */
export function fieldPath(path: string, field: string): string {
  return `${path} field ${JSON.stringify(field)}`;
}
