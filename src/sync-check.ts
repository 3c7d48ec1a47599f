import path from "node:path";
import { LlmsgenError } from "./errors.js";
import { displayPath, resolveLayout, type LayoutOptions } from "./load/layout.js";
import { loadProject } from "./load/load-project.js";
import { readCurrent } from "./load/read-current.js";
import type { SyncReport } from "./model.js";
import { planBuild } from "./plan-build.js";
import { checkOutputs } from "./sync/check-outputs.js";

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
  const project = loadProject(layout, options);
  const plan = planBuild(project);
  let override: { shown: string; text: string } | undefined;
  if (options.file !== undefined) {
    const file = path.resolve(options.cwd ?? process.cwd(), options.file);
    const current = readCurrent(file, displayPath(layout, file));
    if (!current) throw new LlmsgenError(`${displayPath(layout, file)}: file not found (--file)`);
    override = { shown: displayPath(layout, file), text: current.read() };
  }
  const files = checkOutputs(project, plan, override);
  return { ok: files.every((file) => file.findings.length === 0), files };
}
