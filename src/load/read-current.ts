import { readFileSync, statSync } from "node:fs";
import type { StatIndex } from "../cache/stat-index.js";
import { InputError, LlmsgenError } from "../errors.js";
import { sha256 } from "../hash.js";
import { decodeUtf8, kindOf } from "./read-text.js";

/** What is on disk where a build would write, known by its hash; its text is read (readCurrentText) only when a check needs it. */
export interface CurrentFile {
  sha256: string;
}

/**
 * `shown` is the file as messages show it. With a stat index, a file whose
 * stat is what the index recorded is known by its hash without being read.
 */
export function readCurrent(file: string, shown: string = file, files?: StatIndex): CurrentFile | null {
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    if (error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "ENOTDIR")) return null;
    throw error;
  }
  // Never read: a FIFO would block forever.
  if (!stats.isFile()) throw new LlmsgenError(`${shown}: ${stats.isDirectory() ? "a directory" : `something other than a regular file (${kindOf(stats)})`} stands where an output goes: move it away`);
  let hash = files?.sha256(file, stats);
  if (hash === undefined) {
    hash = sha256(readFileSync(file));
    files?.record(file, stats, hash);
  }
  return { sha256: hash };
}

/**
 * The text of a file found by readCurrent, read again from disk (large
 * outputs are not kept in memory meanwhile). Throws an InputError on bytes
 * that are not UTF-8.
 */
export function readCurrentText(file: string, shown: string = file): string {
  const text = decodeUtf8(readFileSync(file), shown);
  if (typeof text !== "string") throw new InputError([text.issue]);
  return text;
}

/**
 * Records in the stat index the files a run has just written, with the hash
 * of what it wrote, so that the next run knows them (as racily clean until
 * they are a little older: a file changed right after the write is still seen).
 */
export function recordWritten(files: StatIndex, written: readonly { file: string; sha256: string }[]): void {
  for (const { file, sha256: hash } of written) {
    try {
      files.record(file, statSync(file), hash);
    } catch {
      // Gone again already: nothing to record; the next run reads whatever is there.
    }
  }
}
