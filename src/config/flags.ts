// Command-line flags with the same keys in an optional TOML file (--config); flags win.
// Each option is declared once, with its type, default and help text.
import { parse as parseToml } from "smol-toml";
import { readFileSync } from "node:fs";

export type OptionType = "string" | "int" | "bigint" | "boolean";

export interface OptionSpec {
  type: OptionType;
  default?: string | number | bigint | boolean;
  help: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export type Parsed<S extends Record<string, OptionSpec>> = { [K in keyof S]: any };

function convert(name: string, spec: OptionSpec, raw: unknown): unknown {
  const s = String(raw);
  switch (spec.type) {
    case "string":
      return s;
    case "boolean":
      if (raw === true || s === "true" || s === "1") return true;
      if (raw === false || s === "false" || s === "0") return false;
      throw new ConfigError(`--${name}: expected true or false, got "${s}"`);
    case "int": {
      if (!/^\d+$/.test(s)) throw new ConfigError(`--${name}: expected a non-negative integer, got "${s}"`);
      return Number(s);
    }
    case "bigint": {
      if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(s)) throw new ConfigError(`--${name}: expected an integer (decimal or 0x hex), got "${s}"`);
      return BigInt(s);
    }
  }
}

/** Parses argv against `specs`; `--config file.toml` supplies defaults for the same keys. */
export function parseFlags<S extends Record<string, OptionSpec>>(argv: string[], specs: S): Parsed<S> & { help: boolean } {
  const given: Record<string, unknown> = {};
  let help = false;
  let configPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("--")) throw new ConfigError(`unexpected argument "${arg}" (options start with --; see --help)`);
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === "config") {
      configPath = value ?? argv[++i];
      if (!configPath) throw new ConfigError("--config needs a file path");
      continue;
    }
    const spec = specs[name];
    if (!spec) throw new ConfigError(`unknown option --${name} (see --help)`);
    if (value === undefined) {
      if (spec.type === "boolean" && (argv[i + 1] === undefined || argv[i + 1]!.startsWith("--"))) value = "true";
      else value = argv[++i];
    }
    if (value === undefined) throw new ConfigError(`--${name} needs a value`);
    given[name] = convert(name, spec, value);
  }
  const fromFile: Record<string, unknown> = {};
  if (configPath) {
    let doc: Record<string, unknown>;
    try {
      doc = parseToml(readFileSync(configPath, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`--config ${configPath}: ${(err as Error).message}`);
    }
    for (const [k, v] of Object.entries(doc)) {
      const spec = specs[k];
      if (!spec) throw new ConfigError(`${configPath}: unknown key "${k}"`);
      fromFile[k] = convert(k, spec, v);
    }
  }
  const out: Record<string, unknown> = { help };
  for (const [k, spec] of Object.entries(specs)) out[k] = given[k] ?? fromFile[k] ?? spec.default;
  return out as Parsed<S> & { help: boolean };
}

export function usage(command: string, summary: string, specs: Record<string, OptionSpec>): string {
  const lines = [`usage: ${command} [options]`, "", summary, "", "options:"];
  const width = Math.max(...Object.keys(specs).map((k) => k.length)) + 4;
  for (const [k, s] of Object.entries(specs)) {
    const def = s.default === undefined ? "" : ` (default: ${String(s.default)})`;
    lines.push(`  --${k.padEnd(width)}${s.help}${def}`);
  }
  lines.push(`  --${"config".padEnd(width)}TOML file with the same keys; flags take precedence`);
  lines.push(`  --${"help".padEnd(width)}this text`);
  return lines.join("\n");
}
