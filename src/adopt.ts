import { existsSync, readFileSync } from "node:fs";
import { InputError, LlmsgenError } from "./errors.js";
import { sha256 } from "./hash.js";
import { displayPath, resolveLayout, type LayoutOptions } from "./load/layout.js";
import { manifestPath } from "./load/load-manifest.js";
import { loadProject, type Project } from "./load/load-project.js";
import type { CheckedOutput, PackPlan } from "./model.js";
import { outputsToCheck, plannedOutputs } from "./outputs-to-check.js";
import { type BuildPlan, changedFiles, planBuild } from "./plan-build.js";
import { checkOutputs } from "./sync/check-outputs.js";
import { planAdoption, type AdoptionPlan, type AdoptionWrite } from "./sync/plan-adoption.js";
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
  /** True when every write was made; false on --dry-run, and whenever any finding is skipped (then nothing at all is written). */
  written: boolean;
  /**
   * Outputs that matched their atoms before adoption but had no record in the
   * manifest: adopt records them, so the next build sees them as stale (rebuilt)
   * rather than drift (refused).
   */
  recorded: string[];
  /** Every file the adoption writes, the manifest record included: what is (or would be) committed, bytes before and after. */
  commit: AdoptionWrite[];
}

/**
 * Brings hand-written text in generated files back into atoms and profiles:
 * runs the sync check, plans the adoption from the check's own
 * parse, then writes all of it or nothing. When any finding cannot be
 * carried (`skipped`), nothing is written; otherwise new atom files are
 * created (never replacing one) and changed atoms and profiles rewritten
 * atomically, each verified unchanged since it was read.
 */
export function adopt(options: AdoptOptions = {}): AdoptResult {
  const project = loadProject(resolveLayout(options), options);
  const build = planBuild(project);
  const { layout } = project;
  const plan = planAdoption({
    checks: checkOutputs(outputsToCheck(project, plannedOutputs(build))),
    atoms: project.atoms,
    atomsDir: layout.atomsDir,
    sections: new Set(options.section ?? []),
    read: (file) => readFileSync(file, "utf8"),
    exists: existsSync,
    show: (file) => displayPath(layout, file),
  });
  // Adopted atoms reach every profile that renders them, chosen or not: judge all outputs.
  const clean = plannedOutputs(everyOutput(options, build)).filter((file) => file.current?.sha256 === file.sha256);
  const unrecorded = plan.writes.length === 0 ? [] : clean.filter((file) => project.manifest?.outputs[file.plan?.profile.output ?? ""]?.sha256 !== file.sha256);
  const records = unrecorded.flatMap((file) => (file.plan ? [file.plan] : []));
  const commit = [...plan.writes, ...manifestRecord(project, records, plan.carried)];
  const result = { ...plan, recorded: [...unrecorded.map((file) => file.shown), ...plan.carried.map((checked) => checked.output.file)], commit };
  if (options.dryRun || plan.skipped.length > 0 || commit.length === 0) return { ...result, written: false };
  commitWrites(commit);
  const cleanBefore = new Set(clean.map((file) => file.shown));
  return { ...result, alsoChanges: outputsThatWillChange(options, plan, cleanBefore), written: true };
}

/**
 * The manifest with records for outputs that matched their atoms but had
 * none, and with the bytes of each carried output as its last build's (so
 * the next build treats it as stale).
 */
function manifestRecord(project: Project, plans: readonly PackPlan[], carried: readonly CheckedOutput[]): AdoptionWrite[] {
  if (plans.length === 0 && carried.length === 0) return [];
  const file = manifestPath(project.layout);
  const before = existsSync(file) ? readFileSync(file, "utf8") : null;
  const carriedPlans = carried.map((checked) => ({ output: checked.output.profile.output, sha256: sha256(checked.output.actual ?? ""), plan: planOf(checked) }));
  const manifest = nextManifest(project.manifest, [...plans, ...carriedPlans.filter((entry) => !project.manifest?.outputs[entry.output]).map((entry) => entry.plan)], false);
  for (const entry of carriedPlans) {
    const record = manifest.outputs[entry.output];
    if (record) manifest.outputs[entry.output] = { ...record, sha256: entry.sha256 };
  }
  return [{ file, shown: displayPath(project.layout, file), before, after: manifestJson(manifest), note: "records outputs that matched their atoms, or whose hand edits are all carried" }];
}

function planOf(checked: CheckedOutput): PackPlan {
  const { output } = checked;
  return { profile: output.profile, sections: [...output.sections], ...(output.parts ? { parts: [...output.parts] } : {}), text: output.expected, tokens: output.previous?.tokens ?? 0 };
}

/**
 * Writes every file of the plan. First checks that none changed since it was
 * read (nothing is written if one did); new files are created exclusively.
 */
function commitWrites(writes: readonly AdoptionWrite[]): void {
  for (const write of writes) {
    const now = existsSync(write.file) ? readFileSync(write.file, "utf8") : null;
    if (now !== write.before) throw new LlmsgenError(`${write.shown} changed while adopt ran: nothing written; run llmsgen sync --adopt again`);
  }
  for (const write of writes) if (write.before === null) createFileExclusive(write.file, write.after);
  for (const write of writes) if (write.before !== null) writeFileAtomic(write.file, write.after);
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
    return changedFiles(plannedOutputs(planBuild(project)))
      .filter((file) => cleanBefore.has(file.shown) && !adoptedFrom.has(file.shown))
      .map((file) => file.shown);
  } catch (error) {
    if (error instanceof InputError) return plan.alsoChanges;
    throw error;
  }
}
