import { createHash } from "node:crypto";
import { InputError } from "../errors.js";
import type { Atom, AtomState, Issue, PackPlan, PlannedAtom, PlannedSection, ResolvedProfile } from "../model.js";
import { fileFrame, joinSegments, literal, sectionSegments, type Segment } from "../render/segments.js";
import { canCut, groupPieces, type Piece } from "./compose.js";
import { PieceCounter } from "./token-store.js";
import type { CountTokens } from "./tokenizer.js";

interface Slot {
  planned: PlannedAtom;
  section: number;
  position: number;
  priority: number;
}

/**
 * Fits a profile into its budgets (SPEC §6) and renders it. Candidates are
 * the atoms that are not required, lowest priority first, later position first
 * on ties. Each section over its own budget degrades its candidates to their
 * briefs, then drops them, stopping as soon as it fits; then the file does the
 * same over all remaining candidates. A brief that would make its section
 * longer is not used (the atom stays full until the drop walk). Every count is
 * exact: the tokens of the final text, composed from pieces cut only where the
 * encoding always cuts (pack/compose.ts). Throws an InputError (nothing is
 * written) when required content alone exceeds a budget.
 */
export function packProfile(resolved: ResolvedProfile, counter: CountTokens | PieceCounter, shown: string): PackPlan {
  const { profile } = resolved;
  const pieces = counter instanceof PieceCounter ? counter : new PieceCounter(profile.encoding, counter);
  const packing = new Packing(resolved, pieces);
  const { sections, slots } = packing;

  const candidates = slots
    .filter((slot) => !slot.planned.required)
    .sort((a, b) => a.priority - b.priority || b.position - a.position);

  /** Degrades, then drops, candidates in order until `fits` holds. */
  const walk = (pool: readonly Slot[], fits: () => boolean, reason: string): void => {
    for (const state of ["brief", "dropped"] as const satisfies readonly AtomState[]) {
      for (const slot of pool) {
        if (fits()) return;
        if (slot.planned.state === "dropped" || slot.planned.state === state) continue;
        const before = packing.sectionTokens(slot.section);
        packing.set(slot, state, reason);
        if (state === "brief" && packing.sectionTokens(slot.section) > before) {
          // A brief longer than its text would grow the section (and could undo a section budget already met).
          packing.set(slot, "full");
        }
      }
    }
  };

  sections.forEach((section, index) => {
    const budget = section.budget;
    if (budget === undefined) return;
    const pool = candidates.filter((slot) => slot.section === index);
    walk(pool, () => packing.sectionTokens(index) <= budget, `section ${section.tag} over its budget of ${budget} tokens`);
  });
  if (profile.budget !== undefined) {
    const budget = profile.budget;
    walk(candidates, () => packing.fileTokens() <= budget, `file over its budget of ${budget} tokens`);
  }

  const tokens = packing.fileTokens();
  sections.forEach((section, index) => {
    section.tokens = packing.sectionTokens(index);
    const segments = packing.sectionSegments(index);
    section.text = segments === null ? null : joinSegments(segments);
  });
  const issues = budgetIssues(resolved, sections, tokens, shown);
  if (issues.length > 0) throw new InputError(issues);
  packing.attributeTokens();
  const text = packing.fileText();
  return { profile, sections, text, tokens };
}

/** Every piece a profile's plan counts before any atom is degraded, for counting ahead in bulk. */
export function initialPieces(resolved: ResolvedProfile, counter: PieceCounter): Piece[] {
  const packing = new Packing(resolved, counter);
  return packing.sections.flatMap((_, index) => [
    ...groupPieces(counter.encoding, packing.sectionSegments(index) ?? []),
    ...groupPieces(counter.encoding, packing.blockSegments(index, 0) ?? []),
  ]);
}

/**
 * The mutable state of one plan: each atom's state, and memoised counts of
 * each section alone and of its block in the file, recounted only when that
 * section changes.
 */
class Packing {
  readonly slots: Slot[] = [];
  readonly sections: PlannedSection[];
  private readonly sectionCounts = new Map<number, number>();
  private readonly blockCounts = new Map<string, number>();
  private readonly frame;
  /** How the file splits into per-section blocks the counts can add up (see fileTokens). */
  private readonly joinerAfter: boolean;
  private readonly composable: boolean;

  constructor(
    private readonly resolved: ResolvedProfile,
    private readonly counter: PieceCounter,
  ) {
    this.sections = resolved.sections.map((section, sectionIndex) => ({
      tag: section.tag,
      ...(section.intro === undefined ? {} : { intro: section.intro }),
      ...(section.budget === undefined ? {} : { budget: section.budget }),
      atoms: section.atoms.map((atom) => {
        const planned: PlannedAtom = { atom, state: "full", tokens: 0, required: section.required || atom.required };
        this.slots.push({ planned, section: sectionIndex, position: this.slots.length, priority: atom.priority });
        return planned;
      }),
      text: null,
      tokens: 0,
    }));
    this.frame = fileFrame(resolved.profile.wrapper);
    // Blocks end with the joiner when the encoding cuts after "\n" before "<" (o200k, cl100k);
    // otherwise they start with it, cutting after ">" before "\n" (gpt2 family).
    const encoding = counter.encoding;
    this.joinerAfter = canCut(encoding, "\n", "<");
    this.composable = this.joinerAfter || canCut(encoding, ">", "\n");
  }

  set(slot: Slot, state: AtomState, reason?: string): void {
    slot.planned.state = state;
    if (reason === undefined) delete slot.planned.reason;
    else slot.planned.reason = reason;
    this.sectionCounts.delete(slot.section);
    for (const role of ["first", "middle", "last", "only"]) this.blockCounts.delete(`${slot.section}:${role}`);
  }

