import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Issue, Layout, Profile } from "../model.js";
import { closest } from "./closest.js";
import { displayPath } from "./layout.js";
import { naturalCompare } from "./natural-compare.js";
import { packageJsonReader } from "./read-package-json.js";
import { readSourceText } from "./read-text.js";
import { validateProfile } from "./validate-profile.js";
import { parseYamlSource } from "./yaml-source.js";

export interface LoadedProfiles {
  profiles: Profile[];
  issues: Issue[];
  /** Names of profile files that failed to load: they exist, though their problems are reported. */
  failed: string[];
  /** True when every profile of the profiles dir was loaded (no `--profile`). */
  all: boolean;
}

/**
 * Loads the profiles named (a bare name means `profiles/NAME.yaml` or `.yml`,
 * anything with a slash or a YAML extension is a path), or every profile of
 * the profiles dir when none is named.
 */
export function loadProfiles(layout: Layout, selected: readonly string[] = [], cwd = process.cwd()): LoadedProfiles {
  const issues: Issue[] = [];
  const named = selected.length === 0 ? listProfiles(layout, issues) : selected.flatMap((entry) => findProfile(layout, entry, cwd, issues));
  const files = [...new Set(named)];
  const profiles: Profile[] = [];
  const failed: string[] = [];
  const packageJson = packageJsonReader(layout.root);
  for (const file of files) {
    const shown = displayPath(layout, file);
    const read = readSourceText(file, shown);
    if ("issue" in read) {
      issues.push(read.issue);
      failed.push(profileName(layout, file));
      continue;
    }
    const { source, issues: yamlIssues } = parseYamlSource(read.text, shown);
    issues.push(...yamlIssues);
    const profile = yamlIssues.length > 0 ? undefined : validateProfile(source, { file, shown, name: profileName(layout, file), layout, issues, packageJson });
    if (profile) profiles.push(profile);
    else failed.push(profileName(layout, file));
  }
  issues.push(...sharedOutputs(profiles, layout));
  return { profiles, issues, failed, all: selected.length === 0 };
}

const EXTENSIONS = [".yaml", ".yml"];

/** Names of the profiles in the profiles dir (without extension), in natural order; empty when the dir does not exist. */
export function profileNames(layout: Layout): string[] {
  if (!existsSync(layout.profilesDir)) return [];
  return readdirSync(layout.profilesDir)
    .filter((entry) => EXTENSIONS.includes(path.extname(entry)))
    .map((entry) => path.basename(entry, path.extname(entry)))
    .sort(naturalCompare);
}

function listProfiles(layout: Layout, issues: Issue[]): string[] {
  if (!existsSync(layout.profilesDir)) {
    issues.push({ file: displayPath(layout, layout.profilesDir), setup: true, message: "profiles dir not found: create it, or point --profiles or --root at it" });
    return [];
  }
  const files = readdirSync(layout.profilesDir)
    .filter((entry) => EXTENSIONS.includes(path.extname(entry)))
    .sort(naturalCompare)
    .map((entry) => path.join(layout.profilesDir, entry));
  if (files.length === 0) {
    issues.push({ file: displayPath(layout, layout.profilesDir), message: "no profiles found: add a NAME.yaml file (see the README for its keys)" });
  }
  return files;
}

function findProfile(layout: Layout, entry: string, cwd: string, issues: Issue[]): string[] {
  const isPath = entry.includes("/") || entry.includes(path.sep) || EXTENSIONS.includes(path.extname(entry));
  const candidates = isPath ? [path.resolve(cwd, entry)] : EXTENSIONS.map((ext) => path.join(layout.profilesDir, entry + ext));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return [found];
  const known = existsSync(layout.profilesDir)
    ? readdirSync(layout.profilesDir).filter((f) => EXTENSIONS.includes(path.extname(f))).map((f) => path.basename(f, path.extname(f))).sort(naturalCompare)
    : [];
  const hint = isPath ? undefined : closest(entry, known);
  issues.push({
    file: `--profile ${entry}`,
    setup: true,
    message: isPath
      ? `profile file not found: ${displayPath(layout, candidates[0] ?? entry)}`
      : `no profile named '${entry}' in ${displayPath(layout, layout.profilesDir)}${hint ? ` (did you mean '${hint}'?)` : ""}${known.length > 0 ? `; available: ${known.join(", ")}` : ""}`,
  });
  return [];
}

/** A profile of the profiles dir goes by its base name; any other by its path from the root. */
function profileName(layout: Layout, file: string): string {
  return path.dirname(file) === layout.profilesDir ? path.basename(file, path.extname(file)) : displayPath(layout, file);
}

function sharedOutputs(profiles: readonly Profile[], layout: Layout): Issue[] {
  const byOutput = new Map<string, Profile>();
  const issues: Issue[] = [];
  for (const profile of profiles) {
    const first = byOutput.get(profile.output);
    if (first && first.file !== profile.file) {
      issues.push({
        file: displayPath(layout, profile.file),
        line: profile.lines.output,
        message: `output '${profile.output}' is also written by ${displayPath(layout, first.file)}: each profile needs its own output`,
      });
    }
    byOutput.set(profile.output, first ?? profile);
  }
  return issues;
}
