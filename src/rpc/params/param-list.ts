// Positional parameters with geth's arity rules: trailing optional ones may be left out,
// extra ones are an error (silently ignoring them hides client bugs).
import { InvalidParamsError } from "../rpc-errors";
import { paramError } from "./param-error";

/** Decodes one parameter; `path` names it in error messages. */
export type Decoder<T> = (value: unknown, path: string) => T;

/** The params array of one call, read by position and name. */
export class ParamList {
  private readonly params: readonly unknown[];

  /** Throws -32602 when more than `max` parameters were sent. */
  constructor(params: readonly unknown[], max: number) {
    if (params.length > max) {
      throw new InvalidParamsError(`too many arguments, want at most ${max}, got ${params.length}`);
    }
    this.params = params;
  }

  /** Parameter `index`, which must be present and not null. */
  required<T>(index: number, name: string, decode: Decoder<T>): T {
    const value = this.params[index];
    if (value === undefined || value === null) {
      throw new InvalidParamsError(`missing value for required argument ${index} (${name})`);
    }
    return decode(value, `argument ${index} (${name})`);
  }

  /** Parameter `index`, or undefined when absent or null. */
  optional<T>(index: number, name: string, decode: Decoder<T>): T | undefined {
    const value = this.params[index];
    if (value === undefined || value === null) return undefined;
    return decode(value, `argument ${index} (${name})`);
  }
}

/** A JSON boolean, as the fullTransactions flag of the block methods. */
export function decodeBool(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") throw paramError(path, "true or false", value);
  return value;
}

/** A JSON string, as the subscription kind or id. */
export function decodeString(value: unknown, path: string): string {
  if (typeof value !== "string") throw paramError(path, "a string", value);
  return value;
}

/**
 * Accepts only an absent, null or empty-object parameter: for state and block overrides, which
 * this node does not implement and must not silently ignore.
 */
export function decodeUnsupportedOverrides(value: unknown, path: string): undefined {
  if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0) return undefined;
  throw paramError(path, "no overrides (this node does not support them)", value, "remove the parameter");
}
