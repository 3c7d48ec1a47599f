import { readdirSync, realpathSync, statSync, type Stats } from "node:fs";
import path from "node:path";
import type { Atom, Issue, Layout } from "../model.js";
import { AtomCache } from "../cache/atom-cache.js";
import type { StatIndex } from "../cache/stat-index.js";
import { displayPath, isWithin } from "./layout.js";
import { naturalCompare } from "./natural-compare.js";
import { parseFrontmatter } from "./parse-frontmatter.js";
import { kindOf, notRegular, readSourceText } from "./read-text.js";
import { misspelledKey, validateAtom } from "./validate-atom.js";

export interface LoadedAtoms {
  /** Every valid atom, in natural path order. */
  atoms: Atom[];
  /** Paths (relative to the atoms dir) of files that failed to load; their issues are in `issues`. */
  failed: string[];
  issues: Issue[];
}

export interface AtomLoadOptions {
  /** Frontmatter keys the project declares known: never taken for misspellings of llmsgen's keys. */
  knownKeys?: ReadonlySet<string>;
  /** Hashes of files known from their stat: such a file is read only when its text is needed. */
  files?: StatIndex;
  /** Told of each atom parsed from its file (not restored from the cache), as soon as it is valid. */
  onParsed?: (atom: Atom & { text: string }) => void;
}

/** Reads and validates every `**\/*.md` file of the atoms dir. */
export function loadAtoms(layout: Layout, cache: AtomCache = new AtomCache(), options: AtomLoadOptions = {}): LoadedAtoms {
  const issues: Issue[] = [];
  const files = listAtomFiles(layout, issues);
  const atoms: Atom[] = [];
  const failed: string[] = [];
  for (const { file, relative } of files) {
    const stats = options.files ? statOf(file) : undefined;
    const indexed = stats && options.files?.sha256(file, stats);
    if (indexed) {
      // Known by its stat: its text is read only if a stage asks for it (load/read-atom-text.ts).
      const unread = cache.getUnread(indexed, relative);
      if (unread && Array.isArray(unread.otherKeys) && !unread.otherKeys.some((key) => misspelledKey(key, options.knownKeys))) {
        atoms.push(unread);
        continue;
      }
    }
    const shown = displayPath(layout, file);
    const source = readSourceText(file, shown);
    if (stats && "sha256" in source) options.files?.record(file, stats, source.sha256);
    if ("issue" in source) {
      issues.push(source.issue);
      failed.push(relative);
      continue;
    }
    const known = cache.get(source.sha256, relative, source.text);
    // A cached atom is valid as parsed; whether one of its other keys reads as a misspelling depends on today's known keys.
    if (known && Array.isArray(known.otherKeys) && !known.otherKeys.some((key) => misspelledKey(key, options.knownKeys))) {
      atoms.push(known);
      continue;
    }
    const parsed = parseFrontmatter(source.text, shown);
    issues.push(...parsed.issues);
    if (!parsed.frontmatter) {
      failed.push(relative);
      continue;
    }
    const atom = validateAtom(parsed.frontmatter, {
      file: shown,
      path: relative,
      sha256: source.sha256,
      issues,
      ...(options.knownKeys ? { knownKeys: options.knownKeys } : {}),
    });
    if (atom) {
      atoms.push(atom);
      cache.set(atom, source.text);
      options.onParsed?.(atom);
    } else {
      failed.push(relative);
    }
  }
  issues.push(...duplicateIds(atoms, layout));
  return { atoms, failed, issues };
}

function statOf(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Lists the markdown files below the atoms dir in natural path order. Links
 * are followed only while they stay inside the dir; one leading out is an error.
 */
function listAtomFiles(layout: Layout, issues: Issue[]): { file: string; relative: string }[] {
  const base = layout.atomsDir;
  let realBase: string;
  try {
    realBase = realpathSync(base);
    if (!statSync(realBase).isDirectory()) throw new Error("not a directory");
  } catch {
    issues.push({ file: displayPath(layout, base), setup: true, message: "atoms dir not found: create it, or point --atoms or --root at it" });
    return [];
  }
  const found: { file: string; relative: string }[] = [];
  const visited = new Set<string>([realBase]);
  // `prefix` is the dir relative to the atoms dir, with `/` separators: no path.relative per file.
  const walk = (dir: string, prefix: string): void => {
    // Dirents say what each entry is without a stat per file; only links are resolved.
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        let real: string;
        try {
          real = realpathSync(full);
        } catch {
          issues.push({ file: displayPath(layout, full), message: "broken symbolic link in the atoms dir: remove it or fix its target" });
          continue;
        }
        if (!isWithin(realBase, real)) {
          issues.push({ file: displayPath(layout, full), message: "symbolic link leads outside the atoms dir: atoms must stay inside it" });
          continue;
        }
        const stats = statSync(real);
        isDirectory = stats.isDirectory();
        isFile = stats.isFile();
        if (isDirectory) {
          if (visited.has(real)) continue;
          visited.add(real);
        }
      }
      if (isDirectory) walk(full, `${prefix}${entry.name}/`);
      else if (isFile && entry.name.endsWith(".md")) found.push({ file: full, relative: `${prefix}${entry.name}` });
      // A FIFO, socket or device named like an atom is never opened (a FIFO would block the read): said, not skipped.
      else if (entry.name.endsWith(".md")) issues.push({ file: displayPath(layout, full), message: notRegular(kindOf(entry.isSymbolicLink() ? statSync(full) : entry)) });
    }
  };
  walk(base, "");
  return found.sort((a, b) => naturalCompare(a.relative, b.relative));
}

function duplicateIds(atoms: readonly Atom[], layout: Layout): Issue[] {
  const firstById = new Map<string, Atom>();
  const issues: Issue[] = [];
  for (const atom of atoms) {
    const first = firstById.get(atom.id);
    if (first) {
      issues.push({
        file: displayPath(layout, path.join(layout.atomsDir, atom.path)),
        line: atom.keyLines?.id ?? 1,
        message: `duplicate atom id '${atom.id}', also used by ${displayPath(layout, path.join(layout.atomsDir, first.path))}: ids must be unique`,
      });
    } else {
      firstById.set(atom.id, atom);
    }
  }
  return issues;
}
