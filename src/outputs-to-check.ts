import { readCurrentText } from "./load/read-current.js";
import type { OutputToCheck, Project } from "./model.js";
import type { BuildPlan, PlannedFile } from "./plan-build.js";

/** Another file to check in place of a profile's output (`sync-check --file`). */
export interface CheckOverride {
  shown: string;
  text: string;
}

/**
 * What the sync check needs of each planned output, read from disk (or from
 * `override`). A file whose bytes hash to what a build writes is not read,
 * nor is its expected text made unless asked for: it is `same`.
 */
export function outputsToCheck(project: Project, files: readonly PlannedFile[], override?: CheckOverride): OutputToCheck[] {
  const atomTags = new Set(project.atoms.map((atom) => atom.tag));
  return files.flatMap((planned) => {
    const plan = planned.plan;
    if (!plan) return [];
    const checked = {
      file: override?.shown ?? planned.shown,
      profile: plan.profile,
      previous: project.manifest?.outputs[plan.profile.output],
      atomTags,
      sections: plan.sections,
      ...(plan.parts ? { parts: plan.parts } : {}),
    };
    if (!override && planned.current !== null && planned.current.sha256 === planned.sha256) {
      // Known by its hash to be what a build writes: its text is rendered only if someone reads it.
      const same: OutputToCheck = {
        ...checked,
        get expected() {
          return planned.text;
        },
        get actual() {
          return planned.text;
        },
      };
      // Not enumerable: a copy with another `actual` ({ ...output, actual }) is checked in full.
      return [Object.defineProperty(same, "same", { value: true, enumerable: false })];
    }
    const expected = planned.text;
    const actual = override ? override.text : planned.current === null ? null : readCurrentText(planned.file, planned.shown);
    return [{ ...checked, expected, actual }];
  });
}

/** Every planned output of a build plan. */
export function plannedOutputs(plan: BuildPlan): PlannedFile[] {
  return plan.files.filter((file) => file.plan !== undefined);
}
