import { CacheEntries, type SavedEntries, SavedEntry } from "./cache-file.js";

/**
 * Entries read from a cache file plus those a run adds. Saving keeps what the
 * run used first; entries it did not use are kept too (up to `limit` in all),
 * so a build of some profiles does not throw away what others cached, unless
 * `keepUnused` is off (parsed atoms: a changed file's old entry is useless),
 * or `perGroup` newer entries of their `group` are kept already (earlier
 * plans of a profile packed again).
 */
export class KeyedCache<T> {
  private readonly used = new Map<string, T>();
  private added = false;

  constructor(
    private readonly saved: SavedEntries<T> = new Map(),
    /** `group`: entries of one group (versions of one thing) are kept `perGroup` at most, the used ones first. */
    private readonly options: { limit?: number; keepUnused?: boolean; group?: (value: T) => string; perGroup?: number } = {},
  ) {}

  get(key: string): T | undefined {
    const value = this.used.get(key) ?? this.saved.get(key);
    if (value !== undefined) this.used.set(key, value);
    return value;
  }

  /** True when there is an entry for `key`; it is not marked used. */
  has(key: string): boolean {
    return this.used.has(key) || this.saved.get(key) !== undefined;
  }

  /** The first entry for which `test` holds, those this run used first; it is not marked used. */
  find(test: (value: T) => boolean): T | undefined {
    for (const value of this.used.values()) if (test(value)) return value;
    for (const key of this.saved.keys()) {
      const value = this.saved.get(key);
      if (value !== undefined && test(value)) return value;
    }
    return undefined;
  }

  set(key: string, value: T): void {
    if (this.saved.get(key) !== value) this.added = true;
    this.used.set(key, value);
  }

  /** What saving keeps, decoded. */
  entries(): Map<string, T> {
    const result = new Map<string, T>();
    for (const [key, value] of this.toSave()) {
      const entry = value instanceof SavedEntry ? this.saved.get(key) : value;
      if (entry !== undefined) result.set(key, entry);
    }
    return result;
  }

  /**
   * What saving keeps: the entries used first, then the others while there
   * is room. An entry of the opened file that nothing decoded, or that was
   * decoded and not replaced, is kept as its bytes (a SavedEntry), so saving
   * costs no decoding and no JSON of it. (Entries are never changed in place:
   * a changed entry is a new value given to `set`.)
   */
  toSave(): Map<string, T | SavedEntry> {
    const raw = this.saved instanceof CacheEntries ? this.saved : undefined;
    const result = new Map<string, T | SavedEntry>();
    for (const [key, value] of this.used) {
      // Read and not replaced: kept as the bytes it was read as, with no JSON made of it again.
      const bytes = raw && raw.get(key) === value ? raw.saved(key) : undefined;
      result.set(key, bytes ?? value);
    }
    if (this.options.keepUnused === false) return result;
    const limit = this.options.limit ?? 1000;
    const { group, perGroup = Infinity } = this.options;
    const kept = new Map<string, number>();
    const keep = (value: T): boolean => {
      if (!group) return true;
      const name = group(value);
      const count = kept.get(name) ?? 0;
      kept.set(name, count + 1);
      return count < perGroup;
    };
    for (const value of this.used.values()) keep(value);
    for (const key of this.saved.keys()) {
      if (result.size >= limit) break;
      if (result.has(key)) continue;
      if (!group && raw) {
        const bytes = raw.saved(key);
        if (bytes) result.set(key, bytes);
        continue;
      }
      const value = this.saved.get(key);
      if (value !== undefined && keep(value)) result.set(key, value);
    }
    return result;
  }

  /** True when saving would change the file: an entry added or changed, or (without keepUnused) one dropped. */
  get changed(): boolean {
    return this.added || (this.options.keepUnused === false && this.used.size !== this.saved.size);
  }
}
