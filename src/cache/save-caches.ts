import path from "node:path";
import type { FileWrite } from "../model.js";
import { encodeCache } from "./cache-file.js";
import { ATOM_CACHE, atomCacheFile, type Caches, FILE_CACHE, fileCacheFile, PLAN_CACHE, planCacheFile, TOKEN_CACHE, tokenCacheFile } from "./open-caches.js";
import { atomStamp, fileStamp, planStamp, tokenStamp } from "./stamps.js";

const IGNORE = "# llmsgen's cache: safe to delete, never committed\n*\n";

/**
 * The files that save what a run added to its caches, signed: each cache that
 * changed, and the cache dir's own `.gitignore` (made once, never replaced),
 * so the cache stays out of version control wherever it lives. Empty when
 * caching is off or nothing changed. Writing them is best effort: a cache
 * that cannot be saved is a warning, never a failure.
 */
export function cacheWrites(caches: Caches): FileWrite[] {
  const { store } = caches;
  if (!store) return [];
  const writes: FileWrite[] = [];
  // Each file's bytes are made as it is written, never kept: a large project's caches are never all in memory at once.
  // Entries read and not decoded are written back as the bytes they were read as.
  const save = (file: string, kind: string, stamp: string, entries: () => ReadonlyMap<string, unknown>) =>
    writes.push({
      file,
      data: () => encodeCache({ kind, stamp, entries: entries() }, store.key),
      guard: "own",
    });
  if (caches.files.changed) save(fileCacheFile(store.dir), FILE_CACHE, fileStamp(), () => caches.files.toSave());
  if (caches.atoms.changed) save(atomCacheFile(store.dir), ATOM_CACHE, atomStamp(), () => caches.atoms.toSave());
  if (caches.plans.changed) save(planCacheFile(store.dir), PLAN_CACHE, planStamp(), () => caches.plans.toSave());
  for (const [encoding, tokens] of caches.opened()) {
    if (tokens.changed) save(tokenCacheFile(store.dir, encoding), TOKEN_CACHE, tokenStamp(encoding), () => tokens.toSave());
  }
  if (writes.length === 0) return [];
  return [{ file: path.join(store.dir, ".gitignore"), data: IGNORE, guard: "once" }, ...writes];
}
