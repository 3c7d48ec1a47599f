import { sha256 } from "../hash.js";
import { existsSync, readFileSync } from "node:fs";

/**
 * A cache file: one JSON header line (what made it, and a checksum of the
 * rest), then one JSON object of entries. A cache is only ever an
 * accelerator: a missing one is empty, and a corrupt or foreign one is
 * ignored with a warning, never trusted and never fatal.
 */
export interface CacheHeader {
  format: string;
  /** Everything the entries depend on: tool, tokenizer and encoding versions. */
  stamp: string;
  checksum: string;
}

export function readCache<T>(
  file: string,
  format: string,
  stamp: string,
  isEntry: (value: unknown) => value is T,
  warn: (message: string) => void,
): Map<string, T> {
  if (!existsSync(file)) return new Map();
  const ignore = (why: string) => {
    warn(`${file}: ${why}; ignoring it (it is rebuilt as you build; deleting it is always safe)`);
    return new Map<string, T>();
  };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return ignore(`unreadable cache (${(error as Error).message})`);
  }
  const newline = text.indexOf("\n");
  let header: Partial<CacheHeader>;
  let entries: unknown;
  try {
    header = JSON.parse(text.slice(0, newline)) as Partial<CacheHeader>;
    if (header.format !== format) return ignore("not an llmsgen cache of this kind");
    if (header.stamp !== stamp) return ignore(`made by ${header.stamp ?? "an unknown version"}, not ${stamp}`);
    const body = text.slice(newline + 1);
    if (checksum(body) !== header.checksum) return ignore("corrupt cache (checksum mismatch)");
    entries = JSON.parse(body);
  } catch {
    return ignore("corrupt cache (not the expected JSON)");
  }
  if (entries === null || typeof entries !== "object") return ignore("corrupt cache (no entries)");
  const map = new Map<string, T>();
  for (const [key, value] of Object.entries(entries)) {
    if (!isEntry(value)) return ignore(`corrupt cache (bad entry ${key.slice(0, 12)}…)`);
    map.set(key, value);
  }
  return map;
}

export function checksum(body: string): string {
  return sha256(body);
}
