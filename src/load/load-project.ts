import path from "node:path";
import { formatIssue, throwIfIssues } from "../errors.js";
import type { Atom, Issue, Layout, Manifest, Profile, ResolvedProfile } from "../model.js";
import { scanMarkdown } from "../render/scan-markdown.js";
import type { AtomCache } from "../cache/atom-cache.js";
import { type Caches, openCaches } from "../cache/open-caches.js";
import { displayPath } from "./layout.js";
import { findLongRun, MAX_RUN } from "./long-runs.js";
import { countNewlines } from "./read-text.js";
import { loadAtoms } from "./load-atoms.js";
import { loadManifest } from "./load-manifest.js";
import { loadProfiles } from "./load-profiles.js";
import { resolveProfile } from "./resolve-profile.js";

export interface Project {
  layout: Layout;
  atoms: Atom[];
  profiles: ResolvedProfile[];
  /** True when every profile of the profiles dir is loaded. */
  allProfiles: boolean;
  /** Profiles an index lists that were not chosen: planned for their token counts, never written. */
  support: ResolvedProfile[];
  manifest: Manifest | undefined;
  caches: Caches;
}

/**
 * Reads atoms, the chosen profiles and the manifest, and checks all of it;
 * throws one InputError listing every problem found.
 */
export function loadProject(layout: Layout, selected: readonly string[] = [], cwd?: string, warn: (message: string) => void = () => {}): Project {
  const caches = openCaches(layout, warn);
  const { atoms, failed, issues } = loadAtoms(layout, caches.atoms);
  const loaded = loadProfiles(layout, selected, cwd);
  issues.push(...loaded.issues);
  // An index lists other outputs with their token counts, so it needs their plans even when they were not chosen.
  const chosen = new Set(loaded.profiles.map((profile) => profile.file));
  const everything = loaded.profiles.some((profile) => profile.index) && !loaded.all ? loadProfiles(layout, [], cwd) : loaded;
  if (everything !== loaded) {
    const known = new Set(loaded.issues.map(formatIssue));
    issues.push(...everything.issues.filter((issue) => !known.has(formatIssue(issue))));
  }
  issues.push(...indexIssues(everything.profiles, layout, everything.failed));
  const profiles: ResolvedProfile[] = [];
  const support: ResolvedProfile[] = [];
  // Without the atoms dir, every reference would fail too: report the dir alone.
  const setupFailed = issues.some((issue) => issue.setup);
  for (const profile of setupFailed ? [] : everything.profiles) {
    const result = resolveProfile(profile, atoms, displayPath(layout, profile.file), failed);
    issues.push(...result.issues);
    if (result.resolved) (chosen.has(profile.file) ? profiles : support).push(result.resolved);
  }
  // Support profiles are packed too (an index needs their counts): their atoms need the same checks.
  issues.push(...structureIssues([...profiles, ...support], layout, caches.atoms));
  throwIfIssues(issues);
  return { layout, atoms, profiles, support, allProfiles: loaded.all, manifest: loadManifest(layout), caches };
}

/** An index may name only profiles that exist and are not indexes themselves; `profiles` must be all of them. */
export function indexIssues(profiles: readonly Profile[], layout: Layout, failed: readonly string[] = []): Issue[] {
  // Profiles that failed to load still exist: their own problems are reported, not an index naming them.
  const listable = new Set([...profiles.filter((profile) => !profile.index).map((profile) => profile.name), ...failed]);
  return profiles.flatMap((profile) => {
    const spec = profile.index;
    if (!spec) return [];
    const named = [...(spec.profiles ?? []).map((name, i) => ({ name, where: `index.profiles[${i}]` })), ...spec.optional.map((name, i) => ({ name, where: `index.optional[${i}]` }))];
    return named
      .filter(({ name }) => !listable.has(name))
      .map(({ name, where }) => ({
        file: displayPath(layout, profile.file),
        line: profile.lines[where] ?? 1,
        message: `${where}: no profile named '${name}' to list (an index lists the other, non-index profiles: ${[...listable].join(", ")})`,
      }));
  });
}


/** Atoms whose text would break the structure of an output they go into (SPEC §10); atoms checked on an earlier run are skipped. */
function structureIssues(profiles: readonly ResolvedProfile[], layout: Layout, cache?: AtomCache): Issue[] {
  const used = new Set(profiles.flatMap((profile) => profile.sections.flatMap((section) => section.atoms)));
  return [...used].flatMap((atom) => {
    if (cache?.isClean(atom.sha256)) return [];
    const issues = atomStructureIssues(atom, displayPath(layout, path.join(layout.atomsDir, atom.path)));
    if (issues.length === 0) cache?.markClean(atom.sha256);
    return issues;
  });
}

export function atomStructureIssues(atom: Atom, file: string): Issue[] {
  const scan = scanMarkdown(atom.text);
  const issues: Issue[] = scan.tagLines.map(({ line, text }) => ({
    file,
    line: atom.bodyLine + line - 1,
    message: `line '${text}' would read as a section tag in every output: indent it, or put it inside a code fence`,
  }));
  const run = findLongRun(atom.text);
  if (run) {
    const line = atom.bodyLine + countNewlines(atom.text.slice(0, run.start));
    issues.push({
      file,
      line,
      message: `a run of ${run.length} ${run.kind} with no break is over the limit of ${MAX_RUN} characters (tokenizing such a run takes quadratic time): break it up`,
    });
  }
  if (scan.unclosedFence !== undefined) {
    const opening = (atom.text.split("\n")[scan.unclosedFence - 1] ?? "").trim();
    issues.push({
      file,
      line: atom.bodyLine + scan.unclosedFence - 1,
      message: `code fence '${opening}' never closes: add a closing fence line, or the rest of every output would read as code`,
    });
  }
  return issues;
}
