import { InputError } from "../errors.js";
import { sha256 } from "../hash.js";
import type { Atom, AtomState, AtomTextOf, Encoding, Issue, PackReason, PackPlan, PlannedSection, ResolvedProfile } from "../model.js";
import { renderSections } from "../render/render-output.js";
import type { Piece } from "./compose.js";
import { Packing, type Slot } from "./packing.js";
import { PieceCounter, PieceRecorder } from "./piece-counter.js";
import type { CountTokens } from "./tokenizer.js";

/**
 * How a plan's budget walks went, step by step, so that a later pack of the
 * same profile with some atoms' text changed can replay the steps the change
 * cannot affect instead of measuring them again.
 */
export interface WalkTrace {
  /**
   * Per walk (each section with a budget, in order, then the file): the
   * steps that did something, as flat triples [iteration, outcome, saved].
   * The iteration counts the brief pass then the drop pass over the walk's
   * candidates; outcome 0 is a brief not used, 1 a brief, 2 a drop; saved is
   * what the step took off the walk's measure.
   */
  walks: number[][];
  /** Per section, "1" when it was simple (its counts a sum of per-atom pieces), else "0". */
  simple: string;
  /** Per atom in profile order, the counts of its pieces in its four places in a simple section, -1 where not counted. */
  counts: number[];
}

/** What a new pack may reuse of an earlier one of the same profile, atoms and settings, where only some atoms' bytes differ. */
export interface PackResume {
  trace: WalkTrace;
  /** Indexes of the sections holding an atom whose bytes changed. */
  changed: ReadonlySet<number>;
  /** Positions (in profile order) of the atoms whose bytes changed. */
  changedAtoms: ReadonlySet<number>;
  /** Each atom's tokens in the earlier plan, in profile order, with its state letter (f, b, d). */
  atomTokens: readonly number[];
  states: string;
}

/**
 * Fits a profile into its budgets and renders it. Candidates are
 * the atoms that are not required, lowest priority first, later position first
 * on ties. Each section over its own budget degrades its candidates to their
 * briefs, then drops them, stopping as soon as it fits; then the file does the
 * same over all remaining candidates. A brief that would make its section
 * longer is not used (the atom stays full until the drop walk). Every count is
 * exact: the tokens of the final text, composed from pieces cut only where the
 * encoding always cuts (pack/compose.ts). Throws an InputError (nothing is
 * written) when required content alone exceeds a budget.
 */
export function packProfile(resolved: ResolvedProfile, counter: CountTokens | PieceCounter, shown: string, text: AtomTextOf = ownText): PackPlan {
  return packTraced(resolved, counter, shown, undefined, text).plan;
}

/**
 * packProfile, with the trace of its walks; given `resume` (an earlier pack
 * of the same profile whose changed atoms lie in `resume.changed`), each walk
 * replays the earlier steps up to the first one the change can affect, then
 * walks on as a full pack would: the plan is the same as a full pack's.
 */
