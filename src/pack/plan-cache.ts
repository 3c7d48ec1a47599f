import type { CachedPlan } from "../cache/cached-plan.js";
import { sha256 } from "../hash.js";
import type { PackResume, WalkTrace } from "./pack-profile.js";
import { type Atom, type AtomState, lazyText, type PackPlan, type PackReason, type PlannedSection, type ResolvedProfile } from "../model.js";
import { renderFile } from "../render/render-output.js";
import { joinSegments, sectionSegments, type Segment } from "../render/segments.js";

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
 * and its text rendered from them. Undefined when the summary does not fit
 * the profile (another number of atoms or sections).
 */
export function restorePlan(resolved: ResolvedProfile, cached: CachedPlan): PackPlan | undefined {
  const total = resolved.sections.reduce((sum, section) => sum + section.atoms.length, 0);
  if (cached.states.length !== total || cached.sectionTokens.length !== resolved.sections.length) return undefined;
  let position = 0;
  const decided = resolved.sections.map((section) =>
    section.atoms.map((atom) => {
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
  );
  // Rendered on first use only: a warm build whose outputs are unchanged never needs the text.
  let rendered: (string | null)[] | undefined;
  const texts = () =>
    (rendered ??= resolved.sections.map((section, index) => {
      const kept: Segment[] = [];
      for (const planned of decided[index] ?? []) {
        if (planned.state !== "dropped") kept.push({ key: "", text: planned.state === "full" ? planned.atom.text : planned.atom.brief });
      }
      const segments = sectionSegments(section.tag, section.intro, kept);
      return segments === null ? null : joinSegments(segments);
    }));
  const sections: PlannedSection[] = resolved.sections.map((section, index) =>
    lazyText(
      {
        tag: section.tag,
        ...(section.intro === undefined ? {} : { intro: section.intro }),
        ...(section.budget === undefined ? {} : { budget: section.budget }),
        atoms: decided[index] ?? [],
        sha256: cached.sectionSha256[index] ?? null,
        tokens: cached.sectionTokens[index] ?? 0,
      },
      (): string | null => texts()[index] ?? null,
    ),
  );
  const plan = { profile: resolved.profile, sections, tokens: cached.tokens, sha256: cached.sha256 };
  return lazyText(plan, () => renderFile(resolved.profile, texts().filter((text): text is string => text !== null)));
}

/** JSON with object keys in code-point order: the same value gives the same text whatever order it was built in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