  sectionSegments(index: number): Segment[] | null {
    const section = this.sections[index] as PlannedSection;
    const atoms = section.atoms.flatMap((planned) => (planned.state === "dropped" ? [] : [segmentOf(planned.atom, planned.state)]));
    return sectionSegments(section.tag, section.intro, atoms);
  }

  sectionTokens(index: number): number {
    let count = this.sectionCounts.get(index);
    if (count === undefined) {
      const segments = this.sectionSegments(index);
      count = segments === null ? 0 : this.counter.segments(segments);
      this.sectionCounts.set(index, count);
    }
    return count;
  }

  /**
   * A section's segments in the file, with the frame around it: the joiner
   * after it (or before it, for the gpt2 family) and the head or tail of the
   * file at the ends. `place` is its position among the sections present.
   */
  blockSegments(index: number, place: number, present = this.presentCount()): Segment[] | null {
    const segments = this.sectionSegments(index);
    if (segments === null) return null;
    const { head, joiner, tail } = this.frame;
    const first = place === 0;
    const last = place === present - 1;
    if (this.joinerAfter) return [...(first ? head : []), ...segments, ...(last ? tail : [joiner])];
    return [...(first ? head : [joiner]), ...segments, ...(last ? tail : [])];
  }

  /** Exact tokens of the whole file: the sum of its blocks, which meet only where the encoding always cuts. */
  fileTokens(): number {
    if (!this.composable) return this.counter.segments([literal(this.fileText())]);
    const present = this.presentCount();
    let total = 0;
    let place = 0;
    this.sections.forEach((_, index) => {
      if (!this.present(index)) return;
      const role = present === 1 ? "only" : place === 0 ? "first" : place === present - 1 ? "last" : "middle";
      const key = `${index}:${role}`;
      let count = this.blockCounts.get(key);
      if (count === undefined) {
        count = this.counter.segments(this.blockSegments(index, place, present) ?? []);
        this.blockCounts.set(key, count);
      }
      total += count;
      place++;
    });
    return present === 0 ? this.counter.segments([...this.frame.head, ...this.frame.tail]) : total;
  }

  fileText(): string {
    const texts = this.sections.flatMap((_, index) => {
      const segments = this.sectionSegments(index);
      return segments === null ? [] : [joinSegments(segments)];
    });
    const { head, joiner, tail } = this.frame;
    return joinSegments(head) + texts.join(joiner.text) + joinSegments(tail);
  }

  /**
   * Each atom's tokens: what it adds to its section, the count of the piece
   * it opens (so a section's atoms and its tag lines add up to its count).
   */
  attributeTokens(): void {
    this.sections.forEach((section, index) => {
      for (const planned of section.atoms) planned.tokens = 0;
      const segments = this.sectionSegments(index);
      if (segments === null) return;
      const owners = new Map<Segment, PlannedAtom>();
      let next = 0;
      for (const segment of segments) {
        if (!segment.key.startsWith("\u0002")) continue;
        while (section.atoms[next]?.state === "dropped") next++;
        const planned = section.atoms[next++];
        if (planned) owners.set(segment, planned);
      }
      for (const piece of groupPieces(this.counter.encoding, segments)) {
        const owner = piece.segments.map((segment) => owners.get(segment)).find((planned) => planned !== undefined);
        if (owner) owner.tokens += this.counter.piece(piece);
      }
    });
  }

  /** A section is written while any of its atoms is not dropped. */
  private present(index: number): boolean {
    return (this.sections[index] as PlannedSection).atoms.some((planned) => planned.state !== "dropped");
  }

  private presentCount(): number {
    let present = 0;
    this.sections.forEach((_, index) => {
      if (this.present(index)) present++;
    });
    return present;
  }
}

const textKeys = new WeakMap<Atom, { text: Segment; brief: Segment }>();

/** An atom's text or brief as a segment keyed by a hash of that text. */
function segmentOf(atom: Atom, state: "full" | "brief"): Segment {
  let entry = textKeys.get(atom);
  if (!entry) {
    entry = { text: keyed(atom.text), brief: keyed(atom.brief) };
    textKeys.set(atom, entry);
  }
  return state === "full" ? entry.text : entry.brief;
}

function keyed(text: string): Segment {
  return { key: `\u0002${createHash("sha256").update(text).digest("hex")}`, text };
}

function budgetIssues(resolved: ResolvedProfile, sections: readonly PlannedSection[], tokens: number, shown: string): Issue[] {
  const { profile } = resolved;
  const issues: Issue[] = [];
  sections.forEach((section, index) => {
    if (section.budget === undefined || section.tokens <= section.budget) return;
    issues.push({
      file: shown,
      line: profile.lines[`sections[${index}].budget`] ?? resolved.sections[index]?.line ?? 1,
      message: `section ${section.tag} needs ${section.tokens} tokens for its required content, over its budget of ${section.budget}: raise the budget or make fewer of its atoms required`,
    });
  });
  const line = profile.lines.budget ?? 1;
  if (profile.budget !== undefined && tokens > profile.budget) {
    issues.push({
      file: shown,
      line,
      message: `the file needs ${tokens} tokens for its required content, over its budget of ${profile.budget}: raise the budget or make fewer atoms required`,
    });
  } else if (sections.every((section) => section.text === null)) {
    issues.push({ file: shown, line, message: "every section would be left out under these budgets: raise a budget or mark an atom required" });
  }
  return issues;
}
