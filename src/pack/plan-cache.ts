import { sha256 } from "../hash.js";
import type { AtomState, PackPlan, PackReason, PlannedSection, ResolvedProfile } from "../model.js";
import { renderSections } from "../render/render-output.js";
import { sectionSegments } from "../render/segments.js";

/**
 * A packed plan reduced to its decisions: every atom's state and tokens and
 * every section's tokens. Packing is a pure function of the profile and the
 * atoms' bytes, so a plan made from the same inputs can be restored instead
 * of packed again (a warm build with nothing changed does no packing at all).
 */
export interface CachedPlan {
  /** One letter per atom in profile order: f full, b brief, d dropped. */
  states: string;
  atomTokens: number[];
  sectionTokens: number[];
  tokens: number;
  /** Why each degraded or dropped atom is so, by position. */
  reasons: Record<string, PackReason>;
  /** Hashes of the rendered file and sections: enough for the manifest and to see that nothing changed. */
  sha256: string;
  sectionSha256: (string | null)[];
}

const LETTER: Record<AtomState, string> = { full: "f", brief: "b", dropped: "d" };
const STATE: Record<string, AtomState> = { f: "full", b: "brief", d: "dropped" };

/** Everything packing reads, hashed: the profile's settings and each atom's file hash, in order. */
export function planKey(resolved: ResolvedProfile): string {
  const { profile } = resolved;
  const inputs = {
    encoding: profile.encoding,
    wrapper: profile.wrapper ?? null,
    // Keys of the frame that are set only: plans of profiles without them keep their keys.
    ...(profile.attributes ? { attributes: profile.attributes.map(({ name, value }) => [name, value]) } : {}),
    ...(profile.preamble === undefined ? {} : { preamble: profile.preamble }),
    ...(profile.finalNewline === false ? { finalNewline: false } : {}),
    budget: profile.budget ?? null,
    sections: resolved.sections.map((section) => ({
      tag: section.tag,
      intro: section.intro ?? null,
      budget: section.budget ?? null,
      required: section.required,
      atoms: section.atoms.map((atom) => atom.sha256),
    })),
  };
  return sha256(JSON.stringify(inputs)).slice(0, 32);
}

/** Records the hashes of a plan's text and sections on it, once, for the manifest, the cache and the comparison with disk. */
export function hashPlan(plan: PackPlan): void {
  plan.sha256 ??= sha256(plan.text);
  for (const section of plan.sections) {
    if (section.sha256 === undefined) section.sha256 = section.text === null ? null : sha256(section.text);
  }
}

export function summarizePlan(plan: PackPlan): CachedPlan {
  hashPlan(plan);
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
    sha256: plan.sha256 as string,
    sectionSha256: plan.sections.map((section) => section.sha256 ?? null),
  };
}

/**
 * Rebuilds the plan a cached summary stands for: the same states, counts and
 * hashes, and the same text, rendered only if something asks for it.
 */
export function restorePlan(resolved: ResolvedProfile, cached: CachedPlan): PackPlan | undefined {
  const total = resolved.sections.reduce((sum, section) => sum + section.atoms.length, 0);
  if (cached.states.length !== total || cached.sectionTokens.length !== resolved.sections.length) return undefined;
  let position = 0;
  let rendered: { text: string; sections: (string | null)[] } | undefined;
  const render = () => {
    rendered ??= renderSections(
      resolved.profile,
      sections.map((section) => {
        const texts = section.atoms.filter((planned) => planned.state !== "dropped").map((planned) => (planned.state === "full" ? planned.atom.text : planned.atom.brief));
        return sectionSegments(section.tag, section.intro, texts.map((text) => ({ key: "", text })));
      }),
    );
    return rendered;
  };
  const sections: PlannedSection[] = resolved.sections.map((section, index) => {
    const atoms = section.atoms.map((atom) => {
      const at = position++;
      const state = STATE[cached.states[at] as string] ?? "full";
      const reason = cached.reasons[at];
      return { atom, state, tokens: cached.atomTokens[at] ?? 0, required: section.required || atom.required, ...(reason === undefined ? {} : { reason }) };
    });
    return {
      tag: section.tag,
      ...(section.intro === undefined ? {} : { intro: section.intro }),
      ...(section.budget === undefined ? {} : { budget: section.budget }),
      atoms,
      get text() {
        return render().sections[index] ?? null;
      },
      tokens: cached.sectionTokens[index] ?? 0,
      sha256: cached.sectionSha256[index] ?? null,
    };
  });
  return {
    profile: resolved.profile,
    sections,
    get text() {
      return render().text;
    },
    tokens: cached.tokens,
    sha256: cached.sha256,
  };
}

export function isCachedPlan(value: unknown): value is CachedPlan {
  if (value === null || typeof value !== "object") return false;
  const plan = value as Record<string, unknown>;
  return (
    typeof plan.states === "string" &&
    /^[fbd]*$/.test(plan.states) &&
    Array.isArray(plan.atomTokens) &&
    Array.isArray(plan.sectionTokens) &&
    typeof plan.tokens === "number" &&
    typeof plan.sha256 === "string" &&
    Array.isArray(plan.sectionSha256) &&
    plan.reasons !== null &&
    typeof plan.reasons === "object" &&
    Object.values(plan.reasons).every(isPackReason)
  );
}

function isPackReason(value: unknown): value is PackReason {
  if (value === null || typeof value !== "object") return false;
  const reason = value as Record<string, unknown>;
  return (
    (reason.budget === "file" || (reason.budget === "section" && typeof reason.section === "string")) &&
    Number.isInteger(reason.limit) &&
    Number.isInteger(reason.priority) &&
    Number.isInteger(reason.saved)
  );
}
