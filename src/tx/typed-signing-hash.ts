import { keccak256 } from "../crypto";
import { encode, type RlpInput } from "../rlp";

/** keccak256(type || rlp(unsignedFields)): the digest an EIP-2718 typed transaction signs. */
export function typedSigningHash(type: number, unsignedFields: RlpInput[]): Uint8Array {
  const payload = encode(unsignedFields);
  const preimage = new Uint8Array(1 + payload.length);
  preimage[0] = type;
  preimage.set(payload, 1);
  return keccak256(preimage);
}
