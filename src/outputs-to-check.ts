import { readCurrentText } from "./load/read-current.js";
import type { JudgedOutput, OutputToCheck, Project, TextSource } from "./model.js";
import type { BuildPlan, PlannedFile, PlannedOutput } from "./plan-build.js";

/** Another file to check in place of a profile's output (`sync-check --file`). */
export interface CheckOverride {
  shown: string;
  text: string;
}

export interface CheckOptions {
  /** Check this file in place of the one profile's output. */
  override?: CheckOverride;
  /** Compare every output, even one known by its hash to be what a build writes (tests of the check itself). */
  compareAll?: boolean;
}

/**
 * What the sync check needs of each planned output, read from disk (or from
 * `override`). A file whose bytes hash to what a build writes is `same`: it
 * is not read, nor its plan rendered. Every other output's expected text
 * comes from `texts`, rendered now if its plan was restored without it.
 */
export function outputsToCheck(project: Project, files: readonly PlannedFile[], texts: TextSource, options: CheckOptions & { compareAll: true }): OutputToCheck[];
export function outputsToCheck(project: Project, files: readonly PlannedFile[], texts: TextSource, options?: CheckOptions): JudgedOutput[];
export function outputsToCheck(project: Project, files: readonly PlannedFile[], texts: TextSource, options: CheckOptions = {}): JudgedOutput[] {
  const atomTags = new Set(project.atoms.map((atom) => atom.tag));
  const { override } = options;
  return files.flatMap((planned): JudgedOutput[] => {
    if (!planned.plan) return [];
    const facts = {
      file: override?.shown ?? planned.shown,
      profile: planned.plan.profile,
      previous: project.manifest?.outputs[planned.plan.profile.output],
      atomTags,
      ...(planned.plan.parts ? { parts: planned.plan.parts } : {}),
    };
    if (!override && !options.compareAll && planned.current?.sha256 === planned.sha256) return [{ ...facts, sections: planned.plan.sections, same: true }];
    const plan = texts.plan(planned.plan);
    const actual = override ? override.text : planned.current === null ? null : readCurrentText(planned.file, planned.shown);
    return [{ ...facts, sections: plan.sections, expected: plan.text, actual }];
  });
}

/** Every planned output of a build plan. */
export function plannedOutputs(plan: BuildPlan): PlannedOutput[] {
  return plan.files.filter((file): file is PlannedOutput => file.plan !== undefined);
}
