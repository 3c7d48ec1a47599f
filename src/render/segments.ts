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

/** What stands before the first section, between sections and after the last. */
export function fileFrame(wrapper: string | undefined): { head: Segment[]; joiner: Segment; tail: Segment[] } {
  return wrapper
    ? { head: [literal(openTag(wrapper)), BLANK], joiner: BLANK, tail: [BLANK, literal(closeTag(wrapper)), NEWLINE] }
    : { head: [], joiner: BLANK, tail: [NEWLINE] };
}

export function joinSegments(segments: readonly Segment[]): string {
  let text = "";
  for (const segment of segments) text += segment.text;
  return text;
}
