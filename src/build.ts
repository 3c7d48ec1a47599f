import { cacheWrites } from "./cache/save-caches.js";
import { resolveLayout, type LayoutOptions } from "./load/layout.js";
import { loadProject, type Project } from "./load/load-project.js";
import type { FileCheck, Layout, PackPlan } from "./model.js";
import type { ProfileReport } from "./pack/plan-report.js";
import { buildWrites, changedFiles, planBuild, type PlannedFile } from "./plan-build.js";
import { checkOutputs, handWritten } from "./sync/check-outputs.js";
import { commitWrites } from "./write/commit-writes.js";
import { withProjectLock } from "./write/project-lock.js";

export interface BuildOptions extends LayoutOptions {
  /** Profile names or paths (`--profile`); every profile of the profiles dir when empty. */
  profile?: readonly string[];
  /** Write nothing; report what would change. */
  check?: boolean;
  /** Overwrite outputs even where they hold hand-written text. */
  force?: boolean;
  /** Worker threads for counting (the CLI reads LLMSGEN_WORKERS); default: by the amount of text. */
  workers?: number;
  /** Called after each file the build writes is in place (outputs, the manifest, cache files), with its absolute path. */
  afterWrite?: (file: string) => void;
}

export interface BuildResult {
  plans: PackPlan[];
  reports: ProfileReport[];
  /** Files (relative to the root) whose bytes differ from what the build produces. */
  changed: string[];
  /** Outputs holding hand-written text the build would destroy; when any, nothing was written. */
  refused: FileCheck[];
  /** True when the changed files were written. */
  written: boolean;
}

/** An output whose bytes are exactly what the last build wrote holds no hand edit: it is simply rebuilt. */
function matchesLastBuild(project: Project, file: PlannedFile): boolean {
  const last = file.plan && project.manifest?.outputs[file.plan.profile.output];
  return last !== undefined && file.current?.sha256 === last.sha256;
}

/**
 * Loads atoms and profiles, packs each profile under its budgets, renders it,
 * and writes the outputs, the manifest and the cache (write/commit-writes.ts).
 * It writes nothing when `check` is set, or when an output holds hand-written
 * text (anything the sync check reports other than `stale` and `missing`)
 * unless `force` is set. A build that writes holds the project's lock
 * (BusyError while another runs). Bad input throws an InputError, and a file
 * edited while the build ran a ConcurrentEditError, before anything more is
 * written.
 */
export function build(options: BuildOptions = {}): BuildResult {
  const layout = resolveLayout(options);
  if (options.check) return buildIn(layout, options);
  return withProjectLock(layout, options.warn ?? (() => {}), () => buildIn(layout, options));
}

function buildIn(layout: Layout, options: BuildOptions): BuildResult {
  const project = loadProject(layout, options.profile, options.cwd, options.warn);
  const plan = planBuild(project, options.workers === undefined ? {} : { workers: options.workers });
  const changed = changedFiles(plan.files);
  const refused = options.force ? [] : handWritten(checkOutputs(project, { ...plan, files: changed.filter((file) => !matchesLastBuild(project, file)) }));
  const write = !options.check && refused.length === 0;
  if (write) {
    commitWrites(buildWrites(project, changed), cacheWrites(project.caches), {
      layout,
      warn: options.warn ?? (() => {}),
      ...(options.afterWrite ? { afterWrite: options.afterWrite } : {}),
    });
  }
  return {
    plans: plan.plans,
    reports: plan.reports,
    changed: changed.map((file) => file.shown),
    refused,
    written: write && changed.length > 0,
  };
}
