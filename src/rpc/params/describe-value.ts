// Error messages quote what the client sent, but a request may be megabytes or nested
// thousands deep; quoting must never throw and never flood the response.
const MAX_QUOTE_CHARS = 80;

function clip(text: string): string {
  return text.length <= MAX_QUOTE_CHARS ? text : `${text.slice(0, MAX_QUOTE_CHARS)}… (${text.length} chars)`;
}

/** A short, safe rendering of a JSON value for an error message, e.g. `"0x01"` or `number 5`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") {
    if (value.length <= MAX_QUOTE_CHARS) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, MAX_QUOTE_CHARS))}… (${value.length} chars)`;
  }
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return `an object with keys ${clip(JSON.stringify(keys.slice(0, 8)))}${keys.length > 8 ? "…" : ""}`;
  }
  return typeof value;
}
