import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { checksum } from "../load/read-cache.js";
import { writeFileAtomic } from "./write-atomic.js";

/**
 * Writes a cache file (see load/read-cache.ts) atomically. The cache dir gets
 * its own `.gitignore` so it stays out of version control wherever it lives.
 */
export function writeCache(file: string, format: string, stamp: string, entries: ReadonlyMap<string, unknown>): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const ignore = path.join(dir, ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, "# llmsgen's cache: safe to delete, never committed\n*\n");
  const body = JSON.stringify(Object.fromEntries(entries));
  writeFileAtomic(file, `${JSON.stringify({ format, stamp, checksum: checksum(body) })}\n${body}`);
}
