import { sha256 } from "../hash.js";
import type { Atom, AtomState, AtomTextOf, Encoding, PlannedAtom, PlannedSection, ResolvedProfile } from "../model.js";
import { closeTag, fileFrame, literal, openTag, sectionSegments, type Segment } from "../render/segments.js";
import { canCut, groupPieces, type Piece, toPiece } from "./compose.js";
import type { PieceCounting } from "./piece-counter.js";

export interface Slot {
  planned: PlannedAtom;
  section: number;
  position: number;
  priority: number;
}

const NEWLINE = literal("\n");
const BLANK = literal("\n\n");

/** Per atom: its piece's count in each state and place, filled in as needed. */
interface Contributions {
  /** [full followed by an atom, full last, brief followed, brief last] for joiner-after encodings; [.. preceded, .. first] otherwise. */
  counts: number[];
}

/** Each atom's text and brief as segments, made once per atom object. */
const textKeys = new WeakMap<Atom, { text: Segment; brief: Segment }>();

/**
 * The mutable state of one plan: each atom's state, and exact token counts of
 * each section alone and of its block in the file. A section whose every atom
 * text (and brief, and intro) starts and ends where the encoding always cuts
 * is "simple": its count is its frame plus one piece per atom, kept per atom,
 * so a change of one atom costs a sum over its section, not a recount.
 */
export class Packing {
  readonly slots: Slot[] = [];
  readonly sections: PlannedSection[];
  private readonly sectionCounts = new Map<number, number>();
  /** Per section: its atoms not dropped, so presence is a lookup. */
  private readonly alive: number[];
  /** The file's total and each section's share of it, kept up to date as atoms change; undefined after a change of presence. */
  private total: { tokens: number; blocks: Map<number, { first: boolean; last: boolean; tokens: number }> } | undefined;
  private readonly frame;
  /** o200k and cl100k cut after "\n" before "<": joiners end blocks; the gpt2 family cuts after ">" before "\n": joiners open them. */
  private readonly joinerAfter: boolean;
  /** Per section: whether it is "simple" (see above). */
  readonly simple: boolean[];
  private readonly contributions = new Map<Slot, Contributions>();
  private readonly slotsBySection: Slot[][];

