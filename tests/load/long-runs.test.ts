import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { get_encoding, type TiktokenEncoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { findLongRun, MAX_RUN } from "../../src/load/long-runs.js";

/**
 * tiktoken's own pre-tokenizer patterns, read from the package, made runnable
 * in JavaScript: `(?i:…)` spelt out, and `\s` as Unicode White_Space, which
 * is what it means in tiktoken's Rust regex engine.
 */
function preTokenizer(encoding: TiktokenEncoding): RegExp {
  const file = createRequire(import.meta.url).resolve(`tiktoken/encoders/${encoding}.json`);
  const pattern = (JSON.parse(readFileSync(file, "utf8")) as { pat_str: string }).pat_str
    .replaceAll("(?i:'s|'t|'re|'ve|'m|'ll|'d)", "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])")
    .replaceAll("\\s", "\\p{White_Space}")
    .replaceAll("\\S", "\\P{White_Space}");
  return new RegExp(pattern, "gu");
}

/** The three distinct patterns: gpt2's is shared by r50k_base, p50k_base and p50k_edit. */
const ENCODINGS: TiktokenEncoding[] = ["o200k_base", "cl100k_base", "gpt2"];
const PATTERNS = ENCODINGS.map(preTokenizer);
/** A pre-token may take one character before a run (` word`, `(word`) and a contraction after it (`'ll`). */
const SLACK = 4;

function longestPreToken(text: string): number {
  let longest = 0;
  for (const pattern of PATTERNS) for (const [piece] of text.matchAll(pattern)) longest = Math.max(longest, Array.from(piece).length);
  return longest;
}

/** Characters that form every kind of run: letters of both cases, marks, digits, white space, line breaks, punctuation, '/'. */
const CHARS = ["a", "B", "é", "\u0301", "漢", "7", "٢", " ", "\t", "\n", "\r", "\u00a0", "\u0085", "\ufeff", ".", "=", "/", "'", "s", "😀"];
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 40 }).map((chars) => chars.join(""));

describe("the long-run guard", () => {
  it("uses patterns that split text exactly where tiktoken does", () => {
    for (const [index, encoding] of ENCODINGS.entries()) {
      const encoder = get_encoding(encoding);
      const pattern = PATTERNS[index] as RegExp;
      try {
        fc.assert(
          fc.property(text, (sample) => {
            const pieces = [...sample.matchAll(pattern)].map(([piece]) => piece);
            expect(pieces.join("")).toBe(sample);
            // BPE works inside each piece, so counting the pieces one by one gives the whole count.
            expect(pieces.reduce((sum, piece) => sum + encoder.encode_ordinary(piece).length, 0)).toBe(encoder.encode_ordinary(sample).length);
          }),
          { numRuns: 400 },
        );
      } finally {
        encoder.free();
      }
    }
  });

  it("finds every pre-token any encoding would form longer than the limit (give or take a leading character and a trailing 'll)", () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 8 }), (sample, limit) => {
        const longest = longestPreToken(sample);
        const run = findLongRun(sample, limit);
        if (longest > limit + SLACK) expect(run).toBeDefined();
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ["letters", "a".repeat(MAX_RUN + 1)],
    ["letters", "漢".repeat(MAX_RUN + 1)],
    ["letters", "e\u0301".repeat(MAX_RUN)],
    ["digits", "7".repeat(MAX_RUN + 1)],
    ["white space", "\n".repeat(MAX_RUN + 1)],
    ["white space", " \n".repeat(MAX_RUN)],
    ["white space", "\t".repeat(MAX_RUN + 1)],
    ["punctuation", "=".repeat(MAX_RUN + 1)],
    ["punctuation", `.${"\n".repeat(MAX_RUN)}`],
    ["punctuation", "/\n".repeat(MAX_RUN)],
  ])("reports a run of %s over the limit", (kind, run) => {
    expect(findLongRun(`Some text: ${run} and more.`)).toEqual({ start: kind === "white space" ? 10 : 11, length: Array.from(run).length + (kind === "white space" ? 2 : 0), kind });
  });

  it("draws the limit at 10,000 characters: a run of 10,000 passes, one of 10,001 is refused", () => {
    expect(MAX_RUN).toBe(10_000);
    expect(findLongRun("x".repeat(10_000))).toBeUndefined();
    expect(findLongRun("x".repeat(10_001))).toEqual({ start: 0, length: 10_001, kind: "letters" });
    expect(findLongRun(`${"9".repeat(10_000)} ${"9".repeat(10_001)}`)).toEqual({ start: 10_001, length: 10_001, kind: "digits" });
  });

  it("lets text through whose runs stay at the limit, or that changes kind often", () => {
    for (const ok of ["a".repeat(MAX_RUN), "ab ".repeat(MAX_RUN), "a1".repeat(MAX_RUN), "= ".repeat(MAX_RUN), "a\n".repeat(MAX_RUN), "1 ".repeat(MAX_RUN), "=a".repeat(MAX_RUN)]) {
      expect(findLongRun(ok)).toBeUndefined();
    }
  });
});
