import { sha256 } from "../hash.js";
import type { Project } from "../load/load-project.js";
import type { FileCheck, FindingKind } from "../model.js";
import type { BuildPlan, PlannedFile } from "../plan-build.js";
import { classifyOutput, classifyWholeFile } from "./classify-output.js";

/**
 * Checks each planned output against what is on disk (or against `override`,
 * another file's text, for `sync-check --file`). An output that does not
 * exist is one `missing` finding without a tag.
 */
export function checkOutputs(project: Project, plan: BuildPlan, override?: { shown: string; text: string }): FileCheck[] {
  const knownTags = new Set(project.atoms.map((atom) => atom.tag));
  const outputs = plan.files.filter((file): file is PlannedFile & Required<Pick<PlannedFile, "plan">> => file.plan !== undefined);
  return outputs.map((output) => {
    const profile = output.plan.profile;
    const shown = override?.shown ?? output.shown;
    const unchanged = override ? sha256(override.text) === output.sha256 : output.current?.sha256 === output.sha256;
    // A file with exactly the bytes a build writes has no finding: nothing to parse.
    if (unchanged) return { file: shown, profile: profile.name, findings: [] };
    const actual = override ? override.text : (output.current?.read() ?? null);
    const previous = project.manifest?.outputs[profile.output];
    const tags = new Set([...knownTags, ...output.plan.sections.map((section) => section.tag)]);
    const findings =
      actual === null
        ? [{ kind: "missing" as const, file: shown, line: 1, message: "the output does not exist: run llmsgen build to write it" }]
        : profile.index
          ? classifyWholeFile({ file: shown, actual, expected: output.text, previous })
          : classifyOutput({ file: shown, actual, expected: output.text, wrapper: profile.wrapper, previous, knownTags: tags });
    return { file: shown, profile: profile.name, findings };
  });
}

/** Findings a rebuild may overwrite: the file only lags behind its atoms. */
const REBUILDABLE: ReadonlySet<FindingKind> = new Set(["stale", "missing"]);

/** The checks that hold hand-written text a build would destroy, with only those findings. */
export function handWritten(checks: readonly FileCheck[]): FileCheck[] {
  return checks
    .map((check) => ({ ...check, findings: check.findings.filter((finding) => !REBUILDABLE.has(finding.kind)) }))
    .filter((check) => check.findings.length > 0);
}
