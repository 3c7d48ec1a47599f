import path from "node:path";
import type { Atom, Issue, Profile, ResolvedProfile, ResolvedSection, SectionSpec } from "../model.js";
import { closest } from "./closest.js";
import { compileGlob, isGlob, leavesBase } from "./glob.js";
import { TAG } from "./validate-atom.js";

/**
 * Looks up every atom a profile names (ids and globs) and groups
 * them into sections. Pure: `atoms` must be in natural path order.
 */
export function resolveProfile(
  profile: Profile,
  atoms: readonly Atom[],
  shown: string,
  /**
   * Atom files (relative paths) that failed to load and were reported already:
   * references that may mean them are not reported again.
   */
  failed: readonly string[] = [],
  /**
   * True when the profile's output already exists: a profile may then start
   * with nothing to render (an empty `sections:` list, an `include` glob that
   * matches nothing), so that `sync --adopt` can make atoms of the file.
   * Those problems are then `warnings`, not issues.
   */
  outputExists = false,
): { resolved?: ResolvedProfile; issues: Issue[]; warnings: Issue[] } {
  if (profile.index || profile.parts) return { issues: [], warnings: [], resolved: { profile, sections: [] } };
  const issues: Issue[] = [];
  const context: Resolving = { profile, atoms, shown, failed, outputExists, issues, warnings: [], skippedUnreadable: false, excluded: excludedAtoms(profile, atoms, shown, issues) };
  const sections = profile.sections ? resolveSections(context, profile.sections) : resolveInclude(context);
  if (issues.length === 0 && !context.skippedUnreadable && sections.every((section) => section.atoms.length === 0)) emptyProfile(context);
  return issues.length > 0 ? { issues, warnings: context.warnings } : { issues, warnings: context.warnings, resolved: { profile, sections } };
}

/** One profile being resolved: its inputs, and the problems found so far. */
interface Resolving {
  profile: Profile;
  atoms: readonly Atom[];
  shown: string;
  failed: readonly string[];
  outputExists: boolean;
  issues: Issue[];
  warnings: Issue[];
  /** True once a reference was passed over because it may mean an atom file that failed to load. */
  skippedUnreadable: boolean;
  excluded: ReadonlySet<Atom>;
}

function startHint(profile: Profile): string {
  return `: run llmsgen sync --adopt to make atoms of the sections of ${profile.output}`;
}

/** The atoms a glob entry picks, less the excluded ones; a glob that picks none is a problem unless it may mean a file that failed to load. */
function matchGlob(context: Resolving, pattern: string, line: number, where: string): Atom[] {
  const { shown, issues } = context;
  if (leavesBase(pattern)) {
    issues.push({ file: shown, line, message: `${where} '${pattern}' leaves the atoms dir: globs are relative to it and may not use '..'` });
    return [];
  }
  const glob = compileGlob(pattern);
  if ("error" in glob) {
    issues.push({ file: shown, line, message: `${where} glob '${pattern}' ${glob.error}` });
    return [];
  }
  const { regex } = glob;
  const matched = context.atoms.filter((atom) => regex.test(atom.path));
  const found = context.excluded.size === 0 ? matched : matched.filter((atom) => !context.excluded.has(atom));
  if (found.length === 0 && matched.length > 0) {
    issues.push({ file: shown, line, message: `${where} glob '${pattern}' matches ${matched.length === 1 ? "one atom file" : `${matched.length} atom files`}, and 'exclude' removes every one: narrow 'exclude', or drop this entry` });
    return found;
  }
  if (found.length === 0 && context.failed.some((file) => regex.test(file))) {
    context.skippedUnreadable = true;
  } else if (found.length === 0 && context.outputExists && where.startsWith("include")) {
    context.warnings.push({ file: shown, line, message: `${where} glob '${pattern}' matches no atom file yet${startHint(context.profile)}` });
  } else if (found.length === 0) {
    issues.push({ file: shown, line, message: `${where} glob '${pattern}' matches no atom file` });
  }
  return found;
}

/** A `sections:` profile: each entry's atoms, by id or glob, each atom at most once in the profile. */
function resolveSections(context: Resolving, specs: readonly SectionSpec[]): ResolvedSection[] {
  const { profile, shown, issues } = context;
  const failedIds = new Set(context.failed.map((file) => path.posix.basename(file, ".md")));
  const byId = new Map(context.atoms.map((atom) => [atom.id, atom]));
  const placed = new Map<Atom, string>();
  return specs.map((spec, index) => {
    const chosen: Atom[] = [];
    for (const [entryIndex, entry] of spec.atoms.entries()) {
      const where = `sections[${index}].atoms[${entryIndex}]`;
      const line = profile.lines[where] ?? spec.line;
      if (!isGlob(entry) && failedIds.has(entry)) {
        context.skippedUnreadable = true;
        continue;
      }
      const found = isGlob(entry) ? matchGlob(context, entry, line, where) : lookup(entry, byId, issues, shown, line, where);
      for (const atom of found) {
        const first = placed.get(atom);
        if (first) {
          issues.push({ file: shown, line, message: `atom '${atom.id}' is named twice (${first} and ${where}): an atom may appear once per profile` });
          continue;
        }
        placed.set(atom, where);
        chosen.push(atom);
      }
    }
    return {
      tag: spec.tag,
      required: spec.required,
      atoms: chosen,
      line: spec.line,
      ...(spec.intro === undefined ? {} : { intro: spec.intro }),
      ...(spec.budget === undefined ? {} : { budget: spec.budget }),
    };
  });
}

