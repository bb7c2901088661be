// Two small helper contracts for the sequencer benchmark, compiled with solc (npm):
// - BenchRouter: one-transaction Uniswap v2 swaps for EOAs (the v2 router's getAmountOut math,
//   transferFrom into the pair, pair.swap), so each measured swap is a single transaction.
// - Disperse: funds many accounts with ETH or tokens in one setup transaction.
import solc from "solc";
import type { Artifact } from "../workloads/contracts";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
interface IERC20Min {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}
interface IPairMin {
    function getReserves() external view returns (uint112, uint112, uint32);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
}
contract BenchRouter {
    function swapExactIn(address pair, address tokenIn, uint256 amountIn, bool inIsToken0) external returns (uint256 amountOut) {
        (uint112 r0, uint112 r1, ) = IPairMin(pair).getReserves();
        (uint256 rin, uint256 rout) = inIsToken0 ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
        uint256 inWithFee = amountIn * 997;
        amountOut = (inWithFee * rout) / (rin * 1000 + inWithFee);
        require(IERC20Min(tokenIn).transferFrom(msg.sender, pair, amountIn), "transferFrom");
        IPairMin(pair).swap(inIsToken0 ? 0 : amountOut, inIsToken0 ? amountOut : 0, msg.sender, "");
    }
}
contract Disperse {
    function disperseEther(address[] calldata to, uint256 amount) external payable {
        for (uint256 i = 0; i < to.length; i++) {
            (bool ok, ) = to[i].call{value: amount}("");
            require(ok, "send");
        }
    }
    function disperseToken(address token, address[] calldata to, uint256 amount) external {
        for (uint256 i = 0; i < to.length; i++) require(IERC20Min(token).transferFrom(msg.sender, to[i], amount), "transferFrom");
    }
}
`;

let compiled: { router: Artifact; disperse: Artifact } | null = null;

export function benchHelpers(): { router: Artifact; disperse: Artifact } {
  if (compiled) return compiled;
  const input = {
    language: "Solidity",
    sources: { "Bench.sol": { content: SOURCE } },
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors ?? []).filter((e: any) => e.severity === "error");
  if (errors.length) throw new Error(`solc: ${errors.map((e: any) => e.formattedMessage).join("\n")}`);
  const art = (name: string): Artifact => {
    const c = out.contracts["Bench.sol"][name];
    return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
  };
  compiled = { router: art("BenchRouter"), disperse: art("Disperse") };
  return compiled;
}
