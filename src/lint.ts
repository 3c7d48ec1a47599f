import path from "node:path";
import { throwIfIssues } from "./errors.js";
import { displayPath, resolveLayout, type LayoutOptions } from "./load/layout.js";
import { collectProject } from "./load/load-project.js";
import { OTHER_TOOL_KEYS } from "./load/validate-atom.js";
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
 * Checks every atom and the chosen profiles (SPEC §10) and reports all
 * problems at once: everything a build would refuse (schema errors,
 * misspelt keys, duplicate ids and tags, broken structure) plus empty bodies
 * as errors; `related` ids that do not exist, file names that disagree with
 * the id, and frontmatter keys llmsgen does not read as warnings.
 */
export function lint(options: LintOptions = {}): LintResult {
  const layout = resolveLayout(options);
  // Lint parses every atom afresh (no cache), so each issue can point at its line.
  const collected = collectProject(layout, { ...options, structureOf: "all" });
  // Nothing to lint where the command cannot look: that is bad usage (exit 2), not a lint error.
  throwIfIssues(collected.issues.filter((issue) => issue.setup));
  const errors: Issue[] = [...collected.issues];
  const warnings: Issue[] = [];
  const ids = new Set(collected.atoms.map((atom) => atom.id));
  for (const atom of collected.atoms) {
    const file = displayPath(layout, path.join(layout.atomsDir, atom.path));
    errors.push(...emptyBody(atom, file));
    warnings.push(...unknownRelated(atom, ids, file), ...nameMismatch(atom, file));
  }
  warnings.push(...unreadKeys(collected.atoms, new Set(options.knownKeys ?? []), (atom) => displayPath(layout, path.join(layout.atomsDir, atom.path))));
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

/**
 * Frontmatter keys llmsgen does not read (other than other tools' common keys
 * and keys declared known): one warning per key, at its first atom, with the
 * number of atoms that carry it.
 */
function unreadKeys(atoms: readonly Atom[], knownKeys: ReadonlySet<string>, fileOf: (atom: Atom) => string): Issue[] {
  const byKey = new Map<string, { first: Atom; count: number }>();
  for (const atom of atoms) {
    for (const key of atom.otherKeys ?? []) {
      if (OTHER_TOOL_KEYS.has(key) || knownKeys.has(key)) continue;
      const seen = byKey.get(key);
      if (seen) seen.count++;
      else byKey.set(key, { first: atom, count: 1 });
    }
  }
  return [...byKey].map(([key, { first, count }]) => ({
    file: fileOf(first),
    line: first.keyLines?.[key] ?? 1,
    message: `frontmatter key '${key}' is not one llmsgen reads, so it is ignored (${count === 1 ? "1 atom" : `${count} atoms, first here`})`,
  }));
}
