import type { Encoding } from "../model.js";
import type { Segment } from "../render/segments.js";

/**
 * Where a text can be cut so that its token count is the sum of the counts of
 * the two sides. tiktoken splits text with its encoding's pre-tokenizer regex
 * and runs BPE inside each piece, so a cut is exact when the regex always
 * matches up to it, whatever surrounds it:
 *
 * - o200k_base and cl100k_base: right after a newline, before a character that
 *   is not white space. No pattern takes a newline and then more: the newline
 *   runs (`\s*[\r\n]+`) stop at the first non-space, and punctuation's trailing
 *   `[\r\n]*` stops too, except that o200k's `[\r\n/]*` would also take a
 *   slash, so o200k never cuts before `/`.
 * - gpt2, r50k_base, p50k_base, p50k_edit: right after a character that is not
 *   white space, before white space. Their patterns never mix the two, and the
 *   white-space patterns' lookahead only reads to the right.
 *
 * tests/pack/compose.test.ts compares composed counts with full counts on
 * random texts for every encoding.
 */
export function canCut(encoding: Encoding, last: string, next: string): boolean {
  if (last === "" || next === "") return true;
  switch (encoding) {
    case "o200k_base":
      return last === "\n" && !isSpace(next) && next !== "/";
    case "cl100k_base":
      return last === "\n" && !isSpace(next);
    case "gpt2":
    case "r50k_base":
    case "p50k_base":
    case "p50k_edit":
      return !isSpace(last) && isSpace(next);
  }
}

function isSpace(char: string): boolean {
  return /^\s$/u.test(char);
}

/** One run of segments counted as a whole; `pieceKey` names its content (made when asked: it is long). */
export interface Piece {
  segments: Segment[];
}

/** Groups segments into pieces, cutting wherever `canCut` allows. Empty segments are skipped. */
export function groupPieces(encoding: Encoding, segments: readonly Segment[]): Piece[] {
  const pieces: Piece[] = [];
  let current: Segment[] = [];
  let last = "";
  for (const segment of segments) {
    if (segment.text === "") continue;
    if (current.length > 0 && canCut(encoding, last, segment.text.charAt(0))) {
      pieces.push(toPiece(current));
      current = [];
    }
    current.push(segment);
    last = segment.text.charAt(segment.text.length - 1);
  }
  if (current.length > 0) pieces.push(toPiece(current));
  return pieces;
}

/** A piece made of exactly these segments (the caller vouches that the cuts around it are exact). */
export function toPiece(segments: Segment[]): Piece {
  return { segments };
}

/**
 * The key a piece's count is cached by: its one segment's key, or its
 * segments' keys each prefixed by its length, so two different runs of
 * segments never share a key whatever text a literal holds: a count cached
 * by key is the count of that very text.
 */
export function pieceKey(piece: Piece): string {
  const { segments } = piece;
  const [only] = segments;
  return segments.length === 1 && only ? only.key : segments.map((segment) => `${segment.key.length}:${segment.key}`).join("");
}
