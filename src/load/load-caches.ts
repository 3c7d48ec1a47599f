import path from "node:path";
import type { Encoding, Layout } from "../model.js";
import { TokenStore } from "../pack/token-store.js";
import { llmsgenVersion, tiktokenVersion } from "../version.js";
import { AtomCache, isCachedAtom } from "./atom-cache.js";
import { type CachedPlan, isCachedPlan } from "../pack/plan-cache.js";
import { KeyedCache } from "./keyed-cache.js";
import { readCache } from "./read-cache.js";

export const ATOM_CACHE = "llmsgen-atoms";
export const TOKEN_CACHE = "llmsgen-tokens";
export const PLAN_CACHE = "llmsgen-plans";

/** Bumped whenever packing decides differently, so plans cached by an older algorithm are dropped. */
const PACKING = 4;

/** The caches of one run: parsed atoms, packed plans, and token counts per encoding (read on first use). */
export interface Caches {
  atoms: AtomCache;
  /** Packed plans by a hash of everything packing reads (pack/plan-cache.ts). */
  plans: KeyedCache<CachedPlan>;
  tokens(encoding: Encoding): TokenStore;
  /** Token stores opened so far, for saving. */
  opened(): ReadonlyMap<Encoding, TokenStore>;
}

export function atomCacheFile(dir: string): string {
  return path.join(dir, "atoms.json");
}

export function planCacheFile(dir: string): string {
  return path.join(dir, "plans.json");
}

export function planStamp(): string {
  return `llmsgen ${llmsgenVersion()} packing ${PACKING} tiktoken ${tiktokenVersion()}`;
}

export function tokenCacheFile(dir: string, encoding: Encoding): string {
  return path.join(dir, `tokens-${encoding}.json`);
}

/** Stamps name everything an entry depends on; a cache with another stamp is ignored. */
export function atomStamp(): string {
  return `llmsgen ${llmsgenVersion()}`;
}

export function tokenStamp(encoding: Encoding): string {
  return `tiktoken ${tiktokenVersion()} ${encoding}`;
}

/** Opens the caches of `layout.cacheDir`, or empty ones when caching is off. */
export function loadCaches(layout: Layout, warn: (message: string) => void): Caches {
  const dir = layout.cacheDir;
  const atoms = new AtomCache(dir ? readCache(atomCacheFile(dir), ATOM_CACHE, atomStamp(), isCachedAtom, warn) : new Map());
  const stores = new Map<Encoding, TokenStore>();
  const plans = new KeyedCache(dir ? readCache(planCacheFile(dir), PLAN_CACHE, planStamp(), isCachedPlan, warn) : new Map<string, CachedPlan>());
  return {
    atoms,
    plans,
    tokens(encoding) {
      let store = stores.get(encoding);
      if (!store) {
        const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
        store = new TokenStore(dir ? readCache(tokenCacheFile(dir, encoding), TOKEN_CACHE, tokenStamp(encoding), isCount, warn) : new Map());
        stores.set(encoding, store);
      }
      return store;
    },
    opened: () => stores,
  };
}
