import { globToRegExp } from "../load/glob.js";
import { naturalCompare } from "../load/natural-compare.js";
import type { PlannedSection } from "../model.js";

/* Where path order puts a new atom's section in an include profile. */

export function matchesInclude(include: readonly string[], relative: string): boolean {
  return include.some((pattern) => globToRegExp(pattern).test(relative));
}

/** The order of the written sections of an include profile once the new atoms (tag, path relative to the atoms dir) exist too. */
export function includeOrder(sections: readonly PlannedSection[], added: readonly { tag: string; path: string }[]): string[] {
  const written = new Set([...sections.filter((section) => section.text !== null).map((section) => section.tag), ...added.map((atom) => atom.tag)]);
  const atoms = [...sections.flatMap((section) => section.atoms.map((planned) => ({ tag: section.tag, path: planned.atom.path }))), ...added];
  const order = atoms.sort((a, b) => naturalCompare(a.path, b.path)).map((atom) => atom.tag);
  return [...new Set(order)].filter((candidate) => written.has(candidate));
}

export function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag, index) => tag === b[index]);
}
