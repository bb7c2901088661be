// Real contracts used as workloads by the tests and benchmarks: an OpenZeppelin ERC-20 compiled
// with solc (npm), and Uniswap v2's factory and pair from @uniswap/v2-core's build artifacts.
import solc from "solc";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export interface Artifact {
  abi: any[];
  bytecode: `0x${string}`;
}

const TOKEN_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
import "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract Token is ERC20 {
    constructor(string memory name_, string memory symbol_, uint256 supply) ERC20(name_, symbol_) {
        _mint(msg.sender, supply);
    }
}
`;

let token: Artifact | null = null;

/** OpenZeppelin ERC20 with the whole supply minted to the deployer; compiled once per process. */
export function erc20(): Artifact {
  if (token) return token;
  const input = {
    language: "Solidity",
    sources: { "Token.sol": { content: TOKEN_SOURCE } },
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const findImports = (path: string) => {
    try {
      return { contents: readFileSync(require.resolve(path), "utf8") };
    } catch {
      return { error: `not found: ${path}` };
    }
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (out.errors ?? []).filter((e: any) => e.severity === "error");
  if (errors.length) throw new Error(`solc: ${errors.map((e: any) => e.formattedMessage).join("\n")}`);
  const c = out.contracts["Token.sol"].Token;
  token = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  return token;
}

function uniswapArtifact(name: string): Artifact {
  const j = JSON.parse(readFileSync(require.resolve(`@uniswap/v2-core/build/${name}.json`), "utf8"));
  return { abi: j.abi, bytecode: `0x${j.bytecode ?? j.evm.bytecode.object}` as `0x${string}` };
}

export const uniswapFactory = () => uniswapArtifact("UniswapV2Factory");
export const uniswapPair = () => uniswapArtifact("UniswapV2Pair");
