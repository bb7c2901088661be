export { keccak256, setKeccakImpl, getKeccakImpl, type KeccakImpl } from "./keccak";
export { bytesToHex, hexToBytes, bytesToBigInt, bigintToBytes32, bytes32ToBigInt, bytesEqual } from "./hex";
