import { sha256 } from "../hash.js";
import { parseFrontmatter } from "../load/parse-frontmatter.js";
import { normaliseText } from "../load/read-text.js";
import { ATOM_ID, validateAtom } from "../load/validate-atom.js";
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
  // The file's CRLF line ends were read as LF already; a CR left is a lone one, which an atom reads as a line end.
  if (text.includes("\r")) return "a lone CR (carriage return) in the text cannot be carried: an atom reads it as a line end, so a build would write a new line there; remove it, then adopt again";
  if (text !== text.trim()) return "blank lines or spaces at the edges of the section cannot be carried over (an atom's text is trimmed): remove them";
  return undefined;
}

/**
 * Splits an edited body back into its atoms along the same blank-line joins:
 * unchanged atoms are matched from both ends, and the split is unambiguous
 * only when at most one atom is left in the middle, and no paragraph was
 * added at its joint with a neighbouring atom (which either could hold).
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
  const own = texts[first];
  if (first !== last || own === undefined) return undefined;
  if (rest !== own && ((first > 0 && rest.endsWith(`\n\n${own}`)) || (first < texts.length - 1 && rest.startsWith(`${own}\n\n`)))) return undefined;
  return texts.map((text, index) => (index === first ? rest : text));
}

/** Longest id adoption makes: the atom's file name (id, order prefix, `-2`, `.md`) stays far below the file systems' 255 bytes. */
export const MAX_ADOPTED_ID = 100;

/** An atom id from a section's tag (`SIGN_VERIFY` → `sign-verify`); a longer one is cut and told apart by a short hash of the tag. */
export function idFromTag(tag: string): string {
  const kebab = tag.toLowerCase().replace(/_+/g, "-").replace(/^-+|-+$/g, "");
  const id = ATOM_ID.test(kebab) ? kebab : `section-${kebab.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "adopted"}`;
  if (id.length <= MAX_ADOPTED_ID) return id;
  return `${id.slice(0, MAX_ADOPTED_ID - 9).replace(/-+$/, "")}-${sha256(tag).slice(0, 8)}`;
}

export function atomFile(id: string, tag: string, text: string): string {
  const { title, brief } = describeText(text, tag);
  return `---\nid: ${id}\ntitle: ${yamlScalar(title)}\nbrief: ${yamlScalar(brief)}\ntag: ${tag}\n---\n${text}\n`;
}

/**
 * Why an atom file adoption would write would not load back as `text` (the
 * section's text, as a build renders it), if it would not: read the way
 * loading reads atoms, so what adopt writes is what the next build renders.
 * Without `text`, only whether the file loads at all.
 */
export function readBackProblem(fileText: string, text: string | undefined, shown: string, relative: string): string | undefined {
  const parsed = parseFrontmatter(normaliseText(fileText), shown);
  const issues = [...parsed.issues];
  const atom = parsed.frontmatter ? validateAtom(parsed.frontmatter, { file: shown, path: relative, sha256: "", issues }) : undefined;
  if (!atom || issues.length > 0) return `the atom file ${shown} that adopt would write does not load (${issues[0]?.message ?? "no frontmatter"}): carry the section into an atom by hand`;
  if (text !== undefined && atom.text !== text) return `the atom file ${shown} that adopt would write would not read back as the section's text: carry the section into an atom by hand`;
  return undefined;
}
