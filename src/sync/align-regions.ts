import { diffPackage } from "./diff-package.js";

/** A run of the expected lines that one thing owns: the frame (wrapper, preamble, blank lines between parts) or one part. */
export interface Region {
  kind: "frame" | "part";
  /** 0-based expected lines [from, to). */
  from: number;
  to: number;
  /**
   * A part that owns text written right before or after it: a hand-maintained
   * file, or an output without a wrapper (whose sections end where its text
   * ends). Text next to a wrapped output is outside it.
   */
  open?: boolean;
}

/** Where each region's lines stand in the actual file: 0-based actual lines [from, to), in region order. */
export type Placement = { from: number; to: number }[];

/** Changed lines past which a file is not attributed part by part: aligning costs time in proportion to them. */
export const MAX_CHANGED_LINES = 2_000;

/**
 * The line diff costs up to (lines compared) x (changed lines): past this
 * much work a large, mostly rewritten file is not attributed part by part
 * either, so no file, however hostile, makes the check hang.
 */
const MAX_DIFF_WORK = 20_000_000;

/** Expected lines [e0, e1) replaced by actual lines [a0, a1). */
interface Hunk {
  e0: number;
  e1: number;
  a0: number;
  a1: number;
}

/**
 * Lays the regions of the expected lines over the actual lines: a line diff
 * (common head and tail first, then Myers over the middle) pairs unchanged
 * lines, and each changed line goes to a region by these rules, so the same
 * edit is always attributed the same way:
 *
 * - an insertion or deletion that could stand at several places (among equal
 *   lines) is moved up as far as it goes;
 * - lines replacing expected lines go to the first part among the regions of
 *   those lines, or to the frame when they were all frame;
 * - lines inserted between two regions go to an open part beside them (the
 *   earlier one first): a hand-maintained file or an output without a
 *   wrapper owns the text written right after or before it; otherwise to
 *   the frame, since text beside a wrapper's line is outside that output;
 * - a frame region holding its own lines plus more at one end gives the
 *   extra lines to the open part at that end.
 *
 * Undefined when more than MAX_CHANGED_LINES lines differ (fewer in a very
 * large file: see MAX_DIFF_WORK).
 */
export function alignRegions(expected: readonly string[], actual: readonly string[], regions: readonly Region[]): Placement | undefined {
  const hunks = lineHunks(expected, actual);
  if (hunks === undefined) return undefined;
  const owner = new Int32Array(expected.length);
  regions.forEach((region, index) => owner.fill(index, region.from, region.to));
  const assigned = new Int32Array(actual.length);
  let e = 0;
  let a = 0;
  const keepUntil = (e0: number) => {
    for (; e < e0; e++, a++) assigned[a] = owner[e] ?? 0;
  };
  for (const hunk of hunks) {
    keepUntil(hunk.e0);
    const target = hunkOwner(hunk, owner, regions, expected.length);
    for (; a < hunk.a1; a++) assigned[a] = target;
    e = hunk.e1;
  }
  keepUntil(expected.length);

  // Owners rise along the actual lines, so each region's lines are one run.
  const placement: Placement = [];
  let line = 0;
  regions.forEach((_, index) => {
    const from = line;
    while (line < actual.length && assigned[line] === index) line++;
    placement.push({ from, to: line });
  });
  if (line !== actual.length) return undefined;
  giveExtraTextToOpenParts(expected, actual, regions, placement);
  return placement;
}

/**
 * A diff may split one insertion into pieces among equal blank lines, so that
 * part of a paragraph appended to a hand-maintained file lands between the
 * blank lines that join it to the next part. A frame region that holds its
 * expected lines plus more, all at its start or all at its end, gives the
 * extra lines to the open part on that side (the earlier part first).
 */
