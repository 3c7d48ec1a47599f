import { existsSync } from "node:fs";
import path from "node:path";
import { formatIssue, throwIfIssues } from "../errors.js";
import type { Atom, AtomTextOf, Issue, Layout, Profile, Project, ResolvedProfile } from "../model.js";
import { scanMarkdown } from "../render/scan-markdown.js";
import type { AtomCache } from "../cache/atom-cache.js";
import type { StatIndex } from "../cache/stat-index.js";
import { displayPath, layoutProblem } from "./layout.js";
import { describeRun, findLongRun } from "./long-runs.js";
import { countNewlines } from "./read-text.js";
import { loadAtoms } from "./load-atoms.js";
import { atomTextReader } from "./read-atom-text.js";
import { loadManifest } from "./load-manifest.js";
import { type LoadedProfiles, loadProfiles, profileNames } from "./load-profiles.js";
import { partIssues, resolveParts } from "./resolve-parts.js";
import { resolveProfile } from "./resolve-profile.js";

export interface LoadOptions {
  /** Profile names or paths (`--profile`); every profile of the profiles dir when empty. */
  profile?: readonly string[];
  /** Directory a `--profile` path resolves against; default `process.cwd()`. */
  cwd?: string;
  /** Receives warnings that never stop a run. */
  warn?: (message: string) => void;
  /** Frontmatter keys the project declares known: never taken for misspellings of llmsgen's keys. */
  knownKeys?: readonly string[];
  /** Told of each atom parsed from its file (not restored from the cache) while the others load, with the chosen profiles. */
  onParsed?: (atom: Atom & { text: string }, profiles: readonly Profile[]) => void;
}

/** What collecting a project found: everything that loaded, and every problem. */
export interface CollectedProject {
  atoms: Atom[];
  /** The chosen profiles that resolved. */
  profiles: ResolvedProfile[];
  support: ResolvedProfile[];
  allProfiles: boolean;
  issues: Issue[];
}

/**
 * Reads atoms, the chosen profiles and the manifest, and checks all of it;
 * throws one InputError listing every problem found. Atoms parsed on an
 * earlier run come from the run's atom cache, and files whose stat the stat
 * index knows are not read again (the run's caches, cache/open-caches.ts).
 */
export function loadProject(layout: Layout, options: LoadOptions = {}, caches: { atoms?: AtomCache; files?: StatIndex } = {}): Project {
  const { issues, ...project } = collectProject(layout, { ...options, ...(caches.atoms ? { atomCache: caches.atoms } : {}), ...(caches.files ? { files: caches.files } : {}) });
  throwIfIssues(issues);
  return { layout, ...project, manifest: loadManifest(layout) };
}

/**
 * The one loading path: reads and checks atoms and the chosen profiles (and
 * the profiles an index lists), collecting every problem instead of throwing.
 * `structureOf: "all"` checks every atom's text for what would break an
 * output; by default only the atoms the profiles use.
 */
export function collectProject(layout: Layout, options: LoadOptions & { atomCache?: AtomCache; files?: StatIndex; structureOf?: "used" | "all" } = {}): CollectedProject {
  const empty = { atoms: [], profiles: [], support: [], allProfiles: (options.profile ?? []).length === 0 };
  const root = layoutProblem(layout);
  if (root) return { ...empty, issues: [root] };
  const knownKeys = new Set(options.knownKeys ?? []);
  // Profiles first, so that whoever hears of each parsed atom knows what it will be packed into; their issues still follow the atoms'.
  const loaded = loadProfiles(layout, options.profile, options.cwd);
  const { onParsed } = options;
  const { atoms, failed, issues } = loadAtoms(layout, options.atomCache, {
    knownKeys,
    ...(options.files ? { files: options.files } : {}),
    ...(onParsed ? { onParsed: (atom: Atom & { text: string }) => onParsed(atom, loaded.profiles) } : {}),
  });
  append(issues, loaded.issues);
  // An index lists other outputs with their token counts, so it needs their plans even when they were not chosen.
  const chosen = new Set(loaded.profiles.map((profile) => profile.file));
  const listed = loaded.profiles.some((profile) => profile.index) && !loaded.all ? loadProfiles(layout, [], options.cwd) : loaded;
  // A composed profile needs its parts' plans even when they were not chosen: load them, and theirs.
  const everything = withParts(listed, layout, options.cwd);
  if (everything !== loaded) {
    const known = new Set(loaded.issues.map(formatIssue));
    append(issues, everything.issues.filter((issue) => !known.has(formatIssue(issue))));
  }
  append(issues, indexIssues(everything.profiles, layout, everything.failed));
  append(issues, partIssues(everything.profiles, layout, new Set(profileNames(layout))));
  const profiles: ResolvedProfile[] = [];
  const support: ResolvedProfile[] = [];
  // Without the atoms dir, every reference would fail too: report the dir alone.
  const setupFailed = issues.some((issue) => issue.setup);
  for (const profile of setupFailed ? [] : everything.profiles) {
    const outputExists = existsSync(path.join(layout.outDir, profile.output));
    const result = resolveProfile(profile, atoms, displayPath(layout, profile.file), failed, outputExists);
    append(issues, result.issues);
    for (const warning of result.warnings) options.warn?.(formatIssue(warning));
    let resolved = result.resolved;
    if (resolved && profile.parts) {
      const parts = resolveParts(profile, layout);
      append(issues, parts.issues);
      resolved = parts.issues.length > 0 ? undefined : { ...resolved, parts: parts.parts };
    }
    if (resolved) (chosen.has(profile.file) ? profiles : support).push(resolved);
  }
  // Support profiles are packed too (an index needs their counts): their atoms need the same checks.
  const checked = options.structureOf === "all" ? atoms : usedAtoms([...profiles, ...support]);
  const text = atomTextReader(layout, { ...(options.atomCache ? { atoms: options.atomCache } : {}), ...(options.files ? { files: options.files } : {}) });
  append(issues, structureIssues(checked, layout, text, options.atomCache));
  return { atoms, profiles, support, allProfiles: loaded.all, issues };
}

