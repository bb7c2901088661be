export type { RlpInput } from "./types";
export { RlpError } from "./rlp-error";
export { encode } from "./encode";
export { decode } from "./decode";
export { bigintToMinimalBytes, numberToMinimalBytes, minimalBytesToBigInt } from "./integers";
export {
  STRING_OFFSET,
  LIST_OFFSET,
  byteLengthOf,
  headerLength,
  writeHeader,
  encodedStringLength,
  writeString,
} from "./headers";
