/**
 * The one definition of the output grammar (SPEC §5):
 *
 *   file    = [ "<W>" "\n\n" ] section *( "\n\n" section ) [ "\n\n" "</W>" ] "\n"
 *   section = "<TAG>" "\n" [ intro "\n\n" ] body "\n" "</TAG>"
 *   body    = atom-text *( "\n\n" atom-text )
 */

export const SECTION_JOIN = "\n\n";
export const ATOM_JOIN = "\n\n";

export const openTag = (tag: string): string => `<${tag}>`;
export const closeTag = (tag: string): string => `</${tag}>`;

/** Renders one section, or null when it has no atom text left. */
export function renderSection(tag: string, intro: string | undefined, texts: readonly string[]): string | null {
  if (texts.length === 0) return null;
  const head = intro ? `${intro}\n\n` : "";
  return `${openTag(tag)}\n${head}${texts.join(ATOM_JOIN)}\n${closeTag(tag)}`;
}

/** Renders the whole file from its rendered sections. */
export function renderFile(wrapper: string | undefined, sections: readonly string[]): string {
  const body = sections.join(SECTION_JOIN);
  return wrapper ? `${openTag(wrapper)}\n\n${body}\n\n${closeTag(wrapper)}\n` : `${body}\n`;
}
