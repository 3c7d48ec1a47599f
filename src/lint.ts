import path from "node:path";
import { throwIfIssues } from "./errors.js";
import { displayPath, resolveLayout, type LayoutOptions } from "./load/layout.js";
import { collectProject } from "./load/load-project.js";
import { atomTextReader } from "./load/read-atom-text.js";
import { planExampleChecks } from "./examples/plan-example-checks.js";
import { locateChecker, runChecker } from "./load/run-checker.js";
import { compileGlob } from "./load/glob.js";
import { ORDER_PREFIX } from "./load/resolve-profile.js";
import { OTHER_TOOL_KEYS } from "./load/validate-atom.js";
import type { Atom, AtomTextOf, Issue, Layout, ResolvedProfile } from "./model.js";

export interface LintIssue extends Issue {
  severity: "error" | "warning";
}

export interface LintOptions extends LayoutOptions {
  /** Profile names or paths; every profile when empty. */
  profile?: readonly string[];
  /** Also run the fenced code blocks of the profiles' atoms through the checkers the profiles configure (`examples:`). */
  examples?: boolean;
  /** Time limit for one block's check, in ms (default 60 s); a check that takes longer fails. */
  exampleTimeout?: number;
}

export interface LintResult {
  issues: LintIssue[];
  errors: number;
  warnings: number;
  /** With `examples`: how many (block, checker) pairs ran, and how many failed. */
  examples?: { checked: number; failed: number };
}

/**
 * Checks every atom and the chosen profiles and reports all
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
  // Every atom was read to be parsed: the reader gives each its own text.
  const text = atomTextReader(layout, {});
  for (const atom of collected.atoms) {
    const file = displayPath(layout, path.join(layout.atomsDir, atom.path));
    errors.push(...emptyBody(atom, text(atom), file));
    warnings.push(...unknownRelated(atom, ids, file), ...nameMismatch(atom, file));
  }
  warnings.push(...unreadKeys(collected.atoms, new Set(options.knownKeys ?? []), (atom) => displayPath(layout, path.join(layout.atomsDir, atom.path))));
  warnings.push(...idleExcludes([...collected.profiles, ...collected.support], collected.atoms, layout));
  const examples = options.examples ? checkExamples(collected.profiles, layout, text, options.exampleCheckers, options.exampleTimeout) : undefined;
  if (examples) {
    errors.push(...examples.failures);
    warnings.push(...examples.notes);
  }
  const issues: LintIssue[] = [
    ...errors.map((issue) => ({ ...issue, severity: "error" as const })),
    ...warnings.map((issue) => ({ ...issue, severity: "warning" as const })),
  ].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  return { issues, errors: errors.length, warnings: warnings.length, ...(examples ? { examples: { checked: examples.checked, failed: examples.failures.length } } : {}) };
}

/**
 * Runs every configured checker over its blocks. Every checker's program is
 * looked up before any block runs: one that is not installed is bad config
 * (an InputError, exit 2), not a failed example.
 */
function checkExamples(
  profiles: readonly ResolvedProfile[],
  layout: Layout,
  text: AtomTextOf,
  fromConfig: LayoutOptions["exampleCheckers"],
  timeout?: number,
): { failures: Issue[]; notes: Issue[]; checked: number } {
  const fileOf = (atom: Atom) => displayPath(layout, path.join(layout.atomsDir, atom.path));
  // The config's checkers apply to every profile; a profile's own come first.
  const shared = (fromConfig?.checkers ?? []).map((checker) => ({ checker, profile: fromConfig?.file ?? "" }));
  const own = (resolved: ResolvedProfile) => (resolved.profile.examples ?? []).map((checker) => ({ checker, profile: displayPath(layout, resolved.profile.file) }));
  const checkersOf = (resolved: ResolvedProfile) => [...own(resolved), ...shared];
  const configured = [...profiles.flatMap(own), ...shared];
  if (configured.length === 0) {
    return { failures: [], notes: [{ file: "--examples", message: 'neither the config nor a profile configures a checker (examples: { LANGUAGE: "COMMAND {file}" }): no code block was checked' }], checked: 0 };
  }
  const programs = new Map<string, string>();
  const missing: Issue[] = [];
  for (const { checker, profile } of configured) {
    const [program = ""] = checker.command;
    const found = locateChecker(program, layout.root);
    if ("file" in found) programs.set(program, found.file);
    else missing.push({ file: profile, line: checker.line, message: `examples.${checker.language}: ${found.missing}` });
  }
  throwIfIssues(missing);
  const checks = planExampleChecks(profiles, { fileOf, text }, checkersOf);
  const failures: Issue[] = [];
  for (const check of checks) {
    const [program = ""] = check.checker.command;
    const outcome = runChecker(check, programs.get(program) ?? program, layout.root, timeout);
    if (!outcome.passed) {
      failures.push({
        file: check.file,
        line: check.line,
        message: `${check.language} code block fails its check: '${check.checker.command.join(" ")}' (${check.profile}:${check.checker.line}) ${outcome.why}${indentedOutput(outcome.output)}`,
      });
    }
  }
  return { failures, notes: [], checked: checks.length };
}

