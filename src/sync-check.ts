import path from "node:path";
import { openCaches } from "./cache/open-caches.js";
import { InputError, LlmsgenError } from "./errors.js";
import { displayPath, resolveLayout, type LayoutOptions } from "./load/layout.js";
import { loadProject } from "./load/load-project.js";
import { readCurrent, readCurrentText } from "./load/read-current.js";
import type { Layout, SyncReport } from "./model.js";
import { outputsToCheck, plannedOutputs, type CheckOverride } from "./outputs-to-check.js";
import { planBuild } from "./plan-build.js";
import { checkOutputs, fileCheck } from "./sync/check-outputs.js";

export interface SyncCheckOptions extends LayoutOptions {
  /** Profile names or paths; every profile when empty. */
  profile?: readonly string[];
  /** Check this file (relative to cwd) against the one profile given, instead of its output. */
  file?: string;
}

/**
 * Compares each existing output with what a build would write now and
 * classifies every difference. Reads only; `ok` is false on any finding.
 */
export function syncCheck(options: SyncCheckOptions = {}): SyncReport {
  const layout = resolveLayout(options);
  if (options.file !== undefined && options.profile?.length !== 1) {
    throw new LlmsgenError("--file checks one file against one profile: give exactly one --profile");
  }
  const caches = openCaches(layout, options.warn ?? (() => {}));
  const project = loadProject(layout, options, caches);
  const plan = planBuild(project, caches, options.warn ? { warn: options.warn } : {});
  const override = readOverride(options, layout);
  const files = checkOutputs(outputsToCheck(project, plannedOutputs(plan), plan.texts, override ? { override } : {})).map(fileCheck);
  return { ok: files.every((file) => file.findings.length === 0), files };
}

function readOverride(options: SyncCheckOptions, layout: Layout): CheckOverride | undefined {
  if (options.file === undefined) return undefined;
  const file = path.resolve(options.cwd ?? process.cwd(), options.file);
  const shown = displayPath(layout, file);
  const current = readCurrent(file, shown);
  if (!current) throw new InputError([{ file: shown, message: "file not found (--file): give the path of the file to check, relative to the current directory" }]);
  return { shown, text: readCurrentText(file, shown) };
}
