import { sha256 as hash } from "../hash.js";
import type { Atom } from "../model.js";
import { isRecord, type SavedEntries, type SavedEntry } from "./cache-file.js";
import { KeyedCache } from "./keyed-cache.js";

/** What a valid atom file parses to, apart from its path: enough to skip YAML on the next run. */
export type CachedAtom = Omit<Atom, "path" | "sha256" | "text"> & {
  /** Where the atom's text lies in the normalised file text. */
  start: number;
  end: number;
  /** True once its text passed the structure checks (no tag lines, closed fences, no long runs). */
  clean?: boolean;
};

/** Parsed atoms by the sha256 of their file's bytes. */
export class AtomCache {
  private readonly cache: KeyedCache<CachedAtom>;

  constructor(saved: SavedEntries<CachedAtom> = new Map()) {
    this.cache = new KeyedCache(saved, { keepUnused: false });
  }

  /** The atom for this file, if its exact bytes were parsed before. */
  get(sha256: string, path: string, text: string): Atom | undefined {
    const entry = this.cache.get(sha256);
    if (!entry || entry.end > text.length) return undefined;
    return atomOf(entry, path, sha256, text.slice(entry.start, entry.end));
  }

  /**
   * The atom for a file known by its hash alone (the stat index): all but its
   * text, which is not read (`textOf` finds it in the file's text later).
   */
  getUnread(sha256: string, path: string): Atom | undefined {
    const entry = this.cache.get(sha256);
    if (!entry) return undefined;
    return atomOf(entry, path, sha256, undefined);
  }

  /** Where the atom parsed from these bytes has its text, in the file's normalised `text`. */
  textOf(sha256: string, text: string): string | undefined {
    const entry = this.cache.get(sha256);
    return entry && entry.end <= text.length ? text.slice(entry.start, entry.end) : undefined;
  }

  /** Keeps the parse of an atom just read from its file's normalised `text`. */
  set(atom: Atom & { text: string }, text: string): void {
    const { path: _path, sha256, text: atomText, keyLines, keys: _keys, ...fields } = atom;
    const start = text.length - atomText.length - trailingSpace(text);
    if (text.slice(start, start + atomText.length) !== atomText) return; // not where expected: don't cache
    // Only the id's line is kept: lint, which reports the others, always parses.
    const lines = keyLines?.id === undefined ? {} : { keyLines: { id: keyLines.id } };
    this.cache.set(sha256, { ...fields, ...lines, start, end: start + atomText.length, keys: { text: hash(atomText), brief: hash(atom.brief) } });
  }

  isClean(sha256: string): boolean {
    return this.cache.get(sha256)?.clean === true;
  }

  markClean(sha256: string): void {
    const entry = this.cache.get(sha256);
    if (entry && !entry.clean) this.cache.set(sha256, { ...entry, clean: true });
  }

  entries(): Map<string, CachedAtom> {
    return this.cache.entries();
  }

  /** What saving keeps, entries nothing decoded as their bytes. */
  toSave(): Map<string, CachedAtom | SavedEntry> {
    return this.cache.toSave();
  }

  /** True when saving would change the file (a getter of this handle's live state; the atoms it gives are plain data). */
  get changed(): boolean {
    return this.cache.changed;
  }
}

/**
 * The atom of a cached entry: its fields, in the entry's order, without where
 * its text lies. Named one by one: a rest pattern that leaves keys out is
 * about ten times slower, which a warm build pays once per atom (10,000
 * atoms: ~50 ms). A key added to CachedAtom fails the compile at
 * the callers until it is handled here (Unhandled).
 */
type Handled = "id" | "title" | "brief" | "tag" | "ownTag" | "priority" | "required" | "related" | "updated" | "bodyLine" | "otherKeys" | "keyLines" | "keys" | "start" | "end" | "clean";
type Unhandled = Record<Exclude<keyof CachedAtom, Handled>, never>;

function atomOf(entry: CachedAtom & Unhandled, path: string, sha256: string, text: string | undefined): Atom {
  const { id, title, brief, tag, ownTag, priority, required, related, updated, bodyLine, otherKeys, keyLines, keys } = entry;
  return {
    id,
    title,
    brief,
    tag,
    ...("ownTag" in entry ? { ownTag } : {}),
    priority,
    required,
    related: [...related],
    ...("updated" in entry ? { updated } : {}),
    bodyLine,
    ...("otherKeys" in entry ? { otherKeys } : {}),
    ...("keyLines" in entry ? { keyLines } : {}),
    ...("keys" in entry ? { keys } : {}),
    path,
    sha256,
    text,
  };
}

function trailingSpace(text: string): number {
  return text.length - text.trimEnd().length;
}

/** The shape of a parsed-atom entry, checked on every entry read (signed files are trusted only to have been made by this code). */
export function isCachedAtom(value: unknown): value is CachedAtom {
  if (!isRecord(value)) return false;
  const { id, title, brief, tag, ownTag, priority, required, related, start, end, bodyLine } = value;
  return (
    typeof id === "string" &&
    typeof title === "string" &&
    typeof brief === "string" &&
    typeof tag === "string" &&
    typeof ownTag === "boolean" &&
    typeof priority === "number" &&
    typeof required === "boolean" &&
    Array.isArray(related) &&
    related.every((item) => typeof item === "string") &&
    typeof start === "number" &&
    typeof end === "number" &&
    start <= end &&
    typeof bodyLine === "number" &&
    (value.keys === undefined || (isRecord(value.keys) && typeof value.keys.text === "string" && typeof value.keys.brief === "string"))
  );
}
