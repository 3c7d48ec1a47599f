import { existsSync, readFileSync } from "node:fs";
import { InputError } from "./errors.js";
import { sha256 } from "./hash.js";
import { resolveLayout, type LayoutOptions } from "./load/layout.js";
import { loadProject } from "./load/load-project.js";
import type { FileWrite, Layout } from "./model.js";
import { type BuildPlan, changedFiles, planBuild } from "./plan-build.js";
import { checkOutputs } from "./sync/check-outputs.js";
import { planAdoption, type AdoptionPlan } from "./sync/plan-adoption.js";
import { commitWrites } from "./write/commit-writes.js";
import { manifestJson, nextManifest } from "./write/manifest-json.js";
import { withProjectLock } from "./write/project-lock.js";

export interface AdoptOptions extends LayoutOptions {
  /** Profile names or paths; every profile when empty. */
  profile?: readonly string[];
  /** Drift sections to adopt as well (`--section TAG`). */
  section?: readonly string[];
  /** Plan and report only; write nothing. */
  dryRun?: boolean;
  /** Called after each file adopt writes is in place, with its absolute path. */
  afterWrite?: (file: string) => void;
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
 * Brings hand-written text in generated files back into atoms and profiles
 * (SPEC §9): runs the sync check, plans the adoption, then creates new atom
 * files (never replacing one) and rewrites changed atoms and profiles
 * atomically, holding the project's lock (write/commit-writes.ts: every path
 * checked first, each file replaced only while it holds what was judged).
 * What cannot be carried over is listed in `skipped`.
 */
export function adopt(options: AdoptOptions = {}): AdoptResult {
  const layout = resolveLayout(options);
  if (options.dryRun) return adoptIn(layout, options);
  return withProjectLock(layout, options.warn ?? (() => {}), () => adoptIn(layout, options));
}

function adoptIn(layout: Layout, options: AdoptOptions): AdoptResult {
  const project = loadProject(layout, options.profile, options.cwd, options.warn);
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
  const manifest = build.files.find((file) => file.plan === undefined);
  const plans = unrecorded.flatMap((file) => (file.plan ? [file.plan] : []));
  const record = plans.length === 0 || !manifest ? [] : [{ file: manifest.file, before: manifest.current, after: manifestJson(nextManifest(project.manifest, plans, false)) }];
  const warn = options.warn ?? (() => {});
  commitWrites([...record, ...plan.writes].map(guarded), [], { layout, warn, allOrNothing: true, ...(options.afterWrite ? { afterWrite: options.afterWrite } : {}) });
  const cleanBefore = new Set(clean.map((file) => file.shown));
  return { ...plan, alsoChanges: outputsThatWillChange(options, plan, cleanBefore), written: true, recorded };
}

/**
 * A file adoption writes, as a write that replaces only what adoption judged:
 * the text it read (or, for the manifest, the bytes' hash), or nothing for a
 * file it creates.
 */
function guarded(write: { file: string; before: string | { sha256: string } | null; after: string }): FileWrite {
  const { before } = write;
  const guard = before === null ? "new" : typeof before === "string" ? { sha256: sha256(before) } : { sha256: before.sha256 };
  return { file: write.file, data: write.after, guard };
}

/** The build plan of every profile: the one at hand when no --profile was given. */
function everyOutput(options: AdoptOptions, build: BuildPlan): BuildPlan {
  if (!options.profile || options.profile.length === 0) return build;
  try {
    return planBuild(loadProject(resolveLayout(options), [], options.cwd, options.warn));
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
    const project = loadProject(resolveLayout(options), [], options.cwd, options.warn);
    return changedFiles(planBuild(project).files)
      .filter((file) => file.plan !== undefined && cleanBefore.has(file.shown) && !adoptedFrom.has(file.shown))
      .map((file) => file.shown);
  } catch (error) {
    if (error instanceof InputError) return plan.alsoChanges;
    throw error;
  }
}
