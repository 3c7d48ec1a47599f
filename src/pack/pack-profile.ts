import { InputError } from "../errors.js";
import type { AtomState, Issue, PackPlan, PlannedAtom, PlannedSection, ResolvedProfile } from "../model.js";
import { renderFile, renderSection } from "../render/render-output.js";
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
 * longer is not used (the atom stays full until the drop walk). Every count is an exact count of the
 * final text. Throws an InputError (nothing is written) when required content
 * alone exceeds a budget.
 */
export function packProfile(resolved: ResolvedProfile, count: CountTokens, shown: string): PackPlan {
  const { profile } = resolved;
  const slots: Slot[] = [];
  const sections: PlannedSection[] = resolved.sections.map((section, sectionIndex) => ({
    tag: section.tag,
    ...(section.intro === undefined ? {} : { intro: section.intro }),
    ...(section.budget === undefined ? {} : { budget: section.budget }),
    atoms: section.atoms.map((atom) => {
      const planned: PlannedAtom = { atom, state: "full", tokens: 0, required: section.required || atom.required };
      slots.push({ planned, section: sectionIndex, position: slots.length, priority: atom.priority });
      return planned;
    }),
    text: null,
    tokens: 0,
  }));

  const refresh = (section: PlannedSection): void => {
    const texts = section.atoms.filter((a) => a.state !== "dropped").map((a) => (a.state === "full" ? a.atom.text : a.atom.brief));
    section.text = renderSection(section.tag, section.intro, texts);
    section.tokens = section.text === null ? 0 : count(section.text);
  };
  const fileText = () => renderFile(profile.wrapper, sections.flatMap((s) => (s.text === null ? [] : [s.text])));
  sections.forEach(refresh);

  const candidates = slots
    .filter((slot) => !slot.planned.required)
    .sort((a, b) => a.priority - b.priority || b.position - a.position);

  /** Degrades, then drops, candidates in order until `fits` holds; reports whether it does. */
  const walk = (pool: readonly Slot[], fits: () => boolean, reason: string): boolean => {
    for (const state of ["brief", "dropped"] as const satisfies readonly AtomState[]) {
      for (const slot of pool) {
        if (fits()) return true;
        if (slot.planned.state === "dropped" || slot.planned.state === state) continue;
        const section = sections[slot.section] as PlannedSection;
        const before = section.tokens;
        slot.planned.state = state;
        slot.planned.reason = reason;
        refresh(section);
        if (state === "brief" && section.tokens > before) {
          // A brief longer than its text would grow the section (and could undo a section budget already met).
          slot.planned.state = "full";
          delete slot.planned.reason;
          refresh(section);
        }
      }
    }
    return fits();
  };

  sections.forEach((section, index) => {
    const budget = section.budget;
    if (budget === undefined) return;
    const pool = candidates.filter((slot) => slot.section === index);
    walk(pool, () => section.tokens <= budget, `section ${section.tag} over its budget of ${budget} tokens`);
  });

  let text = fileText();
  let tokens = count(text);
  if (profile.budget !== undefined) {
    const budget = profile.budget;
    walk(
      candidates,
      () => {
        text = fileText();
        tokens = count(text);
        return tokens <= budget;
      },
      `file over its budget of ${budget} tokens`,
    );
  }

  const issues = budgetIssues(resolved, sections, tokens, shown);
  if (issues.length > 0) throw new InputError(issues);

  for (const slot of slots) {
    const { planned } = slot;
    planned.tokens = planned.state === "dropped" ? 0 : count(planned.state === "full" ? planned.atom.text : planned.atom.brief);
  }
  return { profile, sections, text, tokens };
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
