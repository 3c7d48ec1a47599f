import type { ParsedSection, WrapperLines } from "../model.js";

/** A section the file holds at another place than a build puts it. */
export interface MovedSection {
  section: ParsedSection;
  /** Where it stands wrongly: outside the wrapper, or out of order among the others. */
  where: "before-wrapper" | "after-wrapper" | "order";
  /** The tag a build writes right before it, if any. */
  after?: string;
}

/**
 * Order is content: finds the sections present in both the file and the
 * build whose position differs. A section outside the wrapper's lines is
 * moved; among the rest, the longest run already in the build's order stays
 * and every other one is moved, so a swap of two sections is one finding.
 */
export function movedSections(actual: readonly ParsedSection[], expectedOrder: readonly string[], wrapper: WrapperLines | undefined): MovedSection[] {
  const rank = new Map(expectedOrder.map((tag, index) => [tag, index]));
  const moved: MovedSection[] = [];
  const inside: { section: ParsedSection; rank: number }[] = [];
  for (const section of actual) {
    const at = rank.get(section.tag);
    if (at === undefined) continue;
    const where = wrapper === undefined ? undefined : section.open < wrapper.open ? "before-wrapper" : wrapper.close !== undefined && section.open > wrapper.close ? "after-wrapper" : undefined;
    if (where) moved.push(withAfter({ section, where }, expectedOrder[at - 1]));
    else inside.push({ section, rank: at });
  }
  const kept = longestIncreasing(inside.map((entry) => entry.rank));
  inside.forEach((entry, index) => {
    if (!kept.has(index)) moved.push(withAfter({ section: entry.section, where: "order" }, expectedOrder[entry.rank - 1]));
  });
  return moved.sort((a, b) => a.section.open - b.section.open);
}

function withAfter(moved: MovedSection, after: string | undefined): MovedSection {
  return after === undefined ? moved : { ...moved, after };
}

/** Indexes of one longest strictly increasing subsequence of `values` (patience sorting, O(n log n)). */
export function longestIncreasing(values: readonly number[]): Set<number> {
  /** tails[k]: index of the smallest last value of an increasing run of length k + 1. */
  const tails: number[] = [];
  const previous: number[] = new Array<number>(values.length).fill(-1);
  values.forEach((value, index) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((values[tails[middle] ?? 0] ?? 0) < value) low = middle + 1;
      else high = middle;
    }
    if (low > 0) previous[index] = tails[low - 1] ?? -1;
    tails[low] = index;
  });
  const kept = new Set<number>();
  for (let index = tails[tails.length - 1] ?? -1; index !== -1; index = previous[index] ?? -1) kept.add(index);
  return kept;
}
