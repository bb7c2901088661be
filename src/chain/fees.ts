// Base fee (EIP-1559) and blob gas (EIP-4844) evolution between blocks, with the parameters read
// from @ethereumjs/common rather than scattered constants.
import type { Common } from "@ethereumjs/common";
import type { Header } from "./types";

/** EIP-1559: the next block's base fee from its parent. */
export function nextBaseFee(parent: Header, common: Common): bigint {
  const elasticity = common.param("elasticityMultiplier");
  const denominator = common.param("baseFeeMaxChangeDenominator");
  const target = parent.gasLimit / elasticity;
  const base = parent.baseFeePerGas;
  if (parent.gasUsed === target) return base;
  if (parent.gasUsed > target) {
    const delta = (base * (parent.gasUsed - target)) / target / denominator;
    return base + (delta > 1n ? delta : 1n);
  }
  const delta = (base * (target - parent.gasUsed)) / target / denominator;
  return base - delta;
}

/** EIP-4844: excess blob gas carried into the next block. */
export function nextExcessBlobGas(parent: Header, common: Common): bigint {
  const target = common.param("targetBlobGasPerBlock");
  const sum = parent.excessBlobGas + parent.blobGasUsed;
  return sum < target ? 0n : sum - target;
}

/** EIP-4844 fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS, excess, BLOB_BASE_FEE_UPDATE_FRACTION). */
export function blobBaseFee(excessBlobGas: bigint, common: Common): bigint {
  const denominator = common.param("blobGasPriceUpdateFraction");
  let i = 1n, output = 0n, acc = denominator; // factor 1 (minBlobGas)
  while (acc > 0n) {
    output += acc;
    acc = (acc * excessBlobGas) / (denominator * i);
    i++;
  }
  return output / denominator;
}
