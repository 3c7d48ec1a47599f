/**
 * BPE takes time quadratic in the length of one pre-token, and a long run of
 * one kind of character (letters, spaces, punctuation) stays one pre-token in
 * every tiktoken encoding: 80,000 letters take about 3 s, a megabyte minutes.
 * Text with such a run is refused up front instead of hanging the build.
 */
export const MAX_RUN = 10_000;

export interface LongRun {
  /** 0-based offset where the run starts. */
  start: number;
  length: number;
  kind: "letters" | "spaces" | "punctuation";
}

/** The first run of one character class longer than `limit`, if any. */
export function findLongRun(text: string, limit = MAX_RUN): LongRun | undefined {
  let kind: LongRun["kind"] | undefined;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const current = i < text.length ? classOf(text.charCodeAt(i), text, i) : undefined;
    if (current !== kind) {
      if (kind !== undefined && i - start > limit) return { start, length: i - start, kind };
      kind = current;
      start = i;
    }
  }
  return undefined;
}

function classOf(code: number, text: string, index: number): LongRun["kind"] | undefined {
  if (code === 10 || code === 13) return undefined; // newlines always end a pre-token
  if (code === 32 || code === 9 || code === 0x3000) return "spaces";
  if (code >= 48 && code <= 57) return undefined; // digits go in threes
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return "letters";
  if (code < 128) return "punctuation";
  const char = text.charAt(index);
  if (/\p{L}|\p{M}/u.test(char)) return "letters";
  if (/\p{N}/u.test(char)) return undefined;
  if (/\s/u.test(char)) return "spaces";
  return "punctuation";
}