/**
 * The loaded profiles and every profile their parts name, transitively
 * (names that are no profile are left to partIssues to report).
 */
function withParts(loaded: LoadedProfiles, layout: Layout, cwd: string | undefined): LoadedProfiles {
  const existing = new Set(profileNames(layout));
  let result = loaded;
  for (;;) {
    const have = new Set([...result.profiles.map((profile) => profile.name), ...result.failed]);
    const wanted = [
      ...new Set(result.profiles.flatMap((profile) => (profile.parts ?? []).flatMap((part) => (part.kind === "profile" && !have.has(part.name) && existing.has(part.name) ? [part.name] : [])))),
    ];
    if (wanted.length === 0) return result;
    const more = loadProfiles(layout, wanted, cwd);
    result = { profiles: [...result.profiles, ...more.profiles], issues: [...result.issues, ...more.issues], failed: [...result.failed, ...more.failed], all: result.all };
  }
}

/** A root that does not exist is the one problem worth naming: every dir below it is missing too. */

/** Pushes without spreading, which overflows the stack on very long lists. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** An index may name only profiles that exist and are not indexes themselves; `profiles` must be all of them. */
function indexIssues(profiles: readonly Profile[], layout: Layout, failed: readonly string[] = []): Issue[] {
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


function usedAtoms(profiles: readonly ResolvedProfile[]): Atom[] {
  const used = new Set<Atom>();
  for (const profile of profiles) for (const section of profile.sections) for (const atom of section.atoms) used.add(atom);
  return [...used];
}

/** Atoms whose text would break the structure of an output they go into; atoms checked on an earlier run are skipped (and not read). */
function structureIssues(atoms: readonly Atom[], layout: Layout, text: AtomTextOf, cache?: AtomCache): Issue[] {
  return atoms.flatMap((atom) => {
    if (cache?.isClean(atom.sha256)) return [];
    const issues = atomStructureIssues(atom, text(atom), displayPath(layout, path.join(layout.atomsDir, atom.path)));
    if (issues.length === 0) cache?.markClean(atom.sha256);
    return issues;
  });
}

function atomStructureIssues(atom: Atom, text: string, file: string): Issue[] {
  const scan = scanMarkdown(text);
  const issues: Issue[] = scan.tagLines.map((tagLine) => ({
    file,
    line: atom.bodyLine + tagLine.line - 1,
    message: `line '${tagLine.text}' would read as a section tag in every output: indent it, or put it inside a code fence`,
  }));
  const run = findLongRun(text);
  if (run) {
    const line = atom.bodyLine + countNewlines(text.slice(0, run.start));
    issues.push({
      file,
      line,
      message: describeRun(run),
    });
  }
  if (scan.unclosedFence !== undefined) {
    const opening = (text.split("\n")[scan.unclosedFence - 1] ?? "").trim();
    issues.push({
      file,
      line: atom.bodyLine + scan.unclosedFence - 1,
      message: `code fence '${opening}' never closes: add a closing fence line, or the rest of every output would read as code`,
    });
  }
  return issues;
}
