import { existsSync, readFileSync } from "node:fs";
import { InputError } from "./errors.js";
import { resolveLayout, type LayoutOptions } from "./load/layout.js";
import { manifestPath } from "./load/load-manifest.js";
import { loadProject } from "./load/load-project.js";
import { type BuildPlan, changedFiles, planBuild } from "./plan-build.js";
import { checkOutputs } from "./sync/check-outputs.js";
import { planAdoption, type AdoptionPlan } from "./sync/plan-adoption.js";
import { manifestJson, nextManifest } from "./write/manifest-json.js";
import { createFileExclusive, writeFileAtomic } from "./write/write-atomic.js";

export interface AdoptOptions extends LayoutOptions {
  /** Profile names or paths; every profile when empty. */
  profile?: readonly string[];
  /** Drift sections to adopt as well (`--section TAG`). */
  section?: readonly string[];
  /** Plan and report only; write nothing. */
  dryRun?: boolean;
}

export interface AdoptResult extends AdoptionPlan {
  written: boolean;
  /**
   * Outputs that matched their atoms before adoption but had no record in the
   * manifest: adopt records them, so the next build sees them as stale (rebuilt)
   * rather than drift (refused).
   */
  recorded: string[];
}

/**
 * Brings hand-written text in generated files back into atoms and profiles:
 * runs the sync check, plans the adoption, then creates new atom
 * files (never replacing one) and rewrites changed atoms and profiles
 * atomically. What cannot be carried over is listed in `skipped`.
 */
export function adopt(options: AdoptOptions = {}): AdoptResult {
  const project = loadProject(resolveLayout(options), options);
  const build = planBuild(project);
  const plan = planAdoption({
    project,
    build,
    checks: checkOutputs(project, build),
    sections: new Set(options.section ?? []),
    read: (file) => readFileSync(file, "utf8"),
    exists: existsSync,
  });
  // Adopted atoms reach every profile that renders them, chosen or not: judge all outputs.
  const clean = everyOutput(options, build).files.filter((file) => file.plan !== undefined && file.current?.sha256 === file.sha256);
  const unrecorded = plan.writes.length === 0 ? [] : clean.filter((file) => project.manifest?.outputs[file.plan?.profile.output ?? ""]?.sha256 !== file.sha256);
  const recorded = unrecorded.map((file) => file.shown);
  if (options.dryRun || plan.writes.length === 0) return { ...plan, written: false, recorded };
  for (const write of plan.writes) if (write.before === null) createFileExclusive(write.file, write.after);
  for (const write of plan.writes) if (write.before !== null) writeFileAtomic(write.file, write.after);
  if (unrecorded.length > 0) {
    const plans = unrecorded.flatMap((file) => (file.plan ? [file.plan] : []));
    writeFileAtomic(manifestPath(project.layout), manifestJson(nextManifest(project.manifest, plans, false)));
  }
  const cleanBefore = new Set(clean.map((file) => file.shown));
  return { ...plan, alsoChanges: outputsThatWillChange(options, plan, cleanBefore), written: true, recorded };
}

/** The build plan of every profile: the one at hand when no --profile was given. */
function everyOutput(options: AdoptOptions, build: BuildPlan): BuildPlan {
  if (!options.profile || options.profile.length === 0) return build;
  try {
    return planBuild(loadProject(resolveLayout(options), { ...options, profile: [] }));
  } catch (error) {
    if (error instanceof InputError) return build; // another profile is broken: judge the chosen ones
    throw error;
  }
}

/**
 * Outputs that matched their atoms before and that the next build now changes,
 * other than the adopted ones: measured by planning that build over every
 * profile. Should the new atoms not load, the plan's estimate stands.
 */
function outputsThatWillChange(options: AdoptOptions, plan: AdoptionPlan, cleanBefore: ReadonlySet<string>): string[] {
  const adoptedFrom = new Set(plan.adoptedFrom);
  try {
    const project = loadProject(resolveLayout(options), { ...options, profile: [] });
    return changedFiles(planBuild(project).files)
      .filter((file) => file.plan !== undefined && cleanBefore.has(file.shown) && !adoptedFrom.has(file.shown))
      .map((file) => file.shown);
  } catch (error) {
    if (error instanceof InputError) return plan.alsoChanges;
    throw error;
  }
}
