// npx bun run bench <name> [--json]: one entry point for every benchmark under bench/.
const benches: Record<string, string> = {
  evm: "./evm.ts",
  parallel: "./parallel.ts",
  precompiles: "./precompiles.ts",
  recover: "./recover.ts",
  replica: "./replica.ts",
  sequencer: "./sequencer.ts",
  state: "./state.ts",
};

const [name, ...rest] = process.argv.slice(2);
if (!name || !(name in benches)) {
  console.error(`usage: bench <${Object.keys(benches).join("|")}> [--json]`);
  process.exit(2);
}
process.argv = [process.argv[0]!, benches[name]!, ...rest];
await import(benches[name]!);

export {};
