/**
 * BPE takes time quadratic in the length of one pre-token, and tiktoken's
 * pre-tokenizers keep some runs whole however long they get. Measured with
 * tiktoken 1.0.22, 20,000 characters of one run take 0.3 to 3 s to count,
 * a megabyte minutes. Text with such a run is refused up front instead of
 * hanging the build. The runs, each one pre-token in at least one encoding:
 * - letters and combining marks (every encoding; o200k splits only at case changes);
 * - digits (gpt2, r50k_base, p50k_base: `\p{N}+`; o200k and cl100k take three at a time);
 * - white space, line breaks included (`\s*[\r\n]+`, `\s+(?!\S)`): blank lines, `" \n"` pairs;
 * - punctuation, with the line breaks (cl100k) or line breaks and slashes (o200k) after it.
 * An atom may go into a profile of any encoding, so the guard covers them all.
 */
export const MAX_RUN = 10_000;

export type RunKind = "letters" | "digits" | "white space" | "punctuation";

export interface LongRun {
  /** 0-based offset (UTF-16 units) where the run starts. */
  start: number;
  /** Characters (code points) in the run. */
  length: number;
  kind: RunKind;
}

/** How a message names a run and says how to fix it. */
export function describeRun(run: LongRun): string {
  const what =
    run.kind === "white space"
      ? `a run of ${run.length} white space characters (spaces, tabs, line breaks) with nothing else`
      : `a run of ${run.length} ${run.kind} with no break`;
  const fix = run.kind === "white space" ? "remove the extra blank lines and spaces" : "break it up";
  return `${what} is over the limit of ${MAX_RUN} characters (tokenizing such a run takes quadratic time): ${fix}`;
}

/** Character classes; one character may extend runs of several kinds (`/` is punctuation and also part of o200k's tail). */
const LETTER = 1;
const DIGIT = 2;
const SPACE = 4;
const PUNCT = 8;
const LINE_BREAK = 16;
const SLASH = 32;

/**
 * The earliest run longer than `limit` characters that some tiktoken encoding
 * keeps as one pre-token, if any. One linear pass; lengths count code points.
 */
export function findLongRun(text: string, limit = MAX_RUN): LongRun | undefined {
  let found: LongRun | undefined;
  const close = (kind: RunKind, start: number, length: number) => {
    if (length > limit && (found === undefined || start < found.start)) found = { start, length, kind };
  };
  // One counter per kind (start offset, length in code points); plain locals keep the loop fast.
  let letterStart = 0;
  let letters = 0;
  let digitStart = 0;
  let digits = 0;
  let spaceStart = 0;
  let spaces = 0;
  // Punctuation, then a tail of line breaks (and slashes); `inTail` once the tail began.
  let punctStart = 0;
  let punct = 0;
  let inTail = false;
  for (let i = 0; i < text.length; i++) {
    const at = i;
    const unit = text.charCodeAt(i);
    let classes: number;
    if (unit < 128) {
      classes = ASCII[unit] ?? PUNCT;
    } else {
      const code = text.codePointAt(i) ?? unit;
      classes = classify(code);
      if (code > 0xffff) i++;
    }
    if (classes & LETTER) {
      if (letters++ === 0) letterStart = at;
    } else if (letters > 0) {
      if (letters > limit) close("letters", letterStart, letters);
      letters = 0;
    }
    if (classes & DIGIT) {
      if (digits++ === 0) digitStart = at;
    } else if (digits > 0) {
      if (digits > limit) close("digits", digitStart, digits);
      digits = 0;
    }
    if (classes & SPACE) {
      if (spaces++ === 0) spaceStart = at;
    } else if (spaces > 0) {
      if (spaces > limit) close("white space", spaceStart, spaces);
      spaces = 0;
    }
    const isPunct = (classes & PUNCT) !== 0;
    const isTail = (classes & (LINE_BREAK | SLASH)) !== 0;
    if (punct > 0 && (isTail || (isPunct && !inTail))) {
      punct++;
      if (!isPunct) inTail = true;
    } else {
      if (punct > limit) close("punctuation", punctStart, punct);
      punct = isPunct ? 1 : 0;
      punctStart = at;
      inTail = false;
    }
  }
  close("letters", letterStart, letters);
  close("digits", digitStart, digits);
  close("white space", spaceStart, spaces);
  close("punctuation", punctStart, punct);
  return found;
}

const seen = new Map<number, number>();

/** The classes of a character beyond ASCII, remembered: the Unicode property tests are the slow part. */
function classify(code: number): number {
  const known = seen.get(code);
  if (known !== undefined) return known;
  const classes = classifyUnicode(String.fromCodePoint(code));
  if (seen.size < 65_536) seen.set(code, classes);
  return classes;
}

function classifyUnicode(char: string): number {
  if (/\p{L}/u.test(char)) return LETTER;
  // Combining marks are letters to o200k, but not letters (so punctuation) to the others.
  if (/\p{M}/u.test(char)) return LETTER | PUNCT;
  if (/\p{N}/u.test(char)) return DIGIT;
  // tiktoken's \s is Unicode White_Space (U+0085 in, U+FEFF out), not JavaScript's \s.
  if (/\p{White_Space}/u.test(char)) return SPACE;
  return PUNCT;
}

const ASCII: number[] = Array.from({ length: 128 }, (_, code) => {
  if (code === 10 || code === 13) return SPACE | LINE_BREAK;
  if (code === 32 || (code >= 9 && code <= 12)) return SPACE;
  if (code >= 48 && code <= 57) return DIGIT;
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return LETTER;
  if (code === 47) return PUNCT | SLASH;
  return PUNCT;
});
