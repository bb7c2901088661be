import { describe, expect, test } from "bun:test";
import { RLP } from "@ethereumjs/rlp";
import fc from "fast-check";
import { decode, encode, type RlpInput } from "../../src/rlp";

// Strings biased towards the boundaries where the encoding changes shape.
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 3 }),
  fc.uint8Array({ minLength: 54, maxLength: 58 }),
  fc.uint8Array({ maxLength: 300 }),
);
const itemArb: fc.Arbitrary<RlpInput> = fc.letrec<{ item: RlpInput }>((tie) => ({
  item: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    bytesArb,
    fc.array(tie("item"), { maxLength: 8 }),
  ),
})).item;

describe("rlp properties", () => {
  test("encode matches @ethereumjs/rlp and decode inverts it", () => {
    fc.assert(
      fc.property(itemArb, (item) => {
        const enc = encode(item);
        expect(enc).toEqual(RLP.encode(item as never));
        expect(decode(enc)).toEqual(item);
      }),
      { numRuns: 500 },
    );
  });

  test("any single-byte corruption either still decodes canonically or throws RlpError", () => {
    fc.assert(
      fc.property(itemArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (item, at, xor) => {
        const enc = encode(item).slice();
        enc[at % enc.length]! ^= xor;
        let decoded: RlpInput;
        try {
          decoded = decode(enc);
        } catch (e) {
          expect((e as Error).name).toBe("RlpError");
          return;
        }
        // Whatever strict decode accepts must re-encode to the very same bytes.
        expect(encode(decoded)).toEqual(enc);
      }),
      { numRuns: 1000 },
    );
  });
});
