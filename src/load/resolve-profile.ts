import path from "node:path";
import type { Atom, Issue, Profile, ResolvedProfile, ResolvedSection } from "../model.js";
import { closest } from "./closest.js";
import { compileGlob, isGlob, leavesBase } from "./glob.js";

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
  if (profile.index) return { issues: [], warnings: [], resolved: { profile, sections: [] } };
  const issues: Issue[] = [];
  const warnings: Issue[] = [];
  const startHint = `: run llmsgen sync --adopt to make atoms of the sections of ${profile.output}`;
  const failedIds = new Set(failed.map((file) => path.posix.basename(file, ".md")));
  const byId = new Map(atoms.map((atom) => [atom.id, atom]));
  let skippedUnreadable = false;
  const match = (pattern: string, line: number, where: string): Atom[] => {
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
    const found = atoms.filter((atom) => regex.test(atom.path));
    if (found.length === 0 && failed.some((file) => regex.test(file))) {
      skippedUnreadable = true;
    } else if (found.length === 0 && outputExists && where.startsWith("include")) {
      warnings.push({ file: shown, line, message: `${where} glob '${pattern}' matches no atom file yet${startHint}` });
    } else if (found.length === 0) {
      issues.push({ file: shown, line, message: `${where} glob '${pattern}' matches no atom file` });
    }
    return found;
  };

  let sections: ResolvedSection[];
  if (profile.sections) {
    const placed = new Map<Atom, string>();
    sections = profile.sections.map((spec, index) => {
      const chosen: Atom[] = [];
      for (const [entryIndex, entry] of spec.atoms.entries()) {
        const where = `sections[${index}].atoms[${entryIndex}]`;
        const line = profile.lines[where] ?? spec.line;
        if (!isGlob(entry) && failedIds.has(entry)) {
          skippedUnreadable = true;
          continue;
        }
        const found = isGlob(entry) ? match(entry, line, where) : lookup(entry, byId, issues, shown, line, where);
        for (const atom of found) {
          const first = placed.get(atom);
          if (first) {
            issues.push({
              file: shown,
              line,
              message: `atom '${atom.id}' is named twice (${first} and ${where}): an atom may appear once per profile`,
            });
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
  } else {
    const line = profile.lines.include ?? 1;
    const chosen = new Set<Atom>();
    (profile.include ?? []).forEach((pattern, index) => {
      const where = `include[${index}]`;
      for (const atom of match(pattern, profile.lines[where] ?? line, where)) chosen.add(atom);
    });
    sections = groupByTag(atoms.filter((atom) => chosen.has(atom)), line);
  }

  if (issues.length === 0 && !skippedUnreadable && sections.every((section) => section.atoms.length === 0)) {
    const line = profile.lines.sections ?? profile.lines.include ?? 1;
    if (outputExists) {
      warnings.push({ file: shown, line, message: `this profile names no atom yet, so a build would render nothing${startHint}` });
    } else if (profile.sections?.length === 0) {
      issues.push({ file: shown, line, message: `'sections' is empty and ${profile.output} does not exist: name at least one atom, or put a hand-written file there and run llmsgen sync --adopt` });
    } else {
      issues.push({ file: shown, line, message: "every section of this profile is empty: name at least one atom" });
    }
  }
  return issues.length > 0 ? { issues, warnings } : { issues, warnings, resolved: { profile, sections } };
}

function lookup(id: string, byId: ReadonlyMap<string, Atom>, issues: Issue[], shown: string, line: number, where: string): Atom[] {
  const atom = byId.get(id);
  if (atom) return [atom];
  const hint = closest(id, byId.keys());
  issues.push({ file: shown, line, message: `${where}: no atom has id '${id}'${hint ? ` (did you mean '${hint}'?)` : ""}` });
  return [];
}

/** Sections in the order of the first atom carrying each tag; atoms keep path order. */
function groupByTag(atoms: readonly Atom[], line: number): ResolvedSection[] {
  const sections = new Map<string, ResolvedSection>();
  for (const atom of atoms) {
    const section = sections.get(atom.tag) ?? { tag: atom.tag, required: false, atoms: [], line };
    section.atoms.push(atom);
    sections.set(atom.tag, section);
  }
  return [...sections.values()];
}
