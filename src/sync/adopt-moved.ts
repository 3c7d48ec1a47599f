import type { AdoptionSkip } from "../model.js";
import { skipOf, type FindingAt, type SectionOrder } from "./adoption-types.js";

/**
 * Moved sections → the order of a `sections:` profile: the
 * entries the file holds take the file's order, in the slots they hold now;
 * entries the file lacks (dropped by a budget, or missing) keep their slots.
 * An `include:` profile takes its order from path order, so there each moved
 * section is a skip that says which files to rename.
 */
export function adoptMoved(items: readonly FindingAt[], showAtom: (relative: string) => string): { orders: SectionOrder[]; skipped: AdoptionSkip[] } {
  const orders: SectionOrder[] = [];
  const skipped: AdoptionSkip[] = [];
  const byOutput = new Map<FindingAt["checked"], FindingAt[]>();
  for (const item of items) byOutput.set(item.checked, [...(byOutput.get(item.checked) ?? []), item]);

  for (const [checked, moved] of byOutput) {
    const { profile, sections } = checked.output;
    const fileTags = (checked.parsed?.sections ?? []).map((section) => section.tag);
    if (!profile.sections) {
      for (const { finding } of moved) {
        const planned = sections.find((section) => section.tag === finding.tag);
        const files = (planned?.atoms ?? []).map((atom) => showAtom(atom.atom.path)).join(", ");
        const before = fileTags[fileTags.indexOf(finding.tag ?? "") - 1];
        const place = before === undefined ? "first" : `right after <${before}>`;
        skipped.push(skipOf(finding, `this profile orders its sections by the atoms' paths (include:): rename or move ${files || "its atoms"} so that path order puts <${finding.tag}> ${place}, as in the file`));
      }
      continue;
    }
    const profileTags = sections.map((section) => section.tag);
    orders.push({ profileFile: profile.file, tags: reorder(profileTags, fileTags), from: moved.map((item) => item.finding) });
  }
  return { orders, skipped };
}

/** `current` with the tags that `wanted` holds put in `wanted`'s order, in the slots they occupy; the others stay. */
export function reorder(current: readonly string[], wanted: readonly string[]): string[] {
  const known = new Set(current);
  const queue = wanted.filter((tag) => known.has(tag));
  const inQueue = new Set(queue);
  let next = 0;
  return current.map((tag) => (inQueue.has(tag) ? (queue[next++] ?? tag) : tag));
}
