import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { adopt, type AdoptResult } from "./adopt.js";
import { build, type BuildResult } from "./build.js";
import { InputError } from "./errors.js";
import { displayPath, isWithin, resolveLayout, slashRelative, type LayoutOptions } from "./load/layout.js";
import { CONFIG_FILES, configFilesIn } from "./load/load-config.js";
import { manifestPath } from "./load/load-manifest.js";
import { readSourceText } from "./load/read-text.js";
import type { Issue, Layout } from "./model.js";
import { adoptedProject, frameOf, profileNameOf } from "./scaffold/adopted-project.js";
import { starterProject, type StarterFile } from "./scaffold/starter-project.js";
import { placeFile } from "./write/write-atomic.js";
import { removeCreated } from "./write/remove-created.js";

export interface InitOptions extends LayoutOptions {
  /** An existing hand-written file of tagged sections to make the project of (`--from`): its sections become atoms. */
  from?: string;
}

export interface InitResult {
  /** The files written, relative to the root, in the order written. */
  created: string[];
  /** The first build of the new project; null when `from` held text adoption could not carry (then nothing was kept). */
  build: BuildResult | null;
  /** With `from`: the adoption that made the atoms and the profile's entries. */
  adopted?: AdoptResult;
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
  if (options.from !== undefined) return initFrom(options.from, options);
  const layout = resolveLayout(options);
  return scaffold(layout, starterProject(layout, path.join(layout.root, CONFIG_FILES[0])), options);
}

/**
 * Makes a project of an existing hand-written file of tagged sections: a
 * config, and a profile for the file (its out dir is the file's dir unless
 * `out` says otherwise) whose sections adoption fills in, one atom per
 * section; then builds once, which leaves the file byte for byte as it was.
 * All or nothing: text adoption cannot carry (text between sections, say)
 * is reported in `adopted.skipped` and nothing is kept; a failure removes
 * what it created.
 */
function initFrom(from: string, options: InitOptions): InitResult {
  const file = path.resolve(options.cwd ?? process.cwd(), from);
  const layout = resolveLayout(options.out === undefined ? { ...options, out: path.dirname(file) } : options);
  const text = readExisting(file, layout);
  const files = adoptedProject(layout, path.join(layout.root, CONFIG_FILES[0]), {
    name: profileNameOf(file),
    output: slashRelative(layout.outDir, file),
    ...frameOf(text),
  });
  throwIfTaken(layout, files, { outMayExist: true });
  const dirs = [layout.atomsDir, layout.profilesDir, ...(layout.cacheDir ? [layout.cacheDir] : [])].filter((dir) => !existsSync(dir));
  const manifest = manifestPath(layout);
  const created: string[] = [];
  const cache: string | false = layout.cacheDir ?? false;
  const paths = { root: layout.root, atoms: layout.atomsDir, profiles: layout.profilesDir, out: layout.outDir, cache };
  try {
    for (const { file: target, text: data } of files) {
      placeFile({ file: target, data, guard: "new" }, displayPath(layout, target));
      created.push(target);
    }
    mkdirSync(layout.atomsDir, { recursive: true });
    // The profile starts with no sections, as adoption expects: the warning that says so would only be noise here.
    const adopted = adopt({ ...options, ...paths, profile: [], warn: () => {} });
    if (adopted.skipped.length > 0) {
      removeCreated([...created, manifest], dirs);
      return { created: [], build: null, adopted };
    }
    const result = build({ ...options, ...paths, profile: [] });
    const atoms = adopted.writes.filter((write) => write.before === null).map((write) => write.file);
    return { created: [...created, ...atoms, manifest].map((target) => displayPath(layout, target)), build: result, adopted };
  } catch (error) {
    removeCreated([...created, manifest], dirs);
    throw error;
  }
}

/** The file `--from` names, read as text: it must be a UTF-8 file inside the root and the out dir, with no manifest beside it yet. */
function readExisting(file: string, layout: Layout): string {
  const shown = displayPath(layout, file);
  const fail = (message: string): never => {
    throw new InputError([{ file: `--from ${shown}`, message }]);
  };
  if (!existsSync(file) || !statSync(file).isFile()) fail("no such file: give the hand-written file of tagged sections to start from");
  if (!isWithin(layout.root, file)) fail("the file lies outside the project root: run init in a folder that holds it, or give --root");
  if (!isWithin(layout.outDir, file)) fail(`the file lies outside the out dir ${displayPath(layout, layout.outDir)}: leave out --out (the file's own folder is taken), or give one that holds it`);
  if (existsSync(manifestPath(layout))) fail(`${displayPath(layout, manifestPath(layout))} exists already: this out dir is an llmsgen project's; run llmsgen sync --adopt there instead`);
  const read = readSourceText(file, shown);
  if ("issue" in read) throw new InputError([read.issue]);
  return read.text;
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

function throwIfTaken(layout: Layout, files: readonly StarterFile[], options: { outMayExist?: boolean } = {}): void {
  const issues: Issue[] = [];
  const taken = (file: string, fix: string) => issues.push({ file: displayPath(layout, file), message: `exists already, and init never overwrites: ${fix}` });
  const candidates = [[layout.atomsDir, "--atoms"], [layout.profilesDir, "--profiles"], ...(options.outMayExist ? [] : [[layout.outDir, "--out"]])] as const;
  const dirs = candidates.filter(([dir]) => existsSync(dir));
  for (const [dir, flag] of dirs) taken(dir, `move it away, or choose another dir with ${flag} DIR`);
  for (const { file } of files) {
    if (existsSync(file) && !dirs.some(([dir]) => isWithin(dir, file))) taken(file, "move it away, or start the project in another folder");
  }
  for (const config of configFilesIn(layout.root)) {
    if (!files.some(({ file }) => file === config)) taken(config, "this folder has an llmsgen config; edit it instead, or start the project in another folder");
  }
  if (issues.length > 0) throw new InputError(issues);
}
