/** A JSON-RPC QUANTITY: 0x-prefixed hex without leading zeros ("0x0" for zero). */
export function toQuantity(n: bigint | number): string {
  return `0x${n.toString(16)}`;
}