/** A checker's output under its failure, indented and cut to what a reader takes in (colour codes removed). */
function indentedOutput(output: string): string {
  const MAX_LINES = 20;
  const MAX_WIDTH = 300;
  const text = output.replace(ANSI_ESCAPE, "").replace(/\r\n?/g, "\n").trimEnd();
  if (text === "") return "";
  const lines = text.split("\n");
  const shown = lines.slice(0, MAX_LINES).map((line) => `\n    ${line.length > MAX_WIDTH ? `${line.slice(0, MAX_WIDTH - 1)}…` : line}`);
  if (lines.length > MAX_LINES) shown.push(`\n    … ${lines.length - MAX_LINES} more lines`);
  return `:${shown.join("")}`;
}

const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");
function emptyBody(atom: Atom, text: string, file: string): Issue[] {
  return text === "" ? [{ file, line: atom.bodyLine, message: "the atom has no text after the frontmatter that ends here: write its body, or delete the file" }] : [];
}

function unknownRelated(atom: Atom, ids: ReadonlySet<string>, file: string): Issue[] {
  return atom.related
    .map((id, index) => ({ id, line: atom.keyLines?.[`related[${index}]`] ?? atom.keyLines?.related ?? 1 }))
    .filter(({ id }) => !ids.has(id))
    .map(({ id, line }) => ({ file, line, message: `related atom '${id}' does not exist: fix the id or remove it from related` }));
}

/**
 * A file is named after its atom's id, optionally behind an order prefix
 * (`07-`, `07b-`) that sets its place in path order; by the filename
 * convention (`tags_from: filename`) also `NN-parent--ID.md`, or
 * `NN-parent--child.md` for the id `parent-child`. Names starting with `_`
 * are left alone.
 */
function nameMismatch(atom: Atom, file: string): Issue[] {
  const name = path.posix.basename(atom.path, ".md");
  const bare = name.replace(ORDER_PREFIX, "");
  const [parent, ...rest] = bare.split("--");
  const child = rest.join("--");
  const names = [name, bare, ...(child === "" ? [] : [child, `${parent}-${child}`])];
  // `_index.md` and the like are named by another tool (a site generator's section page) and can never be an id.
  if (name.startsWith("_") || names.includes(atom.id)) return [];
  return [{ file, line: atom.keyLines?.id ?? 1, message: `file name '${name}.md' and id '${atom.id}' differ: rename the file to ${atom.id}.md (an order prefix such as 10- may stand before the id) so both find the same atom` }];
}

/** `exclude` globs that match no atom file: a leftover, or a pattern that misses what it was meant to leave out. */
function idleExcludes(profiles: readonly ResolvedProfile[], atoms: readonly Atom[], layout: Layout): Issue[] {
  return profiles.flatMap(({ profile }) =>
    (profile.exclude ?? []).flatMap((pattern, index) => {
      const glob = compileGlob(pattern);
      if ("error" in glob || atoms.some((atom) => glob.regex.test(atom.path))) return [];
      return [{ file: displayPath(layout, profile.file), line: profile.lines[`exclude[${index}]`] ?? profile.lines.exclude ?? 1, message: `exclude[${index}] '${pattern}' matches no atom file, so it excludes nothing: fix the pattern, or remove it` }];
    }),
  );
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