  /** `text` gives each atom's text: packing renders every atom it keeps in full. */
  constructor(
    resolved: ResolvedProfile,
    private readonly counter: PieceCounting,
    private readonly text: AtomTextOf,
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
      sha256: null,
      tokens: 0,
    }));
    this.slotsBySection = this.sections.map(() => []);
    this.alive = this.sections.map((section) => section.atoms.length);
    for (const slot of this.slots) this.slotsBySection[slot.section]?.push(slot);
    this.frame = fileFrame(resolved.profile);
    const encoding = counter.encoding;
    this.joinerAfter = canCut(encoding, "\n", "<");
    const cuttable = (text: string) =>
      text !== "" && (this.joinerAfter ? canCut(encoding, "\n", text.charAt(0)) : canCut(encoding, text.charAt(text.length - 1), "\n"));
    this.simple = this.sections.map(
      (section) => (section.intro === undefined || cuttable(section.intro)) && section.atoms.every(({ atom }) => cuttable(text(atom)) && cuttable(atom.brief)),
    );
  }

  /** Puts an atom in `state`, keeping every count up to date; its reason is cleared (the walk records a new one). */
  set(slot: Slot, state: AtomState): void {
    const index = slot.section;
    const wasPresent = this.present(index);
    this.countAlive(index, slot.planned.state, state);
    slot.planned.state = state;
    delete slot.planned.reason;
    this.sectionCounts.delete(index);
    if (!this.total) return;
    if (wasPresent !== this.present(index)) {
      // A section came or went: its neighbours may have become first or last.
      this.total = undefined;
      return;
    }
    const block = this.total.blocks.get(index);
    if (!block) return;
    const tokens = this.blockTokens(index, block.first, block.last);
    this.total.tokens += tokens - block.tokens;
    block.tokens = tokens;
  }

  /**
   * Puts an atom in `state` without keeping counts up to date (a replayed
   * walk step whose outcome is known); call `recount` before measuring again.
   */
  assign(slot: Slot, state: AtomState): void {
    this.countAlive(slot.section, slot.planned.state, state);
    slot.planned.state = state;
  }

  /**
   * Each atom's piece counts in its four places (see `contribution`), flat,
   * -1 where never counted: what a later pack of the same profile may seed.
   */
  pieceCounts(): number[] {
    const flat: number[] = [];
    for (const slot of this.slots) flat.push(...(this.contributions.get(slot)?.counts ?? [-1, -1, -1, -1]));
    return flat;
  }

  /** Takes the piece counts of atoms whose text is unchanged from an earlier pack (`pieceCounts`), so they are not looked up again. */
  seedCounts(flat: readonly number[], unchanged: (position: number) => boolean): void {
    for (const slot of this.slots) {
      if (!unchanged(slot.position) || !this.simple[slot.section]) continue;
      const counts = flat.slice(4 * slot.position, 4 * slot.position + 4);
      if (counts.length === 4) this.contributions.set(slot, { counts });
    }
  }

  /** Forgets every section and file count, so the next measure counts from the atoms' states. */
  recount(): void {
    this.sectionCounts.clear();
    this.total = undefined;
  }

  sectionSegments(index: number): Segment[] | null {
    const section = this.section(index);
    const atoms = section.atoms.flatMap((planned) => (planned.state === "dropped" ? [] : [this.segmentOf(planned.atom, planned.state)]));
    return sectionSegments(section.tag, section.intro, atoms);
  }

  sectionTokens(index: number): number {
    let count = this.sectionCounts.get(index);
    if (count === undefined) {
      count = this.simple[index] ? this.simpleSectionTokens(index) : this.genericSectionTokens(index);
      this.sectionCounts.set(index, count);
    }
    return count;
  }

  /**
   * Exact tokens of the whole file: the sum of its blocks, which meet only
   * where the encoding always cuts. Kept up to date by `set`, so a budget walk
   * pays for the changed section only.
   */
  fileTokens(): number {
    if (this.total) return this.total.tokens;
    const present = this.presentCount();
    if (present === 0) return this.counter.segments([...this.frame.head, ...this.frame.tail]);
    const blocks = new Map<number, { first: boolean; last: boolean; tokens: number }>();
    let tokens = 0;
    let place = 0;
    this.sections.forEach((_, index) => {
      if (!this.present(index)) return;
      const first = place === 0;
      const last = place === present - 1;
      const block = { first, last, tokens: this.blockTokens(index, first, last) };
      blocks.set(index, block);
      tokens += block.tokens;
      place++;
    });
    this.total = { tokens, blocks };
    return tokens;
  }

  private blockTokens(index: number, first: boolean, last: boolean): number {
    return this.simple[index] ? this.simpleBlockTokens(index, first, last) : this.counter.segments(this.blockSegments(index, first, last));
  }

  /**
   * Each atom's tokens: what it adds to its section, the count of the piece
   * it opens (so a section's atoms and its tag lines add up to its count).
   * Sections for which `known` says true keep the tokens their atoms have.
   */
  attributeTokens(known?: (index: number) => boolean): void {
    this.sections.forEach((section, index) => {
      if (known?.(index)) return;
      for (const planned of section.atoms) planned.tokens = 0;
      const segments = this.sectionSegments(index);
      if (segments === null) return;
      const owners = new Map<Segment, PlannedAtom>();
      const kept = section.atoms.filter((planned) => planned.state !== "dropped");
      let next = 0;
      for (const segment of segments) {
        const owner = segment.key.startsWith("\u0002") ? kept[next++] : undefined;
        if (owner) owners.set(segment, owner);
      }
      for (const piece of groupPieces(this.counter.encoding, segments)) {
        const owner = piece.segments.map((segment) => owners.get(segment)).find((planned) => planned !== undefined);
        if (owner) owner.tokens += this.counter.piece(piece);
      }
    });
  }

  /**
   * Touches what a budget walk is likely to need beyond the first plan: each
   * atom's brief, in both places (a full text in its other place is needed
   * only when its neighbour is dropped, and is counted then).
   */
  touchBriefs(): void {
    this.sections.forEach((_, index) => {
      if (!this.simple[index]) return;
      for (const slot of this.slotsBySection[index] ?? []) {
        if (slot.planned.required) continue;
        this.contribution(slot, 2);
        this.contribution(slot, 3);
      }
    });
  }

  /** A section's segments in the file: the joiner after it (or before it, gpt2 family), and the head or tail at the ends. */
  private blockSegments(index: number, first: boolean, last: boolean): Segment[] {
    const segments = this.sectionSegments(index) ?? [];
    const { head, joiner, tail } = this.frame;
    if (this.joinerAfter) return [...(first ? head : []), ...segments, ...(last ? tail : [joiner])];
    return [...(first ? head : [joiner]), ...segments, ...(last ? tail : [])];
  }

  private genericSectionTokens(index: number): number {
    const segments = this.sectionSegments(index);
    return segments === null ? 0 : this.counter.segments(segments);
  }

  /**
   * Joiner-after encodings: `<T>\n` | intro `\n\n` | atom `\n\n` … | atom `\n` | `</T>`.
   * gpt2 family: `<T>` | `\n` intro | `\n\n` atom … | `\n</T>`. Every `|` is a cut the encoding always makes.
   */
  private simpleSectionTokens(index: number): number {
    const slots = (this.slotsBySection[index] ?? []).filter((slot) => slot.planned.state !== "dropped");
    if (slots.length === 0) return 0;
    let total = this.frameTokens(index);
    slots.forEach((slot, at) => {
      const edge = this.joinerAfter ? at === slots.length - 1 : at === 0 && this.sections[index]?.intro === undefined;
      total += this.contribution(slot, (slot.planned.state === "brief" ? 2 : 0) + (edge ? 1 : 0));
    });
    return total;
  }

  /** The section's block in the file: the section plus what the head, joiner or tail add at its tag lines. */
  private simpleBlockTokens(index: number, first: boolean, last: boolean): number {
    const section = this.section(index);
    const open = literal(openTag(section.tag));
    const close = literal(closeTag(section.tag));
    const { head, joiner, tail } = this.frame;
    const count = (segments: Segment[]) => this.counter.piece(toPiece(segments));
    if (this.joinerAfter) {
      return this.sectionTokens(index) - count([close]) + count([close, ...(last ? tail : [joiner])]) + (first && head.length > 0 ? count(head) : 0);
    }
    // gpt2 family: the joiner (or the head's blank line) joins the opening tag; the tail stands alone.
    const [opener, ...afterOpener] = head;
    const opening = first && opener ? count([opener]) + count([...afterOpener, open]) : count([...(first ? head : [joiner]), open]);
    return this.sectionTokens(index) - count([open]) + opening + (last ? count(tail) : 0);
  }

  /** The count of a section's fixed pieces: its tag lines and intro. */
  private frameTokens(index: number): number {
    const section = this.section(index);
    const open = literal(openTag(section.tag));
    const close = literal(closeTag(section.tag));
    const intro = section.intro === undefined ? undefined : literal(section.intro);
    const count = (segments: Segment[]) => this.counter.piece(toPiece(segments));
    if (this.joinerAfter) return count([open, NEWLINE]) + (intro ? count([intro, BLANK]) : 0) + count([close]);
    return count([open]) + (intro ? count([NEWLINE, intro]) : 0) + count([NEWLINE, close]);
  }

  /** An atom's piece count; place: +2 for its brief, +1 at the edge (last atom, or first with no intro, by family). */
  private contribution(slot: Slot, place: number): number {
    let entry = this.contributions.get(slot);
    if (!entry) {
      entry = { counts: [-1, -1, -1, -1] };
      this.contributions.set(slot, entry);
    }
    let count = entry.counts[place] ?? -1;
    if (count < 0) {
      const segment = this.segmentOf(slot.planned.atom, place >= 2 ? "brief" : "full");
      const edge = place % 2 === 1;
      const segments = this.joinerAfter ? [segment, edge ? NEWLINE : BLANK] : [edge ? NEWLINE : BLANK, segment];
      count = this.counter.piece(toPiece(segments));
      if (count > 0) entry.counts[place] = count;
    }
    return count;
  }

  /** A section is written while any of its atoms is not dropped. */
  present(index: number): boolean {
    return (this.alive[index] ?? 0) > 0;
  }

  /** Keeps a section's count of atoms not dropped as one of its atoms goes from state `from` to `to`. */
  private countAlive(index: number, from: AtomState, to: AtomState): void {
    const change = (from === "dropped" ? 1 : 0) - (to === "dropped" ? 1 : 0);
    if (change !== 0) this.alive[index] = (this.alive[index] ?? 0) + change;
  }

  private section(index: number): PlannedSection {
    const section = this.sections[index];
    if (!section) throw new Error(`the plan has no section ${index}`);
    return section;
  }

  /** An atom's text or brief as a segment keyed by a hash of that text. */
  private segmentOf(atom: Atom, state: "full" | "brief"): Segment {
    return segmentOf(atom, state, this.text);
  }

  private presentCount(): number {
    let present = 0;
    this.sections.forEach((_, index) => {
      if (this.present(index)) present++;
    });
    return present;
  }
}

