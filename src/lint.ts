import path from "node:path";
import { throwIfIssues } from "./errors.js";
import { displayPath, resolveLayout, type LayoutOptions } from "./load/layout.js";
import { loadAtoms } from "./load/load-atoms.js";
import { atomStructureIssues, indexIssues } from "./load/load-project.js";
import { loadProfiles } from "./load/load-profiles.js";
import { resolveProfile } from "./load/resolve-profile.js";
import type { Atom, Issue } from "./model.js";

export interface LintIssue extends Issue {
  severity: "error" | "warning";
}

export interface LintOptions extends LayoutOptions {
  /** Profile names or paths; every profile when empty. */
  profile?: readonly string[];
}

export interface LintResult {
  issues: LintIssue[];
  errors: number;
  warnings: number;
}

/**
 * Checks every atom and the chosen profiles and reports all
 * problems at once: schema errors, duplicate ids and tags, broken structure
 * (tag-like lines, unclosed fences, empty bodies) as errors; `related` ids
 * that do not exist and filenames that disagree with the id as warnings.
 */
export function lint(options: LintOptions = {}): LintResult {
  const layout = resolveLayout(options);
  const loaded = loadAtoms(layout);
  const errors: Issue[] = [...loaded.issues];
  const warnings: Issue[] = [];
  const ids = new Set(loaded.atoms.map((atom) => atom.id));
  for (const atom of loaded.atoms) {
    const file = displayPath(layout, path.join(layout.atomsDir, atom.path));
    errors.push(...atomStructureIssues(atom, file), ...emptyBody(atom, file));
    warnings.push(...unknownRelated(atom, ids, file), ...nameMismatch(atom, file));
  }
  const profiles = loadProfiles(layout, options.profile, options.cwd);
  // Nothing to lint where the command cannot look: that is bad usage (exit 2), not a lint error.
  throwIfIssues([...loaded.issues, ...profiles.issues].filter((issue) => issue.setup));
  errors.push(...profiles.issues);
  if (profiles.profiles.some((profile) => profile.index)) {
    // An index is checked against every profile it could list, chosen or not.
    const all = profiles.all ? profiles : loadProfiles(layout, [], options.cwd);
    const chosen = new Set(profiles.profiles.map((profile) => profile.file));
    errors.push(...indexIssues(all.profiles, layout, all.failed).filter((issue) => all.profiles.some((profile) => chosen.has(profile.file) && displayPath(layout, profile.file) === issue.file)));
  }
  for (const profile of profiles.profiles) {
    errors.push(...resolveProfile(profile, loaded.atoms, displayPath(layout, profile.file), loaded.failed).issues);
  }
  const issues: LintIssue[] = [
    ...errors.map((issue) => ({ ...issue, severity: "error" as const })),
    ...warnings.map((issue) => ({ ...issue, severity: "warning" as const })),
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  return { issues, errors: errors.length, warnings: warnings.length };
}

function emptyBody(atom: Atom, file: string): Issue[] {
  return atom.text === "" ? [{ file, line: atom.bodyLine, message: "the atom has no text after the frontmatter that ends here: write its body, or delete the file" }] : [];
}

function unknownRelated(atom: Atom, ids: ReadonlySet<string>, file: string): Issue[] {
  return atom.related
    .map((id, index) => ({ id, line: atom.keyLines?.[`related[${index}]`] ?? atom.keyLines?.related ?? 1 }))
    .filter(({ id }) => !ids.has(id))
    .map(({ id, line }) => ({ file, line, message: `related atom '${id}' does not exist: fix the id or remove it from related` }));
}

function nameMismatch(atom: Atom, file: string): Issue[] {
  const name = path.posix.basename(atom.path, ".md");
  return name === atom.id ? [] : [{ file, line: atom.keyLines?.id ?? 1, message: `file name '${name}.md' and id '${atom.id}' differ: rename the file to ${atom.id}.md so both find the same atom` }];
}
