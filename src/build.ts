import { resolveLayout, type LayoutOptions } from "./load/layout.js";
import { loadProject } from "./load/load-project.js";
import type { PackPlan } from "./model.js";
import type { ProfileReport } from "./pack/plan-report.js";
import { changedFiles, planBuild } from "./plan-build.js";
import { writeFileAtomic } from "./write/write-atomic.js";

export interface BuildOptions extends LayoutOptions {
  /** Profile names or paths (`--profile`); every profile of the profiles dir when empty. */
  profile?: readonly string[];
  /** Write nothing; report what would change. */
  check?: boolean;
}

export interface BuildResult {
  plans: PackPlan[];
  reports: ProfileReport[];
  /** Files (relative to the root) whose bytes differ from what the build produces. */
  changed: string[];
  /** True when the changed files were written. */
  written: boolean;
}

/**
 * Loads atoms and profiles, packs each profile under its budgets, renders it,
 * and writes the outputs and the manifest atomically (or, with `check`,
 * only reports which would change). Bad input throws an InputError before
 * anything is written.
 */
export function build(options: BuildOptions = {}): BuildResult {
  const project = loadProject(resolveLayout(options), options.profile, options.cwd);
  const { plans, reports, files } = planBuild(project);
  const changed = changedFiles(files);
  if (!options.check) for (const file of changed) writeFileAtomic(file.file, file.text);
  return { plans, reports, changed: changed.map((file) => file.shown), written: !options.check && changed.length > 0 };
}
