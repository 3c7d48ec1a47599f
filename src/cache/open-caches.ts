import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Encoding, Layout } from "../model.js";
import { AtomCache, isCachedAtom } from "./atom-cache.js";
import { decodeCache, type SavedEntries } from "./cache-file.js";
import { cacheKeyFile, loadCacheKey } from "./cache-key.js";
import { type CachedPlan, isCachedPlan } from "./cached-plan.js";
import { KeyedCache } from "./keyed-cache.js";
import { atomStamp, fileStamp, planStamp, tokenStamp } from "./stamps.js";
import { isStatEntry, StatIndex } from "./stat-index.js";
import { TokenStore } from "./token-store.js";

export const ATOM_CACHE = "llmsgen-atoms";
export const PLAN_CACHE = "llmsgen-plans";
export const TOKEN_CACHE = "llmsgen-tokens";
export const FILE_CACHE = "llmsgen-files";

/** The caches of one run: parsed atoms, packed plans, and token counts per encoding (read on first use). */
export interface Caches {
  /** The hash of each file read before, known from its stat (the stat index). */
  files: StatIndex;
  atoms: AtomCache;
  /** Packed plans by a hash of everything packing reads (pack/plan-cache.ts). */
  plans: KeyedCache<CachedPlan>;
  tokens(encoding: Encoding): TokenStore;
  /** Token stores opened so far, for saving. */
  opened(): ReadonlyMap<Encoding, TokenStore>;
  /** Where and with what key the caches are saved; null when caching is off for this run. */
  store: { dir: string; key: Uint8Array } | null;
}

export const fileCacheFile = (dir: string): string => path.join(dir, "files.json");
export const atomCacheFile = (dir: string): string => path.join(dir, "atoms.json");
export const planCacheFile = (dir: string): string => path.join(dir, "plans.json");
export const tokenCacheFile = (dir: string, encoding: Encoding): string => path.join(dir, `tokens-${encoding}.json`);

/**
 * Opens the caches of `layout.cacheDir`, or empty ones when caching is off or
 * the cache key cannot be had. A cache file that is missing, or made by
 * another version (another stamp), is empty; one that is unreadable, corrupt
 * or not signed with this machine's key is ignored with a warning: a cache is
 * only ever an accelerator, never trusted and never fatal.
 */
export function openCaches(layout: Layout, warn: (message: string) => void): Caches {
  const store = cacheStore(layout.cacheDir, warn);
  // Named as every other file in messages: relative to the root, with slashes.
  const shown = (file: string) => path.relative(layout.root, file).split(path.sep).join("/");
  // Opening a file verifies it and reads its index; each entry is decoded when a stage asks for it.
  const read = <T>(file: string, kind: string, stamp: string, isEntry: (value: unknown) => value is T): SavedEntries<T> => {
    if (!store) return new Map();
    const bytes = readCacheBytes(file, shown(file), warn);
    if (bytes === undefined) return new Map();
    const decoded = decodeCache(bytes, { kind, stamp, key: store.key, isEntry });
    if ("entries" in decoded) return decoded.entries;
    if ("problem" in decoded) warn(`${shown(file)}: ${decoded.problem}; ignoring it (it is rebuilt as you build; deleting it is always safe)`);
    return new Map();
  };
  const stores = new Map<Encoding, TokenStore>();
  const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;
  return {
    files: new StatIndex(store ? read(fileCacheFile(store.dir), FILE_CACHE, fileStamp(), isStatEntry) : new Map()),
    atoms: new AtomCache(store ? read(atomCacheFile(store.dir), ATOM_CACHE, atomStamp(), isCachedAtom) : new Map()),
    plans: new KeyedCache(store ? read(planCacheFile(store.dir), PLAN_CACHE, planStamp(), isCachedPlan) : new Map(), { group: (plan) => plan.shape, perGroup: 3 }),
    tokens(encoding) {
      let tokens = stores.get(encoding);
      if (!tokens) {
        tokens = new TokenStore(store ? read(tokenCacheFile(store.dir, encoding), TOKEN_CACHE, tokenStamp(encoding), isCount) : new Map());
        stores.set(encoding, tokens);
      }
      return tokens;
    },
    opened: () => stores,
    store,
  };
}

function cacheStore(dir: string | null, warn: (message: string) => void): Caches["store"] {
  if (dir === null) return null;
  const loaded = loadCacheKey(cacheKeyFile());
  if ("problem" in loaded) {
    warn(loaded.problem);
    return null;
  }
  return { dir, key: loaded.key };
}

/** A cache file's bytes; undefined when there is none or it cannot be read (with a warning: never fatal). */
function readCacheBytes(file: string, shown: string, warn: (message: string) => void): Buffer | undefined {
  try {
    // A FIFO (or socket, device) at a cache file's name would block the read forever: never opened.
    const stats = statSync(file);
    if (stats.isFIFO() || stats.isSocket() || stats.isCharacterDevice() || stats.isBlockDevice()) {
      warn(`${shown}: not a regular file, so not a cache file llmsgen wrote; ignoring it`);
      return undefined;
    }
    return readFileSync(file);
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined;
    if (code !== "ENOENT") warn(`${shown}: cannot read this cache file (${error instanceof Error ? error.message : String(error)}); ignoring it`);
    return undefined;
  }
}
