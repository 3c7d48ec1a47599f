import type { AtomState, ManifestOutput, OutputPlan, PackReason, PlannedPart } from "../model.js";

export interface AtomReport {
  id: string;
  path: string;
  tokens: number;
  state: AtomState;
  /** Why it is a brief or dropped: the budget that forced it, its priority, the tokens saved. Absent when full. */
  reason?: PackReason;
}

export interface SectionReport {
  tag: string;
  tokens: number;
  budget: number | null;
  /** Change in tokens since the manifest; null when it has no entry for this section. */
  delta: number | null;
  atoms: AtomReport[];
}

/** A part of a composed output: another profile's output (`profile`, `output`) or a hand-maintained `file`, with its exact tokens alone. */
export type PartReport = { profile: string; output: string; tokens: number } | { file: string; tokens: number };

/** One profile of the build report; the shape `--json` prints. */
export interface ProfileReport {
  profile: string;
  output: string;
  encoding: string;
  tokens: number;
  budget: number | null;
  sections: SectionReport[];
  /** A composed output's parts, in order. */
  parts?: PartReport[];
}

/** Reads the plan, and the last build's manifest entry for its output, into the report. */
export function reportPlan(plan: OutputPlan, output: string, previous: ManifestOutput | undefined, showOutput: (relative: string) => string = (relative) => relative): ProfileReport {
  return {
    profile: plan.profile.name,
    output,
    encoding: plan.profile.encoding,
    tokens: plan.tokens,
    budget: plan.profile.budget ?? null,
    sections: plan.sections.map((section) => {
      const before = previous?.sections.find((entry) => entry.tag === section.tag);
      return {
        tag: section.tag,
        tokens: section.tokens,
        budget: section.budget ?? null,
        delta: before === undefined ? null : section.tokens - before.tokens,
        atoms: section.atoms.map(({ atom, tokens, state, reason }) => ({ id: atom.id, path: atom.path, tokens, state, ...(reason ? { reason } : {}) })),
      };
    }),
    ...(plan.parts ? { parts: plan.parts.map((part) => partReport(part, showOutput)) } : {}),
  };
}

function partReport(part: PlannedPart, showOutput: (relative: string) => string): PartReport {
  return part.kind === "file" ? { file: part.file, tokens: part.tokens } : { profile: part.plan.profile.name, output: showOutput(part.plan.profile.output), tokens: part.tokens };
}
