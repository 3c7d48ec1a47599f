import { globToRegExp } from "../load/glob.js";
import { naturalCompare } from "../load/natural-compare.js";
import type { PlannedSection } from "../model.js";

/* Where path order puts a new atom's section in an include profile. */

export function matchesInclude(include: readonly string[], relative: string): boolean {
  return include.some((pattern) => globToRegExp(pattern).test(relative));
}

/** The order of the written sections of an include profile once an atom with `tag` exists at `relative`. */
export function includeOrder(sections: readonly PlannedSection[], relative: string, tag: string): string[] {
  const written = new Set(sections.filter((section) => section.text !== null).map((section) => section.tag));
  const atoms = sections.flatMap((section) => section.atoms.map((planned) => ({ tag: section.tag, path: planned.atom.path })));
  atoms.push({ tag, path: relative });
  const order = atoms.sort((a, b) => naturalCompare(a.path, b.path)).map((atom) => atom.tag);
  return [...new Set(order)].filter((candidate) => candidate === tag || written.has(candidate));
}

export function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag, index) => tag === b[index]);
}