export function packTraced(resolved: ResolvedProfile, counter: CountTokens | PieceCounter, shown: string, resume?: PackResume, text: AtomTextOf = ownText): { plan: PackPlan; trace: WalkTrace } {
  const { profile } = resolved;
  const pieces = counter instanceof PieceCounter ? counter : new PieceCounter(profile.encoding, counter);
  const packing = new Packing(resolved, pieces, text);
  const { sections, slots } = packing;
  const trace: WalkTrace = { walks: [], simple: packing.simple.map((simple) => (simple ? "1" : "0")).join(""), counts: [] };
  if (resume) packing.seedCounts(resume.trace.counts, (position) => !resume.changedAtoms.has(position));
  // A section that is not simple counts its atoms' text together: any step in it may depend on a changed atom. So may
  // any step in a section whose own walk went otherwise than before (its atoms start the file walk in other states).
  const unsettled = new Set([...(resume?.changed ?? [])].filter((index) => !packing.simple[index] || resume?.trace.simple.charAt(index) !== "1"));
  // A drop can make a neighbouring section first or last; only a section that is not simple counts that with its atoms' text.
  const changedNotSimple = unsettled.size > 0;

  const candidates = slots
    .filter((slot) => !slot.planned.required)
    .sort((a, b) => a.priority - b.priority || b.position - a.position);

  /**
   * Replays the earlier walk's steps while none can be affected by the
   * change and the walk would not have stopped yet; returns the iteration to
   * walk on from. Counts are stale after it: `recount` makes them exact again.
   */
  const replay = (earlier: readonly number[], pool: readonly Slot[], limit: number, measure: () => number, budget: Pick<PackReason, "budget" | "section">, steps: number[]): number => {
    let left = measure();
    let next = 0;
    // From the first step a change can affect on, even a step the earlier walk skipped may now do something. A brief
    // in a simple section depends on its own atom alone; a drop also on its neighbours (which one ends the section).
    const briefAffected = pool.findIndex((slot) => resume?.changedAtoms.has(slot.position) || unsettled.has(slot.section));
    const dropAffected = pool.findIndex((slot) => resume?.changed.has(slot.section) || unsettled.has(slot.section));
    const replayable = briefAffected !== -1 ? briefAffected : dropAffected !== -1 ? pool.length + dropAffected : 2 * pool.length;
    for (let at = 0; at + 2 < earlier.length; at += 3) {
      // Steps are flat triples, and the loop stays within them: the defaults are never used.
      const iteration = earlier[at] ?? 0;
      const outcome = earlier[at + 1] ?? 0;
      const saved = earlier[at + 2] ?? 0;
      const slot = pool[iteration % pool.length];
      if (!slot || iteration >= replayable || left <= limit || (outcome === 2 && changedNotSimple)) break;
      if (outcome === 0) {
        delete slot.planned.reason;
      } else {
        const savedBefore = slot.planned.reason?.saved ?? 0;
        packing.assign(slot, outcome === 1 ? "brief" : "dropped");
        slot.planned.reason = { ...budget, limit, priority: slot.priority, saved: savedBefore + saved };
        left -= saved;
      }
      steps.push(iteration, outcome, saved);
      next = iteration + 1;
    }
    packing.recount();
    return next;
  };

  /**
   * Degrades, then drops, candidates in order until `measure()` is within
   * `limit`, recording on each atom why and what its steps saved.
   */
  const walk = (pool: readonly Slot[], limit: number, measure: () => number, budget: Pick<PackReason, "budget" | "section">): void => {
    const steps: number[] = [];
    const earlier = resume?.trace.walks[trace.walks.length];
    trace.walks.push(steps);
    const from = earlier ? replay(earlier, pool, limit, measure, budget, steps) : 0;
    for (let iteration = from; iteration < 2 * pool.length; iteration++) {
      const state: AtomState = iteration < pool.length ? "brief" : "dropped";
      const slot = pool[iteration % pool.length];
      if (!slot) return; // an empty pool: nothing to walk
      const before = measure();
      if (before <= limit) return;
      if (slot.planned.state === "dropped" || slot.planned.state === state) continue;
      const sectionBefore = packing.sectionTokens(slot.section);
      const savedBefore = slot.planned.reason?.saved ?? 0;
      packing.set(slot, state);
      if (state === "brief" && packing.sectionTokens(slot.section) > sectionBefore) {
        // A brief longer than its text would grow the section (and could undo a section budget already met).
        packing.set(slot, "full");
        steps.push(iteration, 0, 0);
        continue;
      }
      const saved = before - measure();
      slot.planned.reason = { ...budget, limit, priority: slot.priority, saved: savedBefore + saved };
      steps.push(iteration, state === "brief" ? 1 : 2, saved);
    }
  };

  sections.forEach((section, index) => {
    if (section.budget === undefined) return;
    const pool = candidates.filter((slot) => slot.section === index);
    const earlier = resume?.trace.walks[trace.walks.length];
    walk(pool, section.budget, () => packing.sectionTokens(index), { budget: "section", section: section.tag });
    if (earlier && !sameSteps(earlier, trace.walks[trace.walks.length - 1] ?? [])) unsettled.add(index);
  });
  if (profile.budget !== undefined) walk(candidates, profile.budget, () => packing.fileTokens(), { budget: "file" });

  const tokens = packing.fileTokens();
  const rendered = renderSections(profile, sections.map((_, index) => packing.sectionSegments(index)));
  sections.forEach((section, index) => {
    section.tokens = packing.sectionTokens(index);
    section.text = rendered.sections[index] ?? null;
    section.sha256 = section.text === null ? null : sha256(section.text);
  });
  const issues = budgetIssues(resolved, sections, tokens, shown);
  if (issues.length > 0) throw new InputError(issues);
  packing.attributeTokens(resume && reuseTokens(slots, resume));
  trace.counts = packing.pieceCounts();
  return { plan: { profile, sections, text: rendered.text, tokens, sha256: sha256(rendered.text) }, trace };
}

/** The text an atom was loaded with: enough where every atom was read (a TextSource reads the others). */
function ownText(atom: Atom): string {
  if (atom.text === undefined) throw new Error(`atom ${atom.path} is known by its hash alone: pack it with a reader of its text`);
  return atom.text;
}

function sameSteps(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/**
 * Per section: true when its atoms' tokens are those of the earlier plan
 * (copied in here): no atom of it changed, and every one is in the same state.
 */
function reuseTokens(slots: readonly Slot[], resume: PackResume): (index: number) => boolean {
  const same = new Map<number, boolean>();
  for (const slot of slots) {
    const ok = !resume.changed.has(slot.section) && resume.states.charAt(slot.position) === LETTER[slot.planned.state] && same.get(slot.section) !== false;
    same.set(slot.section, ok);
  }
  for (const slot of slots) if (same.get(slot.section)) slot.planned.tokens = resume.atomTokens[slot.position] ?? 0;
  return (index) => same.get(index) === true;
}

const LETTER: Record<AtomState, string> = { full: "f", brief: "b", dropped: "d" };

/**
 * The pieces a profile's plan is likely to count: each section and its file
 * block with every atom full and, when a budget may degrade them, each
 * atom's brief in the sections counted atom by atom ("simple" ones).
 * Counting these ahead in bulk (in parallel for large corpora) leaves the
 * walks only lookups.
 */
export function initialPieces(resolved: ResolvedProfile, encoding: Encoding, text: AtomTextOf = ownText): Piece[] {
  const recorder = new PieceRecorder(encoding);
  const packing = new Packing(resolved, recorder, text);
  packing.fileTokens();
  if (resolved.profile.budget !== undefined || resolved.sections.some((section) => section.budget !== undefined)) packing.touchBriefs();
  return recorder.pieces;
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
  } else if (sections.every((section) => section.text === null) && resolved.sections.some((section) => section.atoms.length > 0)) {
    issues.push({ file: shown, line, message: "every section would be left out under these budgets: raise a budget or mark an atom required" });
  }
  return issues;
}
