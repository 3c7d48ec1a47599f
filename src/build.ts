import { type Caches, openCaches } from "./cache/open-caches.js";
import { cacheWrites } from "./cache/save-caches.js";
import { throwIfIssues } from "./errors.js";
import { displayPath, resolveLayout, type LayoutOptions } from "./load/layout.js";
import { loadProject } from "./load/load-project.js";
import { readCurrentText, recordWritten } from "./load/read-current.js";
import type { FileCheck, Issue, Layout, OutputPlan, ProgressCallback, Project, WriteFault } from "./model.js";
import { CountAhead } from "./pack/count-ahead.js";
import type { ProfileReport } from "./pack/plan-report.js";
import { outputsToCheck } from "./outputs-to-check.js";
import { type BuildPlan, buildWrites, changedFiles, fileText, planBuild, type PlannedFile } from "./plan-build.js";
import { checkOutputs, fileCheck, handWritten, rendersNothing } from "./sync/check-outputs.js";
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
  /** Keep each changed file's current and new text in `previews` (for diffs). */
  preview?: boolean;
  /** Told how far counting and packing have come, for a progress display. */
  progress?: ProgressCallback;
  /** Called after each file the build writes is in place (outputs, the manifest, cache files), with its absolute path. */
  afterWrite?: (file: string) => void;
  /** Called before each temp file and rename of the outputs and the manifest (tests fail a write here). */
  fault?: WriteFault;
  /** Render every output, so each plan has its text (`--stdout`); otherwise an unchanged output restored from the cache is not rendered. */
  render?: boolean;
}

/** A file a build would change: what is on disk (null when absent) and what the build writes. */
export interface FilePreview {
  /** Path relative to the root. */
  file: string;
  before: string | null;
  after: string;
}

export interface BuildResult {
  /** Each output's plan; one restored from the cache has no text unless it was rendered (`render`, or because its output changed). */
  plans: OutputPlan[];
  reports: ProfileReport[];
  /** Files (relative to the root) whose bytes differ from what the build produces. */
  changed: string[];
  /** Outputs holding hand-written text the build would destroy; when any, nothing was written. */
  refused: FileCheck[];
  /** True when the changed files were written. */
  written: boolean;
  /** With `preview`: every changed file, before and after. */
  previews?: FilePreview[];
}

/** An output whose bytes are exactly what the last build wrote holds no hand edit: it is simply rebuilt. */
function matchesLastBuild(project: Project, file: PlannedFile): boolean {
  const last = file.plan && project.manifest?.outputs[file.plan.profile.output];
  return last !== undefined && file.current?.sha256 === last.sha256 && !(file.plan && rendersNothing(file.plan));
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
  const caches = openCaches(layout, options.warn ?? (() => {}));
  // Large corpora start counting while their atoms are still being parsed; a load that fails stops it.
  const ahead = new CountAhead({ ...(options.workers === undefined ? {} : { workers: options.workers }), known: (encoding, key) => caches.tokens(encoding).has(key) });
  const { project, plan } = loadAndPlan(layout, options, caches, ahead);
  const changed = changedFiles(plan.files);
  if (options.force) throwIfIssues(plan.plans.filter(rendersNothing).map((packed) => nothingToRender(project, packed)));
  const toCheck = outputsToCheck(project, changed.filter((file) => !matchesLastBuild(project, file)), plan.texts);
  const refused = options.force ? [] : handWritten(checkOutputs(toCheck).map(fileCheck));
  const write = !options.check && refused.length === 0;
  if (write) {
    const commit = {
      layout,
      warn: options.warn ?? (() => {}),
      ...(options.afterWrite ? { afterWrite: options.afterWrite } : {}),
      ...(options.fault ? { fault: options.fault } : {}),
    };
    commitWrites(buildWrites(project, changed, plan.texts), [], commit);
    // The stat index learns the outputs just written before it is saved with the other caches.
    recordWritten(caches.files, changed.filter((file) => file.plan));
    commitWrites([], cacheWrites(caches), commit);
  }
  return {
    plans: options.render ? plan.plans.map((each) => plan.texts.plan(each)) : plan.plans,
    reports: plan.reports,
    changed: changed.map((file) => file.shown),
    refused,
    written: write && changed.length > 0,
    ...(options.preview ? { previews: changed.map((file) => ({ file: file.shown, before: file.current ? readCurrentText(file.file, file.shown) : null, after: fileText(file, plan.texts) })) } : {}),
  };
}

/** Loads the project and plans the build, counting while atoms load; the counting worker is stopped whatever happens. */
function loadAndPlan(layout: Layout, options: BuildOptions, caches: Caches, ahead: CountAhead): { project: Project; plan: BuildPlan } {
  try {
    const project = loadProject(layout, { ...options, onParsed: (atom, profiles) => ahead.offer(atom, profiles) }, caches);
    const { workers, progress, warn } = options;
    const plan = planBuild(project, caches, { countAhead: ahead, ...(workers === undefined ? {} : { workers }), ...(progress ? { progress } : {}), ...(warn ? { warn } : {}) });
    return { project, plan };
  } finally {
    ahead.stop();
  }
}

/** A profile started from an existing file, before adopt gave it atoms: a build must not replace that file with an empty one. */
function nothingToRender(project: Project, plan: OutputPlan): Issue {
  const { profile } = plan;
  return {
    file: displayPath(project.layout, profile.file),
    line: profile.lines.sections ?? profile.lines.include ?? 1,
    message: `nothing would be rendered into ${profile.output}: this profile names no atom yet; run llmsgen sync --adopt to make atoms of the file's sections, or add atoms to the profile (--force never writes an empty output)`,
  };
}
