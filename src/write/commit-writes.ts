import { existsSync, rmdirSync, rmSync } from "node:fs";
import path from "node:path";
import { ConcurrentEditError, formatIssue, throwIfIssues } from "../errors.js";
import { displayPath } from "../load/layout.js";
import type { FileWrite, Layout, WriteFault } from "../model.js";
import { writeProblems } from "./check-writes.js";
import { journalEntry, journalFile } from "./journal.js";
import { removeLeftovers } from "./remove-leftovers.js";
import { guardHolds, placeFile, putInPlace, writeTemp } from "./write-atomic.js";
import { writeFailed } from "./write-failed.js";

export interface CommitOptions {
  layout: Layout;
  warn: (message: string) => void;
  /** Called after each file is in place, with its absolute path (progress reports; tests stop a run here). */
  afterWrite?: (file: string) => void;
  /** Write every file or none, even across a kill: through a journal (write/journal.ts). Each file at most once. */
  allOrNothing?: boolean;
  /** Called before each temp file is written and each rename (tests fail a write here). */
  fault?: WriteFault;
}

/**
 * Writes `writes` in order, as a command that holds the project's lock:
 *
 * 1. every path is checked first; any problem is bad input (an InputError
 *    listing them all) and nothing is written;
 * 2. every guard is checked against the disk; a file changed since the
 *    command judged it stops the command (ConcurrentEditError) before any write;
 * 3. temporary files that killed runs left where this one writes are removed;
 * 4. every file's bytes go to a temp file beside it, written and synced
 *    before the first rename: a failure there (a full disk) removes the temps
 *    and changes nothing;
 * 5. each temp file is renamed into place while its guard still holds,
 *    checked again right before the rename; a change stops the command there,
 *    writing nothing more (with `allOrNothing`, a journal naming every temp
 *    is written before the first rename, so a kill or a failed rename among
 *    them is finished by the next command);
 * 6. `bestEffort` files (the cache) follow; any problem with them, found
 *    before or while writing, is a warning and never fails the command.
 *
 * A file-system refusal (no space, a read-only disk, no permission) while
 * writing is a WriteFailedError saying what was and was not changed.
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
  removeLeftovers([...writes, ...extra].map((write) => path.dirname(write.file)), [layout.outDir]);
  writeEvery(writes, options);
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

/** Every temp file first, then (with `allOrNothing`, after the journal) every rename. */
function writeEvery(writes: readonly FileWrite[], options: CommitOptions): void {
  const { layout, fault } = options;
  const shown = (file: string) => displayPath(layout, file);
  const journal = journalFile(layout);
  const temps: string[] = [];
  const placed: string[] = [];
  // A journal left for the next command keeps the temp files it names.
  let keepForNextRun = false;
  let current = "";
  const madeDirs = missingDirs(writes);
  try {
    for (const write of writes) {
      current = write.file;
      fault?.("temp", write.file);
      temps.push(writeTemp(write));
    }
    if (options.allOrNothing) {
      current = journal;
      const entries = writes.map((write, index) => journalEntry(write, temps[index] ?? ""));
      placeFile({ file: journal, data: `${JSON.stringify(entries, null, 2)}\n`, guard: "own" }, shown(journal));
      options.afterWrite?.(journal);
    }
    writes.forEach((write, index) => {
      current = write.file;
      fault?.("rename", write.file);
      if (putInPlace(temps[index] ?? "", write, shown(write.file))) {
        placed.push(shown(write.file));
        options.afterWrite?.(write.file);
      }
    });
  } catch (error) {
    keepForNextRun = options.allOrNothing === true && placed.length > 0 && !(error instanceof ConcurrentEditError);
    throw writeFailed(error, shown(current), placed, keepForNextRun ? shown(journal) : undefined) ?? error;
  } finally {
    if (!keepForNextRun) {
      for (const temp of temps) rmSync(temp, { force: true });
      if (options.allOrNothing) rmSync(journal, { force: true });
    }
    // A failure before any rename leaves no empty dir it made behind either.
    if (placed.length === 0) removeEmptyDirs(madeDirs);
  }
}

/** The dirs that writing `writes` creates (missing now), deepest first. */
function missingDirs(writes: readonly FileWrite[]): string[] {
  const missing = new Set<string>();
  for (const write of writes) {
    for (let dir = path.dirname(write.file); !existsSync(dir) && path.dirname(dir) !== dir; dir = path.dirname(dir)) missing.add(dir);
  }
  return [...missing].sort((a, b) => b.length - a.length);
}

/** Removes each dir that is empty (never its content: rmdir fails on a dir that holds anything). */
function removeEmptyDirs(dirs: readonly string[]): void {
  for (const dir of dirs) {
    try {
      rmdirSync(dir);
    } catch {
      // Not there, or not empty: it stays.
    }
  }
}