/** An `include:` profile: the atoms its globs pick, in path order, one section per tag; no section may take the wrapper's tag. */
function resolveInclude(context: Resolving): ResolvedSection[] {
  const { profile, shown, issues } = context;
  const line = profile.lines.include ?? 1;
  const chosen = new Set<Atom>();
  (profile.include ?? []).forEach((pattern, index) => {
    const where = `include[${index}]`;
    for (const atom of matchGlob(context, pattern, profile.lines[where] ?? line, where)) chosen.add(atom);
  });
  const tagOf = profile.tagsFrom === "filename" ? filenameTagger(shown, profile.lines.tags_from ?? line, issues) : (atom: Atom) => atom.tag;
  const sections = groupByTag(context.atoms.filter((atom) => chosen.has(atom)), line, tagOf);
  const clash = sections.find((section) => section.tag === profile.wrapper);
  if (clash) {
    const how = profile.tagsFrom === "filename" ? "its file name" : "its tag";
    issues.push({ file: shown, line: profile.lines.wrapper ?? line, message: `the wrapper <${clash.tag}> is also a section's tag (${how} gives atom ${clash.atoms[0]?.path ?? "?"} that tag): a section cannot share the wrapper's tag; rename the wrapper` });
  }
  return sections;
}

/** A profile that names no atom: a warning when its output exists (adopt can start from it), else an issue. */
function emptyProfile({ profile, shown, outputExists, issues, warnings }: Resolving): void {
  const line = profile.lines.sections ?? profile.lines.include ?? 1;
  if (outputExists) {
    warnings.push({ file: shown, line, message: `this profile names no atom yet, so a build would render nothing${startHint(profile)}` });
  } else if (profile.sections?.length === 0) {
    issues.push({ file: shown, line, message: `'sections' is empty and ${profile.output} does not exist: name at least one atom, or put a hand-written file there and run llmsgen sync --adopt` });
  } else {
    issues.push({ file: shown, line, message: "every section of this profile is empty: name at least one atom" });
  }
}

function lookup(id: string, byId: ReadonlyMap<string, Atom>, issues: Issue[], shown: string, line: number, where: string): Atom[] {
  const atom = byId.get(id);
  if (atom) return [atom];
  const hint = closest(id, byId.keys());
  issues.push({ file: shown, line, message: `${where}: no atom has id '${id}'${hint ? ` (did you mean '${hint}'?)` : ""}` });
  return [];
}

/** Sections in the order of the first atom carrying each tag; atoms keep path order. Atoms with no tag (undefined) are left out. */
function groupByTag(atoms: readonly Atom[], line: number, tagOf: (atom: Atom) => string | undefined): ResolvedSection[] {
  const sections = new Map<string, ResolvedSection>();
  for (const atom of atoms) {
    const tag = tagOf(atom);
    if (tag === undefined) continue;
    const section = sections.get(tag) ?? { tag, required: false, atoms: [], line };
    section.atoms.push(atom);
    sections.set(tag, section);
  }
  return [...sections.values()];
}

/** The atoms the profile's `exclude` globs match; a bad glob is an issue at its line. */
function excludedAtoms(profile: Profile, atoms: readonly Atom[], shown: string, issues: Issue[]): Set<Atom> {
  const excluded = new Set<Atom>();
  (profile.exclude ?? []).forEach((pattern, index) => {
    const where = `exclude[${index}]`;
    const line = profile.lines[where] ?? profile.lines.exclude ?? 1;
    if (leavesBase(pattern)) {
      issues.push({ file: shown, line, message: `${where} '${pattern}' leaves the atoms dir: globs are relative to it and may not use '..'` });
      return;
    }
    const glob = compileGlob(pattern);
    if ("error" in glob) {
      issues.push({ file: shown, line, message: `${where} glob '${pattern}' ${glob.error}` });
      return;
    }
    for (const atom of atoms) if (glob.regex.test(atom.path)) excluded.add(atom);
  });
  return excluded;
}

/**
 * `tags_from: filename`: an atom's own `tag:` wins; otherwise its file
 * name's convention names the section (filenameTag). A name that gives no
 * valid tag is an issue naming the file, never a guess.
 */
function filenameTagger(shown: string, line: number, issues: Issue[]): (atom: Atom) => string | undefined {
  return (atom) => {
    if (atom.ownTag) return atom.tag;
    const tag = filenameTag(atom.path);
    if (TAG.test(tag)) return tag;
    issues.push({
      file: shown,
      line,
      message: `tags_from: filename: the file name of ${atom.path} gives no valid tag (${JSON.stringify(tag)}): name it NN-parent--child.md with letters first after the order prefix, or give the atom a tag: in its frontmatter`,
    });
    return undefined;
  };
}

/**
 * The section a file name names by convention: the name without `.md` and
 * without an order prefix (`07-`, `07b-`); the part before the first `--`
 * (the whole name when there is none); in UPPER_SNAKE.
 * `03-signing--sign-verify.md` → `SIGNING`, `08-profiles.md` → `PROFILES`.
 */
export function filenameTag(atomPath: string): string {
  const name = path.posix.basename(atomPath, ".md").replace(ORDER_PREFIX, "");
  const parent = name.split("--")[0] ?? name;
  return parent.replace(/-/g, "_").toUpperCase();
}

/** An order prefix of the filename convention: digits, at most one letter, a hyphen. */
export const ORDER_PREFIX = /^[0-9]+[a-z]?-/;
