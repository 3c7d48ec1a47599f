import {
  ATOM_CACHE,
  atomCacheFile,
  atomStamp,
  type Caches,
  PLAN_CACHE,
  planCacheFile,
  planStamp,
  TOKEN_CACHE,
  tokenCacheFile,
  tokenStamp,
} from "../load/load-caches.js";
import type { Layout } from "../model.js";
import { writeCache } from "./write-cache.js";

/** Saves what a run added to its caches; a cache that did not change is not rewritten. */
export function saveCaches(layout: Layout, caches: Caches): void {
  const dir = layout.cacheDir;
  if (!dir) return;
  if (caches.atoms.changed) writeCache(atomCacheFile(dir), ATOM_CACHE, atomStamp(), caches.atoms.entries());
  if (caches.plans.changed) writeCache(planCacheFile(dir), PLAN_CACHE, planStamp(), caches.plans.entries());
  for (const [encoding, store] of caches.opened()) {
    if (store.changed) writeCache(tokenCacheFile(dir, encoding), TOKEN_CACHE, tokenStamp(encoding), store.entries());
  }
}
