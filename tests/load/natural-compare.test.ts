import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareCodePoints, naturalCompare } from "../../src/load/natural-compare.js";

const sorted = (items: readonly string[]) => [...items].sort(naturalCompare);

describe("natural path order", () => {
  it("compares runs of digits as numbers", () => {
    expect(sorted(["10-x.md", "2-x.md", "1-x.md", "100-a.md", "09-b.md"])).toEqual(["1-x.md", "2-x.md", "09-b.md", "10-x.md", "100-a.md"]);
    expect(sorted(["guards/10/a.md", "guards/9/z.md", "guards/9b.md"])).toEqual(["guards/9/z.md", "guards/9b.md", "guards/10/a.md"]);
  });

  it("puts 07-x, 07b-x and 08-x in that order (the filename convention)", () => {
    expect(sorted(["08-x.md", "07b-x.md", "07-x.md"])).toEqual(["07-x.md", "07b-x.md", "08-x.md"]);
  });

  it("compares digit runs longer than any number type exactly", () => {
    const big = "9".repeat(40);
    expect(sorted([`${big}1.md`, `${big}.md`, `1${big}.md`])).toEqual([`${big}.md`, `1${big}.md`, `${big}1.md`]);
  });

  it("orders equal numbers written differently by their characters, so only equal strings tie", () => {
    expect(sorted(["a1.md", "a01.md", "a001.md"])).toEqual(["a001.md", "a01.md", "a1.md"]);
    expect(naturalCompare("a01.md", "a1.md")).not.toBe(0);
  });

  it("compares everything else by code point, not by UTF-16 unit and not by locale", () => {
    // U+FFFD is below U+1F600 as code points; as UTF-16 units the emoji's 0xD83D comes first.
    expect(sorted(["\u{1F600}.md", "\uFFFD.md"])).toEqual(["\uFFFD.md", "\u{1F600}.md"]);
    expect(sorted(["b.md", "B.md", "a.md", "é.md", "z.md"])).toEqual(["B.md", "a.md", "b.md", "z.md", "é.md"]);
  });

  it("takes only ASCII digits for numbers", () => {
    // '٢' (Arabic-Indic two, U+0662) is text, compared by code point after every ASCII character.
    expect(sorted(["x٢.md", "x10.md", "x2.md"])).toEqual(["x2.md", "x10.md", "x٢.md"]);
  });

  it("is a total order: antisymmetric, transitive, 0 only for equal strings", () => {
    const text = fc.string({ unit: fc.constantFrom("0", "1", "2", "9", "a", "b", "-", "/", ".", "\uFFFD", "\u{1F600}", "\uE000"), maxLength: 8 });
    fc.assert(
      fc.property(text, text, text, (a, b, c) => {
        expect(Math.sign(naturalCompare(a, b))).toBe(-Math.sign(naturalCompare(b, a)) || 0);
        expect(naturalCompare(a, b) === 0).toBe(a === b);
        if (naturalCompare(a, b) < 0 && naturalCompare(b, c) < 0) expect(naturalCompare(a, c)).toBeLessThan(0);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("code point order", () => {
  it("agrees with comparing the strings' code points one by one", () => {
    const codePoints = (s: string) => Array.from(s, (char) => char.codePointAt(0) ?? 0);
    const byCodePoints = (a: string, b: string) => {
      const x = codePoints(a);
      const y = codePoints(b);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return Math.sign((x[i] ?? 0) - (y[i] ?? 0));
      return Math.sign(x.length - y.length);
    };
    const text = fc.string({ unit: fc.constantFrom("a", "\uD7FF", "\uE000", "\uFFFD", "\uFFFF", "\u{10000}", "\u{1F600}", "\u{10FFFF}"), maxLength: 6 });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(byCodePoints(a, b));
      }),
      { numRuns: 5000 },
    );
  });
});
