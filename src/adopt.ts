import { existsSync, readFileSync } from "node:fs";
import { type Caches, openCaches } from "./cache/open-caches.js";
import { InputError } from "./errors.js";
import { sha256 } from "./hash.js";
import { displayPath, resolveLayout, type LayoutOptions } from "./load/layout.js";
import { manifestPath } from "./load/load-manifest.js";
import { loadProject } from "./load/load-project.js";
import type { AdoptionPlan, AdoptionWrite, ComparedCheck, FileWrite, Layout, OutputPlan, PackPlan, Project, WriteFault } from "./model.js";
import { outputsToCheck, plannedOutputs } from "./outputs-to-check.js";
import { type BuildPlan, changedFiles, planBuild } from "./plan-build.js";
import { checkOutputs } from "./sync/check-outputs.js";
import { planAdoption } from "./sync/plan-adoption.js";
import { commitWrites } from "./write/commit-writes.js";
import { withProjectLock } from "./write/project-lock.js";
import { manifestJson, nextManifest } from "./write/manifest-json.js";

export interface AdoptOptions extends LayoutOptions {
  /** Profile names or paths; every profile when empty. */
  profile?: readonly string[];
  /** Drift sections to adopt as well (`--section TAG`). */
  section?: readonly string[];
  /** Plan and report only; write nothing. */
  dryRun?: boolean;
  /** Called after each file adopt writes is in place, with its absolute path. */
  afterWrite?: (file: string) => void;
  /** Called before each temp file and rename (tests fail a write here). */
  fault?: WriteFault;
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
 * runs the sync check, plans the adoption from the check's own parse, then
 * writes all of it or nothing, holding the project's lock. When any finding
 * cannot be carried (`skipped`), nothing is written; otherwise new atom files
 * are created (never replacing one) and changed atoms, profiles and the
 * manifest rewritten through one commit (write/commit-writes.ts: every path
 * checked first, each file replaced only while it holds what was judged, and
 * a kill part-way finished by the next run).
 */
export function adopt(options: AdoptOptions = {}): AdoptResult {
  const layout = resolveLayout(options);
  if (options.dryRun) return adoptIn(layout, options);
  return withProjectLock(layout, options.warn ?? (() => {}), () => adoptIn(layout, options));
}

function adoptIn(layout: Layout, options: AdoptOptions): AdoptResult {
  const caches = openCaches(layout, options.warn ?? (() => {}));
  const project = loadProject(layout, options, caches);
  const build = planBuild(project, caches, options.warn ? { warn: options.warn } : {});
  const plan = planAdoption({
    checks: checkOutputs(outputsToCheck(project, plannedOutputs(build), build.texts)),
    atoms: project.atoms,
    atomsDir: layout.atomsDir,
    text: build.texts.atom,
    sections: new Set(options.section ?? []),
    read: (file) => readFileSync(file, "utf8"),
    exists: existsSync,
    show: (file) => displayPath(layout, file),
  });
  // Adopted atoms reach every profile that renders them, chosen or not: judge all outputs.
  const clean = plannedOutputs(everyOutput(options, build, caches)).filter((file) => file.current?.sha256 === file.sha256);
  const unrecorded = plan.writes.length === 0 ? [] : clean.filter((file) => project.manifest?.outputs[file.plan?.profile.output ?? ""]?.sha256 !== file.sha256);
  const records = unrecorded.flatMap((file) => (file.plan ? [file.plan] : []));
  const commit = [...plan.writes, ...manifestRecord(project, records, plan.carried)];
  const result = { ...plan, recorded: [...unrecorded.map((file) => file.shown), ...plan.carried.map((checked) => checked.output.file)], commit };
  if (options.dryRun || plan.skipped.length > 0 || commit.length === 0) return { ...result, written: false };
  commitWrites(commit.map(guarded), [], { layout, warn: options.warn ?? (() => {}), allOrNothing: true, ...(options.afterWrite ? { afterWrite: options.afterWrite } : {}), ...(options.fault ? { fault: options.fault } : {}) });
  const cleanBefore = new Set(clean.map((file) => file.shown));
  return { ...result, alsoChanges: outputsThatWillChange(options, plan, cleanBefore, caches), written: true };
}

/**
 * The manifest with records for outputs that matched their atoms but had
 * none, and with the bytes of each carried output as its last build's (so
 * the next build treats it as stale).
 */
function manifestRecord(project: Project, plans: readonly OutputPlan[], carried: readonly ComparedCheck[]): AdoptionWrite[] {
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

function planOf(checked: ComparedCheck): PackPlan {
  const { output } = checked;
  return { profile: output.profile, sections: [...output.sections], ...(output.parts ? { parts: [...output.parts] } : {}), text: output.expected, sha256: sha256(output.expected), tokens: output.previous?.tokens ?? 0 };
}

/**
 * A file adoption writes, as a write that replaces only what adoption judged:
 * the text it read, or nothing for a file it creates.
 */
function guarded(write: AdoptionWrite): FileWrite {
  return { file: write.file, data: write.after, guard: write.before === null ? "new" : { sha256: sha256(write.before) } };
}


/** The build plan of every profile: the one at hand when no --profile was given. */
function everyOutput(options: AdoptOptions, build: BuildPlan, caches: Caches): BuildPlan {
  if (!options.profile || options.profile.length === 0) return build;
  try {
    return planBuild(loadProject(resolveLayout(options), { ...options, profile: [] }, caches), caches);
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
function outputsThatWillChange(options: AdoptOptions, plan: AdoptionPlan, cleanBefore: ReadonlySet<string>, caches: Caches): string[] {
  const adoptedFrom = new Set(plan.adoptedFrom);
  try {
    const project = loadProject(resolveLayout(options), { ...options, profile: [] }, caches);
    return changedFiles(plannedOutputs(planBuild(project, caches)))
      .filter((file) => cleanBefore.has(file.shown) && !adoptedFrom.has(file.shown))
      .map((file) => file.shown);
  } catch (error) {
    if (error instanceof InputError) return plan.alsoChanges;
    throw error;
  }
}
