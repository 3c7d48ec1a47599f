import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { AtomCache } from "../cache/atom-cache.js";
import type { StatIndex } from "../cache/stat-index.js";
import { ConcurrentEditError } from "../errors.js";
import type { Atom, AtomTextOf, Layout } from "../model.js";
import { displayPath } from "./layout.js";
import { normaliseText } from "./read-text.js";

/** The caches an atom known by its hash alone came from: they say where its text lies in its file. */
export interface AtomSources {
  atoms?: AtomCache;
  files?: StatIndex;
}

/**
 * Reads atoms' texts: an atom's own, or, for one known by its file's hash
 * alone (loadAtoms with a stat index), its file's, read on the call and kept
 * for later calls. The file's stat must still be what the index recorded, or
 * it changed while llmsgen ran, and the run stops rather than mix old facts
 * with new text.
 */
export function atomTextReader(layout: Layout, sources: AtomSources): AtomTextOf {
  const read = new Map<Atom, string>();
  return (atom) => {
    if (atom.text !== undefined) return atom.text;
    const known = read.get(atom);
    if (known !== undefined) return known;
    const file = path.join(layout.atomsDir, atom.path);
    const shown = displayPath(layout, file);
    const text = sources.files && sources.atoms?.textOf(atom.sha256, readUnchanged(file, shown, sources.files));
    if (text === undefined) throw new Error(`${shown} was loaded without its text, and the caches that vouched for it cannot give it`);
    read.set(atom, text);
    return text;
  };
}

/** The normalised text of a file the stat index vouched for; a ConcurrentEditError when its stat changed since. */
function readUnchanged(file: string, shown: string, files: StatIndex): string {
  const bytes = readFileSync(file);
  if (!files.unchanged(file, statSync(file))) {
    throw new ConcurrentEditError(shown, `${shown} changed on disk while llmsgen ran: nothing was written; run the command again`);
  }
  return normaliseText(bytes.toString("utf8"));
}
