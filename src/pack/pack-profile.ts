import { InputError } from "../errors.js";
import { sha256 } from "../hash.js";
import type { AtomState, Encoding, Issue, PackPlan, PackReason, PlannedSection, ResolvedProfile } from "../model.js";
import { renderSections } from "../render/render-output.js";
import type { Piece } from "./compose.js";
import { Packing, type Slot } from "./packing.js";
import { PieceCounter, PieceRecorder } from "./piece-counter.js";
import type { CountTokens } from "./tokenizer.js";

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
export function packProfile(resolved: ResolvedProfile, counter: CountTokens | PieceCounter, shown: string): PackPlan {
  const { profile } = resolved;
  const pieces = counter instanceof PieceCounter ? counter : new PieceCounter(profile.encoding, counter);
  const packing = new Packing(resolved, pieces);
  const { sections, slots } = packing;

  const candidates = slots
    .filter((slot) => !slot.planned.required)
    .sort((a, b) => a.priority - b.priority || b.position - a.position);

  /**
   * Degrades, then drops, candidates in order until `measure()` is within
   * `limit`, recording on each atom why and what its steps saved.
   */
  const walk = (pool: readonly Slot[], limit: number, measure: () => number, budget: Pick<PackReason, "budget" | "section">): void => {
    for (const state of ["brief", "dropped"] as const satisfies readonly AtomState[]) {
      for (const slot of pool) {
        const before = measure();
        if (before <= limit) return;
        if (slot.planned.state === "dropped" || slot.planned.state === state) continue;
        const sectionBefore = packing.sectionTokens(slot.section);
        const savedBefore = slot.planned.reason?.saved ?? 0;
        packing.set(slot, state);
        if (state === "brief" && packing.sectionTokens(slot.section) > sectionBefore) {
          // A brief longer than its text would grow the section (and could undo a section budget already met).
          packing.set(slot, "full");
          continue;
        }
        slot.planned.reason = { ...budget, limit, priority: slot.priority, saved: savedBefore + before - measure() };
      }
    }
  };

  sections.forEach((section, index) => {
    if (section.budget === undefined) return;
    const pool = candidates.filter((slot) => slot.section === index);
    walk(pool, section.budget, () => packing.sectionTokens(index), { budget: "section", section: section.tag });
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
  packing.attributeTokens();
  return { profile, sections, text: rendered.text, tokens, sha256: sha256(rendered.text) };
}

/**
 * The pieces a profile's plan is likely to count: each section and its file
 * block with every atom full and, when a budget may degrade them, each
 * atom's brief in the sections counted atom by atom ("simple" ones).
 * Counting these ahead in bulk (in parallel for large corpora) leaves the
 * walks only lookups.
 */
export function initialPieces(resolved: ResolvedProfile, encoding: Encoding): Piece[] {
  const recorder = new PieceRecorder(encoding);
  const packing = new Packing(resolved, recorder);
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
