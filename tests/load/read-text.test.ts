import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeUtf8, invalidUtf8Offset, normaliseText } from "../../src/load/read-text.js";

const strict = new TextDecoder("utf-8", { fatal: true });
const isValid = (bytes: Uint8Array) => {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

describe("UTF-8 validation", () => {
  it("finds the first ill-formed sequence exactly where a strict decoder first fails", () => {
    // Bytes biased towards the edges of the well-formed ranges: lead bytes, continuation bytes, surrogates, overlongs.
    const byte = fc.oneof(fc.constantFrom(0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 12 }), (list) => {
        const bytes = Uint8Array.from(list);
        const offset = invalidUtf8Offset(bytes);
        expect(offset === undefined).toBe(isValid(bytes));
        if (offset !== undefined) {
          // Everything before the offset decodes; the sequence starting there is not a character.
          expect(isValid(bytes.subarray(0, offset))).toBe(true);
          expect(new TextDecoder("utf-8").decode(bytes).startsWith(`${strict.decode(bytes.subarray(0, offset))}\uFFFD`)).toBe(true);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it("names the file, line and offset, and shows the bytes", () => {
    expect(decodeUtf8(Buffer.from([0x61, 0x0a, 0x62, 0x0d, 0x63, 0xf4, 0x90, 0x80, 0x80]), "x.md")).toEqual({
      issue: { file: "x.md", line: 3, message: "not valid UTF-8: the bytes at offset 5 (0xf4 0x90 0x80 0x80) do not form a character; llmsgen reads text only as UTF-8: save the file as UTF-8" },
    });
    expect(decodeUtf8(Buffer.from("\uFEFFzé😀"), "x.md")).toBe("\uFEFFzé😀");
  });
});

describe("normalising text", () => {
  it("drops a BOM and turns CRLF and lone CR into LF", () => {
    expect(normaliseText("\uFEFFa\r\nb\rc\n\r\nd\r")).toBe("a\nb\nc\n\nd\n");
    expect(normaliseText("a\uFEFFb")).toBe("a\uFEFFb");
  });
});
