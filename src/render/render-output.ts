import { fileFrame, type Frame, joinSegments, literal, sectionSegments, type Segment } from "./segments.js";

/**
 * The one definition of the output grammar, built on the segments
 * of segments.ts so that what is counted is exactly what is written:
 *
 *   file    = [ open "\n\n" ] [ preamble "\n\n" ] section *( "\n\n" section ) [ "\n\n" "</W>" ] [ "\n" ]
 *   open    = "<W" *( " " name "=\"" value "\"" ) ">"
 *   section = "<TAG>" "\n" [ intro "\n\n" ] body "\n" "</TAG>"
 *   body    = atom-text *( "\n\n" atom-text )
 */

/** Renders one section, or null when it has no atom text left. */
export function renderSection(tag: string, intro: string | undefined, texts: readonly string[]): string | null {
  const segments = sectionSegments(tag, intro, texts.map(literal));
  return segments === null ? null : joinSegments(segments);
}

/** Renders the whole file from its rendered sections. */
export function renderFile(frame: Frame, sections: readonly string[]): string {
  const { head, joiner, tail } = fileFrame(frame);
  return joinSegments(head) + sections.join(joiner.text) + joinSegments(tail);
}

/**
 * Renders a whole file from its sections' segments in one string, and gives
 * each section's text as a slice of it: the file's text is held once, not
 * once for the file and once more for its sections.
 */
export function renderSections(frame: Frame, sections: readonly (readonly Segment[] | null)[]): { text: string; sections: (string | null)[] } {
  const { head, joiner, tail } = fileFrame(frame);
  const spans: ({ start: number; end: number } | null)[] = [];
  let text = joinSegments(head);
  let first = true;
  for (const segments of sections) {
    if (segments === null) {
      spans.push(null);
      continue;
    }
    if (!first) text += joiner.text;
    first = false;
    const start = text.length;
    text += joinSegments(segments);
    spans.push({ start, end: text.length });
  }
  text += joinSegments(tail);
  return { text, sections: spans.map((span) => (span === null ? null : text.slice(span.start, span.end))) };
}

/**
 * A composed output: its parts, each exactly its bytes, in the same frame
 * (the final newline only where the text does not end with one already):
 *
 *   composed = [ open "\n\n" ] [ preamble "\n\n" ] part *( "\n\n" part ) [ "\n\n" close ] [ "\n" ]
 *
 * Gives where each part starts in the text, too.
 */
export function renderComposed(frame: Frame, parts: readonly string[]): { text: string; starts: number[] } {
  const { head, joiner, tail } = fileFrame({ ...frame, finalNewline: false });
  let text = joinSegments(head);
  const starts: number[] = [];
  parts.forEach((part, index) => {
    if (index > 0) text += joiner.text;
    starts.push(text.length);
    text += part;
  });
  text += joinSegments(tail);
  if (frame.finalNewline !== false && !text.endsWith("\n")) text += "\n";
  return { text, starts };
}
