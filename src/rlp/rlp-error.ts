/** Raised for malformed or non-canonical RLP; `offset` is the byte where decoding failed. */
export class RlpError extends Error {
  readonly offset: number;

  constructor(reason: string, offset: number) {
    super(`${reason} at offset ${offset}`);
    this.name = "RlpError";
    this.offset = offset;
  }
}
