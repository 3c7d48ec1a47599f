import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { TEMP_NAME, hasCode } from "./write-atomic.js";

/**
 * Removes the temporary files that killed runs left in `dirs` (and, for
 * `trees`, in every directory below them, links not followed). Only a
 * command holding the project's lock calls this: no other llmsgen is
 * writing, so every such file is a leftover. Returns how many went.
 */
export function removeLeftovers(dirs: readonly string[], trees: readonly string[]): number {
  let removed = 0;
  const sweep = (dir: string, deep: boolean): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if (hasCode(error, "ENOENT") || hasCode(error, "ENOTDIR")) return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isFile() && TEMP_NAME.test(entry.name)) {
        rmSync(full, { force: true });
        removed++;
      } else if (deep && entry.isDirectory()) {
        sweep(full, true);
      }
    }
  };
  for (const dir of new Set(trees)) sweep(dir, true);
  for (const dir of new Set(dirs)) sweep(dir, false);
  return removed;
}
