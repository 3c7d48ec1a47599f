/**
 * Entries read from a cache file plus those a run adds. Saving keeps what the
 * run used first, then older entries up to `limit`, so a build of some
 * profiles does not throw away what the others cached.
 */
export class KeyedCache<T> {
  private readonly used = new Map<string, T>();

  constructor(
    private readonly saved: ReadonlyMap<string, T> = new Map(),
    private readonly limit = 1000,
  ) {}

  get(key: string): T | undefined {
    const value = this.used.get(key) ?? this.saved.get(key);
    if (value !== undefined) this.used.set(key, value);
    return value;
  }

  set(key: string, value: T): void {
    this.used.set(key, value);
  }

  entries(): Map<string, T> {
    const result = new Map(this.used);
    for (const [key, value] of this.saved) {
      if (result.size >= this.limit) break;
      if (!result.has(key)) result.set(key, value);
    }
    return result;
  }

  /** True when this run added an entry the file does not have. */
  get changed(): boolean {
    for (const key of this.used.keys()) if (!this.saved.has(key)) return true;
    return false;
  }
}
