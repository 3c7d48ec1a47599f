import { fileFrame, joinSegments, literal, sectionSegments } from "./segments.js";

/**
 * The one definition of the output grammar (SPEC §5), built on the segments
 * of segments.ts so that what is counted is exactly what is written:
 *
 *   file    = [ "<W>" "\n\n" ] section *( "\n\n" section ) [ "\n\n" "</W>" ] "\n"
 *   section = "<TAG>" "\n" [ intro "\n\n" ] body "\n" "</TAG>"
 *   body    = atom-text *( "\n\n" atom-text )
 */

/** Renders one section, or null when it has no atom text left. */
export function renderSection(tag: string, intro: string | undefined, texts: readonly string[]): string | null {
  const segments = sectionSegments(tag, intro, texts.map(literal));
  return segments === null ? null : joinSegments(segments);
}

/** Renders the whole file from its rendered sections. */
export function renderFile(wrapper: string | undefined, sections: readonly string[]): string {
  const { head, joiner, tail } = fileFrame(wrapper);
  return joinSegments(head) + sections.join(joiner.text) + joinSegments(tail);
}
