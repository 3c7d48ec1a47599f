import { existsSync } from "node:fs";
import path from "node:path";
import { build, type BuildResult } from "./build.js";
import { InputError } from "./errors.js";
import { displayPath, isWithin, resolveLayout, type LayoutOptions } from "./load/layout.js";
import { CONFIG_FILES, configFilesIn } from "./load/load-config.js";
import type { Issue, Layout } from "./model.js";
import { starterProject, type StarterFile } from "./scaffold/starter-project.js";
import { placeFile } from "./write/write-atomic.js";
import { removeCreated } from "./write/remove-created.js";

export type InitOptions = LayoutOptions;

export interface InitResult {
  /** The files written, relative to the root, in the order written. */
  created: string[];
  /** The first build of the new project. */
  build: BuildResult;
}

/**
 * Starts an llmsgen project in the root (default: the current directory):
 * writes a config, two example atoms and a profile, then builds once. It
 * overwrites nothing: if the config, the atoms, profiles or out dir, or an
 * `llmsgen` key in the root's package.json exists already, it throws an
 * InputError listing each and writes nothing. Should the first build fail,
 * what init created is removed again.
 */
export function init(options: InitOptions = {}): InitResult {
  const layout = resolveLayout(options);
  return scaffold(layout, starterProject(layout, path.join(layout.root, CONFIG_FILES[0])), options);
}

/** Writes a new project's files (none may exist yet) and builds it; on any failure, removes what it created. */
function scaffold(layout: Layout, files: readonly StarterFile[], options: InitOptions): InitResult {
  throwIfTaken(layout, files);
  const dirs = [layout.atomsDir, layout.profilesDir, layout.outDir, ...(layout.cacheDir ? [layout.cacheDir] : []), layout.root].filter((dir) => !existsSync(dir));
  const created: string[] = [];
  try {
    for (const { file, text } of files) {
      placeFile({ file, data: text, guard: "new" }, displayPath(layout, file));
      created.push(file);
    }
    const result = build({ ...options, root: layout.root, atoms: layout.atomsDir, profiles: layout.profilesDir, out: layout.outDir, cache: layout.cacheDir ?? false });
    return { created: created.map((file) => displayPath(layout, file)), build: result };
  } catch (error) {
    removeCreated(created, dirs);
    throw error;
  }
}

function throwIfTaken(layout: Layout, files: readonly StarterFile[]): void {
  const issues: Issue[] = [];
  const taken = (file: string, fix: string) => issues.push({ file: displayPath(layout, file), message: `exists already, and init never overwrites: ${fix}` });
  const dirs = ([[layout.atomsDir, "--atoms"], [layout.profilesDir, "--profiles"], [layout.outDir, "--out"]] as const).filter(([dir]) => existsSync(dir));
  for (const [dir, flag] of dirs) taken(dir, `move it away, or choose another dir with ${flag} DIR`);
  for (const { file } of files) {
    if (existsSync(file) && !dirs.some(([dir]) => isWithin(dir, file))) taken(file, "move it away, or start the project in another folder");
  }
  for (const config of configFilesIn(layout.root)) {
    if (!files.some(({ file }) => file === config)) taken(config, "this folder has an llmsgen config; edit it instead, or start the project in another folder");
  }
  if (issues.length > 0) throw new InputError(issues);
}
