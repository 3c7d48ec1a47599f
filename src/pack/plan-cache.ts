import type { CachedPlan } from "../cache/cached-plan.js";
import { sha256 } from "../hash.js";
import type { PackResume, WalkTrace } from "./pack-profile.js";
import type { Atom, AtomState, AtomTextOf, PackPlan, PackReason, PlannedSection, ResolvedProfile, RestoredPlan, RestoredSection } from "../model.js";
import { renderFile, renderSection } from "../render/render-output.js";

/**
 * Packing is a pure function of the profile and the atoms' bytes, so a plan
 * made from the same inputs can be restored from the cache instead of packed
 * again: a warm build with nothing changed does no packing and no counting.
 */

const LETTER: Record<AtomState, string> = { full: "f", brief: "b", dropped: "d" };
const STATE: Readonly<Record<string, AtomState>> = { f: "full", b: "brief", d: "dropped" };

/**
 * A hash of everything packing reads: the whole profile but what only names
 * or locates it (its file, name, output, description, line numbers) and the
 * atom references as written, which the resolved sections stand for: each
 * atom by the hash of its file's bytes, in order. A setting added to profiles
 * later is part of the key without anyone having to remember it.
 */
export function planKey(resolved: ResolvedProfile): string {
  const { file: _file, name: _name, output: _output, description: _description, lines: _lines, sections: _sections, include: _include, ...settings } = resolved.profile;
  // The atoms' hashes go in as one string per section (fixed-length hex, so joining is unambiguous): no JSON walk per atom.
  const sections = resolved.sections.map(({ line: _line, atoms, ...section }) => ({ ...section, atoms: atoms.map((atom) => atom.sha256).join("") }));
  return sha256(stableJson({ settings, sections })).slice(0, 32);
}

/**
 * A hash of what the budget walks depend on apart from the atoms' text and
 * briefs: the settings, the sections, and each atom's place, priority and
 * whether it is required. Two plans of one shape differ only by atoms whose
 * bytes changed, so one can be resumed from the other.
 */
export function planShape(resolved: ResolvedProfile): string {
  const { file: _file, name: _name, output: _output, description: _description, lines: _lines, sections: _sections, include: _include, ...settings } = resolved.profile;
  const sections = resolved.sections.map(({ line: _line, atoms, ...section }) => ({ ...section, atoms: atoms.map((atom) => `${atom.priority}${atom.required ? "r" : "o"}`).join(" ") }));
  return sha256(stableJson({ settings, sections })).slice(0, 32);
}

const shortHash = (atom: Atom): string => atom.sha256.slice(0, 16);

/**
 * What `packTraced` may reuse of an earlier plan of the same shape: its walk
 * trace, its atoms' tokens and states, and the sections holding an atom
 * whose bytes differ now. Undefined when `cached` is not of this shape.
 */
export function resumeFrom(resolved: ResolvedProfile, cached: CachedPlan, shape: string): PackResume | undefined {
  if (cached.shape !== shape) return undefined;
  const changed = new Set<number>();
  const changedAtoms = new Set<number>();
  let position = 0;
  resolved.sections.forEach((section, index) => {
    for (const atom of section.atoms) {
      if (cached.atoms[position] !== shortHash(atom)) {
        changed.add(index);
        changedAtoms.add(position);
      }
      position++;
    }
  });
  if (position !== cached.atoms.length) return undefined;
  return { trace: cached.trace, changed, changedAtoms, atomTokens: cached.atomTokens, states: cached.states };
}

/** The plan's decisions, counts and hashes, as the cache keeps them. */
export function summarizePlan(plan: PackPlan, shape: string, trace: WalkTrace): CachedPlan {
  const atoms = plan.sections.flatMap((section) => section.atoms);
  const reasons: Record<string, PackReason> = {};
  atoms.forEach((planned, index) => {
    if (planned.reason !== undefined) reasons[index] = planned.reason;
  });
  return {
    states: atoms.map((planned) => LETTER[planned.state]).join(""),
    atomTokens: atoms.map((planned) => planned.tokens),
    sectionTokens: plan.sections.map((section) => section.tokens),
    tokens: plan.tokens,
    reasons,
    sha256: plan.sha256,
    sectionSha256: plan.sections.map((section) => section.sha256),
    shape,
    atoms: atoms.map((planned) => shortHash(planned.atom)),
    trace,
  };
}

/**
 * The plan a cached summary stands for: the same states, counts and hashes,
 * without its text (renderRestored makes it, for whoever needs it). Undefined
 * when the summary does not fit the profile (another number of atoms or
 * sections).
 */
export function restorePlan(resolved: ResolvedProfile, cached: CachedPlan): RestoredPlan | undefined {
  const total = resolved.sections.reduce((sum, section) => sum + section.atoms.length, 0);
  if (cached.states.length !== total || cached.sectionTokens.length !== resolved.sections.length) return undefined;
  let position = 0;
  const sections: RestoredSection[] = resolved.sections.map((section, index) => ({
    tag: section.tag,
    ...(section.intro === undefined ? {} : { intro: section.intro }),
    ...(section.budget === undefined ? {} : { budget: section.budget }),
    atoms: section.atoms.map((atom) => {
      const at = position++;
      const reason = cached.reasons[at];
      return {
        atom,
        state: STATE[cached.states.charAt(at)] ?? "full",
        tokens: cached.atomTokens[at] ?? 0,
        required: section.required || atom.required,
        ...(reason === undefined ? {} : { reason }),
      };
    }),
    sha256: cached.sectionSha256[index] ?? null,
    tokens: cached.sectionTokens[index] ?? 0,
  }));
  return { profile: resolved.profile, sections, tokens: cached.tokens, sha256: cached.sha256 };
}

/** A restored plan with its text: each section rendered from its atoms' states, then the file from its sections. */
export function renderRestored(plan: RestoredPlan, text: AtomTextOf): PackPlan {
  const sections = plan.sections.map((section): PlannedSection => {
    const kept = section.atoms.flatMap((planned) => (planned.state === "dropped" ? [] : [planned.state === "full" ? text(planned.atom) : planned.atom.brief]));
    return { ...section, text: renderSection(section.tag, section.intro, kept) };
  });
  const file = renderFile(plan.profile, sections.flatMap((section) => (section.text === null ? [] : [section.text])));
  return { ...plan, sections, text: file };
}

/** JSON with object keys in code-point order: the same value gives the same text whatever order it was built in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
