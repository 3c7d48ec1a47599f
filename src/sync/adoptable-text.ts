import { ATOM_ID } from "../load/validate-atom.js";
import type { ParsedSection } from "../model.js";
import { describeText } from "./describe-text.js";
import { yamlScalar } from "./yaml-scalar.js";

/* What adoption makes of a section's text: the text itself, whether an atom can carry it, how it splits back into atoms, and the new atom file. */

/** The lines between a section's tag lines. */
export function innerText(section: ParsedSection): string {
  return section.text.split("\n").slice(1, -1).join("\n");
}

/** Why a text cannot round-trip through an atom (whose text is trimmed), if it cannot. */
export function edgeProblem(text: string): string | undefined {
  if (text.trim() === "") return "the section is empty: an atom needs text";
  if (text !== text.trim()) return "blank lines or spaces at the edges of the section cannot be carried over (an atom's text is trimmed): remove them";
  return undefined;
}

/**
 * Splits an edited body back into its atoms along the same blank-line joins:
 * unchanged atoms are matched from both ends, and the split is unambiguous
 * only when at most one atom is left in the middle.
 */
export function splitBody(body: string, texts: readonly string[]): string[] | undefined {
  if (texts.length === 1) return [body];
  let first = 0;
  let rest = body;
  for (let head = texts[first]; first < texts.length - 1 && head !== undefined && rest.startsWith(`${head}\n\n`); head = texts[first]) {
    rest = rest.slice(head.length + 2);
    first++;
  }
  let last = texts.length - 1;
  for (let tail = texts[last]; last > first && tail !== undefined && rest.endsWith(`\n\n${tail}`); tail = texts[last]) {
    rest = rest.slice(0, rest.length - tail.length - 2);
    last--;
  }
  if (first !== last) return undefined;
  return texts.map((text, index) => (index === first ? rest : text));
}

export function idFromTag(tag: string): string {
  const id = tag.toLowerCase().replace(/_+/g, "-").replace(/^-+|-+$/g, "");
  return ATOM_ID.test(id) ? id : `section-${id.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "adopted"}`;
}

export function atomFile(id: string, tag: string, text: string): string {
  const { title, brief } = describeText(text, tag);
  return `---\nid: ${id}\ntitle: ${yamlScalar(title)}\nbrief: ${yamlScalar(brief)}\ntag: ${tag}\n---\n${text}\n`;
}
