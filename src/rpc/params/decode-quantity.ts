// QUANTITY in the Ethereum JSON-RPC spec: 0x-prefixed hex with no leading zeros, "0x0" for zero.
import { hexDigits } from "./hex-digits";
import { paramError } from "./param-error";

/** Decodes a quantity of at most `maxBits` bits (256 for values, 64 for gas, nonces, block numbers). */
export function decodeQuantity(value: unknown, path: string, maxBits = 256): bigint {
  const expected = `a ${maxBits}-bit quantity (0x-prefixed hex without leading zeros, e.g. "0x1a")`;
  const digits = hexDigits(value, path, expected);
  if (digits.length === 0) throw paramError(path, expected, value, 'zero is "0x0"');
  if (digits.length > 1 && digits[0] === "0") {
    const fixed = digits.replace(/^0+(?=.)/, "");
    throw paramError(path, expected, value, `leading zero digits are not allowed, write "0x${fixed}"`);
  }
  if (digits.length > Math.ceil(maxBits / 4)) throw paramError(path, expected, value, `it does not fit in ${maxBits} bits`);
  const n = BigInt(`0x${digits}`);
  if (n >> BigInt(maxBits) !== 0n) throw paramError(path, expected, value, `it does not fit in ${maxBits} bits`);
  return n;
}

/**
 * A count or duration that clients send either as a quantity or as a plain JSON integer
 * (geth's HexOrDecimal64: eth_feeHistory's blockCount, eth_sendRawTransactionSync's timeout).
 */
export function decodeQuantityOrInteger(value: unknown, path: string): bigint {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw paramError(path, 'a non-negative integer or a quantity such as "0x10"', value);
    }
    return BigInt(value);
  }
  return decodeQuantity(value, path, 64);
}
