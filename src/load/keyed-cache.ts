/**
 * Entries read from a cache file plus those a run adds; saving keeps what the
 * run used, so entries of deleted inputs fall away.
 */
export class KeyedCache<T> {
  private readonly used = new Map<string, T>();

  constructor(private readonly saved: ReadonlyMap<string, T> = new Map()) {}

  get(key: string): T | undefined {
    const value = this.used.get(key) ?? this.saved.get(key);
    if (value !== undefined) this.used.set(key, value);
    return value;
  }

  set(key: string, value: T): void {
    this.used.set(key, value);
  }

  entries(): Map<string, T> {
    return new Map(this.used);
  }

  /** True when saving would change the file: entries added, or old ones no longer used. */
  get changed(): boolean {
    if (this.used.size !== this.saved.size) return true;
    for (const key of this.used.keys()) if (!this.saved.has(key)) return true;
    return false;
  }
}
