import path from "node:path";
import { formatIssue, throwIfIssues } from "../errors.js";
import { displayPath } from "../load/layout.js";
import type { FileWrite, Layout } from "../model.js";
import { writeProblems } from "./check-writes.js";
import { removeLeftovers } from "./remove-leftovers.js";
import { ConcurrentEditError } from "../errors.js";
import { guardHolds, placeFile } from "./write-atomic.js";

export interface CommitOptions {
  layout: Layout;
  warn: (message: string) => void;
  /** Called after each file is in place, with its absolute path (progress reports; tests stop a run here). */
  afterWrite?: (file: string) => void;
}

/**
 * Writes `writes` in order, as a command that holds the project's lock:
 *
 * 1. every path is checked first; any problem is bad input (an InputError
 *    listing them all) and nothing is written;
 * 2. every guard is checked against the disk; a file changed since the
 *    command judged it stops the command (ConcurrentEditError) before any write;
 * 3. temporary files that killed runs left where this one writes are removed;
 * 4. each file goes to a temp file and is renamed into place while its guard
 *    still holds, checked again right before the rename; a change stops the
 *    command there, writing nothing more;
 * 5. `bestEffort` files (the cache) follow; any problem with them, found
 *    before or while writing, is a warning and never fails the command.
 */
export function commitWrites(writes: readonly FileWrite[], bestEffort: readonly FileWrite[], options: CommitOptions): void {
  const { layout, warn } = options;
  throwIfIssues(writeProblems(writes, layout));
  const extra = usable(bestEffort, layout, warn);
  const firsts = new Map<string, FileWrite>();
  for (const write of writes) if (!firsts.has(write.file)) firsts.set(write.file, write);
  for (const write of firsts.values()) {
    if (!guardHolds(write)) {
      const shown = displayPath(layout, write.file);
      throw new ConcurrentEditError(shown, `${shown} changed on disk while llmsgen ran, after it was checked: it was left as it is and nothing was written; run the command again to check it`);
    }
  }
  const all = [...writes, ...extra];
  removeLeftovers(
    all.map((write) => path.dirname(write.file)),
    [layout.outDir],
  );
  for (const write of writes) {
    if (placeFile(write, displayPath(layout, write.file))) options.afterWrite?.(write.file);
  }
  for (const write of extra) {
    try {
      if (placeFile(write, displayPath(layout, write.file))) options.afterWrite?.(write.file);
    } catch (error) {
      warn(`${displayPath(layout, write.file)}: the cache was not saved (${error instanceof Error ? error.message : String(error)}); the next run rebuilds it`);
      return;
    }
  }
}

/** The best-effort writes, or none (with a warning per problem) when any of their paths has one. */
function usable(writes: readonly FileWrite[], layout: Layout, warn: (message: string) => void): readonly FileWrite[] {
  const problems = writeProblems(writes, layout);
  for (const problem of problems) warn(`${formatIssue(problem)}; the cache is not saved`);
  return problems.length === 0 ? writes : [];
}
