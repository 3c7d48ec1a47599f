import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ConcurrentEditError } from "../errors.js";
import { sha256 } from "../hash.js";
import { displayPath, isWithin } from "../load/layout.js";
import type { FileWrite, Layout, WriteGuard } from "../model.js";
import { writeProblems } from "./check-writes.js";
import { bytesOf, currentSha256, hasCode, putInPlace, TEMP_NAME } from "./write-atomic.js";

/**
 * A command that must write several files all or nothing (adopt: a new atom
 * and the profile entry that names it) first writes every file's bytes to a
 * temporary file beside it, then this journal naming each temp, its target,
 * its guard and the hash of its bytes, then renames them all, then removes
 * the journal. One killed among the renames leaves the journal, and the next
 * command that takes the project's lock finishes the renames before it reads
 * anything (each only while its target still holds what was judged), so a
 * kill never leaves an adoption half done. The journal lives beside the lock,
 * in `<out>/.llmsgen/`.
 */
export interface JournalEntry {
  file: string;
  temp: string;
  guard: WriteGuard;
  sha256: string;
}

export function stateDir(layout: Layout): string {
  return path.join(layout.outDir, ".llmsgen");
}

export function journalFile(layout: Layout): string {
  return path.join(stateDir(layout), "journal.json");
}

export function journalEntry(write: FileWrite, temp: string): JournalEntry {
  return { file: write.file, temp, guard: write.guard, sha256: sha256(bytesOf(write)) };
}

/**
 * Finishes the writes of a journal a killed command left, and removes it and
 * its temporary files. Called with the lock held, before the command reads.
 */
export function finishJournal(layout: Layout, warn: (message: string) => void): void {
  const file = journalFile(layout);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (hasCode(error, "ENOENT")) return;
    throw error;
  }
  const shownJournal = displayPath(layout, file);
  const entries = parseJournal(text, layout);
  if (!entries) {
    rmSync(file, { force: true });
    warn(`${shownJournal}: not a journal llmsgen wrote for this project; removed it without acting on it`);
    return;
  }
  const finished: string[] = [];
  const left: string[] = [];
  for (const entry of entries) {
    const shown = displayPath(layout, entry.file);
    if (currentSha256(entry.file) === entry.sha256) continue;
    try {
      if (currentSha256(entry.temp) !== entry.sha256) throw new ConcurrentEditError(shown, "its new bytes are gone");
      putInPlace(entry.temp, { file: entry.file, data: "", guard: entry.guard }, shown);
      finished.push(shown);
    } catch (error) {
      if (!(error instanceof ConcurrentEditError)) throw error;
      left.push(shown);
    }
  }
  for (const entry of entries) rmSync(entry.temp, { force: true });
  rmSync(file, { force: true });
  if (finished.length > 0) warn(`finished the writes a killed run had begun: ${finished.join(", ")}`);
  if (left.length > 0) warn(`left as they are, since they changed after a run was killed writing them: ${left.join(", ")}; check them, and run the command again`);
}

/**
 * The journal's entries, or undefined when it is not one this project's
 * llmsgen could have written: every target inside the root or a dir of the
 * layout, reached through no link, its temp a sibling named as llmsgen names
 * them, and a guard that replaces only judged bytes or nothing.
 */
function parseJournal(text: string, layout: Layout): JournalEntry[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const entries: JournalEntry[] = [];
  for (const item of value) {
    const entry = asEntry(item);
    if (!entry || !inLayout(entry.file, layout) || !isOwnTempOf(entry.temp, entry.file)) return undefined;
    entries.push(entry);
  }
  return writeProblems(entries.map((entry) => ({ file: entry.file, data: "", guard: entry.guard })), layout).length === 0 ? entries : undefined;
}

function asEntry(item: unknown): JournalEntry | undefined {
  if (typeof item !== "object" || item === null || !("file" in item && "temp" in item && "guard" in item && "sha256" in item)) return undefined;
  const { file, temp, guard, sha256: hash } = item;
  if (typeof file !== "string" || typeof temp !== "string" || !isHash(hash) || !path.isAbsolute(file)) return undefined;
  if (guard === "new") return { file, temp, guard, sha256: hash };
  if (typeof guard === "object" && guard !== null && "sha256" in guard && isHash(guard.sha256)) return { file, temp, guard: { sha256: guard.sha256 }, sha256: hash };
  return undefined;
}

function isHash(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
}

function inLayout(file: string, layout: Layout): boolean {
  return [layout.root, layout.outDir, layout.atomsDir, layout.profilesDir].some((dir) => isWithin(dir, file));
}

function isOwnTempOf(temp: string, file: string): boolean {
  const name = path.basename(temp);
  return path.dirname(temp) === path.dirname(file) && TEMP_NAME.test(name) && name.startsWith(`.${path.basename(file).slice(0, 100)}.llmsgen-`);
}
