import type { Profile, WrapperAttribute } from "../model.js";

/**
 * The output grammar as a list of segments: literal strings and
 * atom texts, whose concatenation is the rendered text. Rendering joins them;
 * token counting groups them into pieces it can count apart (pack/compose.ts).
 */
export interface Segment {
  /** Identifies the content: a literal's own text, or a hash of an atom's text. */
  key: string;
  text: string;
}

const literals = new Map<string, Segment>();

/** A literal segment; the same text gives the same object while the pool has room (it only saves allocations). */
export function literal(text: string): Segment {
  let segment = literals.get(text);
  if (!segment) {
    segment = { key: `\u0001${text}`, text };
    if (literals.size < 100_000) literals.set(text, segment);
  }
  return segment;
}


/** `<TAG>` and `</TAG>`: the section and wrapper lines of the grammar. */
export const openTag = (tag: string): string => `<${tag}>`;
export const closeTag = (tag: string): string => `</${tag}>`;

const NEWLINE = literal("\n");
const BLANK = literal("\n\n");

/** `<TAG>\n[intro\n\n]a1\n\na2…\n</TAG>`, or nothing when no atom text is left. */
export function sectionSegments(tag: string, intro: string | undefined, atoms: readonly Segment[]): Segment[] | null {
  if (atoms.length === 0) return null;
  const segments = [literal(openTag(tag)), NEWLINE];
  if (intro) segments.push(literal(intro), BLANK);
  atoms.forEach((atom, index) => {
    if (index > 0) segments.push(BLANK);
    segments.push(atom);
  });
  segments.push(NEWLINE, literal(closeTag(tag)));
  return segments;
}

/** What shapes a file around its sections or parts: the wrapper with its attributes, the preamble, the final newline. */
export type Frame = Pick<Profile, "wrapper" | "attributes" | "preamble" | "finalNewline">;

/** The wrapper's opening line: `<W>`, or `<W name="value" …>` with `&`, `<`, `>` and `"` escaped as entities. */
export function openLine(wrapper: string, attributes: readonly WrapperAttribute[] = []): string {
  return `<${wrapper}${attributes.map(({ name, value }) => ` ${name}="${escapeAttribute(value)}"`).join("")}>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"]/g, (char) => ENTITIES[char] ?? char);
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/**
 * What stands before the first section, between sections and after the last:
 *   [ open "\n\n" ] [ preamble "\n\n" ] … [ "\n\n" close ] [ "\n" ]
 */
export function fileFrame(frame: Frame): { head: Segment[]; joiner: Segment; tail: Segment[] } {
  const head: Segment[] = [];
  if (frame.wrapper) head.push(literal(openLine(frame.wrapper, frame.attributes)), BLANK);
  if (frame.preamble) head.push(literal(frame.preamble), BLANK);
  const tail: Segment[] = frame.wrapper ? [BLANK, literal(closeTag(frame.wrapper))] : [];
  if (frame.finalNewline !== false) tail.push(NEWLINE);
  return { head, joiner: BLANK, tail };
}

export function joinSegments(segments: readonly Segment[]): string {
  let text = "";
  for (const segment of segments) text += segment.text;
  return text;
}
