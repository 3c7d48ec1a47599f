import { sha256 } from "../hash.js";
import type { SavedEntries, SavedEntry } from "./cache-file.js";
import { KeyedCache } from "./keyed-cache.js";

/**
 * Token counts of pieces, by content: a run's memory (by piece key) in front
 * of the persistent cache's entries (by a hash of the piece key, which is made
 * only of literal text and hashes of atom text, length-prefixed, so equal keys
 * mean equal text).
 */
export class TokenStore {
  private readonly memo = new Map<string, number>();
  private readonly stored: KeyedCache<number>;

  constructor(saved: SavedEntries<number> = new Map()) {
    this.stored = new KeyedCache(saved, { limit: 1_000_000 });
  }

  get(key: string): number | undefined {
    let count = this.memo.get(key);
    if (count === undefined) {
      count = this.stored.get(storeKey(key));
      if (count !== undefined) this.memo.set(key, count);
    }
    return count;
  }

  /** True when `key`'s count is known, without marking it used (saving keeps used counts first). */
  has(key: string): boolean {
    return this.memo.has(key) || this.stored.has(storeKey(key));
  }

  set(key: string, count: number): void {
    this.memo.set(key, count);
    this.stored.set(storeKey(key), count);
  }

  /** Entries worth saving: those this run used, then older ones, up to a million. */
  entries(): Map<string, number> {
    return this.stored.entries();
  }

  /** What saving keeps, entries nothing decoded as their bytes. */
  toSave(): Map<string, number | SavedEntry> {
    return this.stored.toSave();
  }

  /** True when this run counted something the saved cache did not have. */
  get changed(): boolean {
    return this.stored.changed;
  }
}

function storeKey(key: string): string {
  return sha256(key).slice(0, 32);
}
