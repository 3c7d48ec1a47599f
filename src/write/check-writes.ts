import { accessSync, constants, lstatSync, readlinkSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import { displayPath, isWithin } from "../load/layout.js";
import type { FileWrite, Issue, Layout } from "../model.js";
import { hasCode } from "./write-atomic.js";

/**
 * Everything that would stop `writes` partway, found before the first is
 * written, one issue per problem: a symbolic link anywhere between the base
 * and the file (llmsgen never writes through a link under the root: a link
 * committed as `out` or `out/sub` could send a build's bytes anywhere), a
 * file where a directory is needed, a directory or another non-file where a
 * file goes, a directory it may not write in. The base is the root for files
 * inside it, else the dir a flag chose (`--out`, `--cache`, …), which is the
 * user's to point anywhere.
 */
export function writeProblems(writes: readonly FileWrite[], layout: Layout): Issue[] {
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const write of writes) {
    if (seen.has(write.file)) continue;
    seen.add(write.file);
    const problem = pathProblem(write.file, baseOf(write.file, layout), layout);
    if (problem) issues.push(problem);
  }
  return issues;
}

function baseOf(file: string, layout: Layout): string {
  if (isWithin(layout.root, file)) return layout.root;
  const dirs = [layout.outDir, layout.cacheDir, layout.atomsDir, layout.profilesDir].filter((dir): dir is string => dir !== null && isWithin(dir, file));
  return dirs.sort((a, b) => b.length - a.length)[0] ?? path.dirname(file);
}

function pathProblem(file: string, base: string, layout: Layout): Issue | undefined {
  const shown = displayPath(layout, file);
  const baseStats = statOrUndefined(base, statSync);
  if (baseStats && !baseStats.isDirectory()) return { file: displayPath(layout, base), message: `a file stands where llmsgen needs a directory to write ${shown}: move it away, or point the command elsewhere` };
  const parts = path.relative(base, file).split(path.sep);
  let current = base;
  let deepestDir = base;
  for (const [index, part] of parts.entries()) {
    current = path.join(current, part);
    const stats = statOrUndefined(current, lstatSync);
    if (!stats) break;
    const last = index === parts.length - 1;
    const here = displayPath(layout, current);
    if (stats.isSymbolicLink()) return { file: here, message: linkMessage(current, last ? "file" : "directory", shown) };
    if (!last && !stats.isDirectory()) return { file: here, message: `a file stands where llmsgen needs a directory to write ${shown}: move it away` };
    if (last && stats.isDirectory()) return { file: here, message: `a directory stands where llmsgen writes a file: move it away` };
    if (last && !stats.isFile()) return { file: here, message: `something other than a regular file stands where llmsgen writes a file: move it away` };
    if (!last) deepestDir = current;
  }
  while (!statOrUndefined(deepestDir, statSync) && path.dirname(deepestDir) !== deepestDir) deepestDir = path.dirname(deepestDir);
  try {
    accessSync(deepestDir, constants.W_OK | constants.X_OK);
  } catch (error) {
    return { file: displayPath(layout, deepestDir), message: `llmsgen may not write in this directory (${hasCode(error, "EACCES") ? "permission denied" : String(error)}), and needs to for ${shown}: change its permissions` };
  }
  return undefined;
}

function linkMessage(link: string, kind: "file" | "directory", shown: string): string {
  let target = "";
  try {
    target = readlinkSync(link);
  } catch {
    // Unreadable: the message goes without the target.
  }
  const dangling = statOrUndefined(link, statSync) === undefined;
  const to = target === "" ? "" : ` to ${target}${dangling ? ", which does not exist," : ""}`;
  const what = kind === "file" ? `where llmsgen writes ${shown}` : `on the way to ${shown}`;
  return `a symbolic link${to} stands ${what}, and llmsgen never writes through a link under the root: replace it with a real ${kind}, or remove it`;
}

function statOrUndefined(file: string, stat: (file: string) => Stats): Stats | undefined {
  try {
    return stat(file);
  } catch (error) {
    if (hasCode(error, "ENOENT") || hasCode(error, "ENOTDIR") || hasCode(error, "ELOOP")) return undefined;
    throw error;
  }
}