function giveExtraTextToOpenParts(expected: readonly string[], actual: readonly string[], regions: readonly Region[], placement: Placement): void {
  regions.forEach((region, index) => {
    const span = placement[index];
    if (region.kind !== "frame" || !span) return;
    const want = expected.slice(region.from, region.to);
    const have = actual.slice(span.from, span.to);
    const extra = have.length - want.length;
    if (extra <= 0) return;
    const before = placement[index - 1];
    const after = placement[index + 1];
    if (before && regions[index - 1]?.open && sameLines(have.slice(extra), want)) {
      before.to += extra;
      span.from += extra;
    } else if (after && regions[index + 1]?.open && sameLines(have.slice(0, want.length), want)) {
      span.to -= extra;
      after.from -= extra;
    }
  });
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, index) => line === b[index]);
}

function hunkOwner(hunk: Hunk, owner: Int32Array, regions: readonly Region[], expectedCount: number): number {
  if (hunk.e1 > hunk.e0) {
    const first = owner[hunk.e0] ?? 0;
    const last = owner[hunk.e1 - 1] ?? first;
    for (let index = first; index <= last; index++) if (regions[index]?.kind === "part") return index;
    return first;
  }
  const before = hunk.e0 > 0 ? owner[hunk.e0 - 1] : undefined;
  const after = hunk.e0 < expectedCount ? owner[hunk.e0] : undefined;
  if (before !== undefined && before === after) return before;
  if (before !== undefined && regions[before]?.open) return before;
  if (after !== undefined && regions[after]?.open) return after;
  if (before !== undefined && regions[before]?.kind === "frame") return before;
  if (after !== undefined && regions[after]?.kind === "frame") return after;
  return before ?? after ?? 0;
}

/** The changed runs between two line lists, each slid up as far as equal lines allow; undefined past MAX_CHANGED_LINES. */
function lineHunks(expected: readonly string[], actual: readonly string[]): Hunk[] | undefined {
  let head = 0;
  while (head < expected.length && head < actual.length && expected[head] === actual[head]) head++;
  let tail = 0;
  while (tail < expected.length - head && tail < actual.length - head && expected[expected.length - 1 - tail] === actual[actual.length - 1 - tail]) tail++;
  const oldMiddle = expected.slice(head, expected.length - tail);
  const newMiddle = actual.slice(head, actual.length - tail);
  if (oldMiddle.length + newMiddle.length > 0 && Math.min(oldMiddle.length, newMiddle.length) === 0) {
    return slide([{ e0: head, e1: head + oldMiddle.length, a0: head, a1: head + newMiddle.length }], expected, actual);
  }
  const maxEditLength = Math.max(1, Math.min(MAX_CHANGED_LINES, Math.floor(MAX_DIFF_WORK / (oldMiddle.length + newMiddle.length))));
  const changes = oldMiddle.length === 0 ? [] : diffPackage().diffArrays(oldMiddle, newMiddle, { maxEditLength });
  if (changes === undefined) return undefined;
  const hunks: Hunk[] = [];
  let e = head;
  let a = head;
  let open: Hunk | undefined;
  for (const change of changes) {
    const count = change.value.length;
    if (!change.added && !change.removed) {
      if (open) hunks.push(open);
      open = undefined;
      e += count;
      a += count;
      continue;
    }
    open ??= { e0: e, e1: e, a0: a, a1: a };
    if (change.removed) e += count;
    else a += count;
    open.e1 = e;
    open.a1 = a;
  }
  if (open) hunks.push(open);
  return slide(hunks, expected, actual);
}

/**
 * Moves each pure insertion or deletion up while the line before it equals
 * its last line (the same edit, written one line earlier), never into the
 * hunk before it.
 */
function slide(hunks: Hunk[], expected: readonly string[], actual: readonly string[]): Hunk[] {
  let floor = 0;
  for (const hunk of hunks) {
    const insertion = hunk.e0 === hunk.e1;
    const deletion = hunk.a0 === hunk.a1;
    if (insertion !== deletion) {
      const lines = insertion ? actual : expected;
      const start = () => (insertion ? hunk.a0 : hunk.e0);
      const end = () => (insertion ? hunk.a1 : hunk.e1);
      while (hunk.e0 > floor && start() > 0 && lines[start() - 1] === lines[end() - 1]) {
        hunk.e0--;
        hunk.e1--;
        hunk.a0--;
        hunk.a1--;
      }
    }
    floor = hunk.e1;
  }
  return hunks;
}
