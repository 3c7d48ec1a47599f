import type { Stats } from "node:fs";
import type { SavedEntries, SavedEntry } from "./cache-file.js";
import { KeyedCache } from "./keyed-cache.js";

/**
 * What a file's stat said when its bytes were hashed (as git's index keeps
 * it): while size, mtime, ctime and inode are all the same, the bytes are
 * taken to be the same and are not read again. A tuple, to keep the file
 * small: [size, mtimeMs, ctimeMs, ino, sha256, seenMs], where seenMs is when
 * the entry was recorded (how racy-clean entries are told apart).
 */
export type StatEntry = [size: number, mtimeMs: number, ctimeMs: number, ino: number, sha256: string, seenMs: number];

const SHA = 4;
const SEEN = 5;

/**
 * A file whose mtime is this close to the moment it was hashed (or later)
 * may be changed again within the same timestamp tick without its mtime
 * changing (timestamps are as coarse as 2 s on some filesystems): such an
 * entry is "racily clean", and its file is hashed again, as git does.
 */
export const RACY_MS = 2_000;

/** sha256 of files' raw bytes by absolute path, known from their stat alone while it does not change. */
export class StatIndex {
  private readonly cache: KeyedCache<StatEntry>;

  constructor(saved: SavedEntries<StatEntry> = new Map()) {
    // Only the files this run looked at are kept: a deleted atom's entry goes with the next save.
    this.cache = new KeyedCache(saved, { keepUnused: false });
  }

  /** The hash of `file`'s bytes when `stats` is what it was when they were hashed, long enough after any change; else undefined. */
  sha256(file: string, stats: Stats): string | undefined {
    const entry = this.cache.get(file);
    if (!entry || !sameStat(entry, stats)) return undefined;
    if (entry[1] >= entry[SEEN] - RACY_MS) return undefined;
    return entry[SHA];
  }

  /**
   * Records the hash of bytes read after `stats` was taken (stat first, then
   * read: a change in between shows as another stat next time). An entry
   * that says the same is left as it is, unless it was racily clean and no
   * longer would be: so a run that finds nothing new changes nothing.
   */
  record(file: string, stats: Stats, sha256: string, now: number = Date.now()): void {
    const known = this.cache.get(file);
    if (known && known[SHA] === sha256 && sameStat(known, stats)) {
      const settled = known[1] >= known[SEEN] - RACY_MS && known[1] < now - RACY_MS;
      if (!settled) return;
    }
    this.cache.set(file, [stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, sha256, now]);
  }

  /** True when `stats` is still what the entry recorded (for a file read later than it was looked up). */
  unchanged(file: string, stats: Stats): boolean {
    const entry = this.cache.get(file);
    return entry !== undefined && sameStat(entry, stats);
  }

  entries(): Map<string, StatEntry> {
    return this.cache.entries();
  }

  /** What saving keeps, entries nothing decoded as their bytes. */
  toSave(): Map<string, StatEntry | SavedEntry> {
    return this.cache.toSave();
  }

  /** True when saving would change the file (a getter of this handle's live state, not of domain data). */
  get changed(): boolean {
    return this.cache.changed;
  }
}

function sameStat(entry: StatEntry, stats: Stats): boolean {
  return entry[0] === stats.size && entry[1] === stats.mtimeMs && entry[2] === stats.ctimeMs && entry[3] === stats.ino;
}

const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

export function isStatEntry(value: unknown): value is StatEntry {
  if (!Array.isArray(value) || value.length !== 6) return false;
  const [size, mtimeMs, ctimeMs, ino, sha256, seenMs]: unknown[] = value;
  return finite(size) && finite(mtimeMs) && finite(ctimeMs) && finite(ino) && finite(seenMs) && typeof sha256 === "string" && /^[0-9a-f]{64}$/.test(sha256);
}