function keyed(text: string): Segment {
  return { key: `\u0002${sha256(text)}`, text };
}

/** An atom's text (given by `textOf`) or brief as a segment keyed by a hash of that text; made once per atom. */
function segmentOf(atom: Atom, state: "full" | "brief", textOf: AtomTextOf): Segment {
  let entry = textKeys.get(atom);
  if (!entry) {
    const { keys } = atom;
    const text = textOf(atom);
    // Hashes the atom cache kept spare hashing every atom's text again when a profile is packed anew.
    entry = keys ? { text: { key: `\u0002${keys.text}`, text }, brief: { key: `\u0002${keys.brief}`, text: atom.brief } } : { text: keyed(text), brief: keyed(atom.brief) };
    textKeys.set(atom, entry);
  }
  return state === "full" ? entry.text : entry.brief;
}

/**
 * The pieces a first plan most likely counts for an atom: its full text with
 * the blank line joining it to the next atom (every place but its section's
 * edge) and, under budgets, its brief in both places (`touchBriefs`). These
 * are what counting ahead counts (count-ahead.ts) while atoms are parsed.
 */
export function likelyPieces(atom: Atom, encoding: Encoding, briefs: boolean, textOf: AtomTextOf): Piece[] {
  const after = canCut(encoding, "\n", "<");
  const piece = (segment: Segment, joiner: Segment) => toPiece(after ? [segment, joiner] : [joiner, segment]);
  const full = piece(segmentOf(atom, "full", textOf), BLANK);
  if (!briefs || atom.required) return [full];
  const brief = segmentOf(atom, "brief", textOf);
  return [full, piece(brief, BLANK), piece(brief, NEWLINE)];
}
