import { existsSync, readFileSync, statSync } from "node:fs";
import { InputError, LlmsgenError } from "../errors.js";
import { sha256 } from "../hash.js";
import { decodeUtf8, kindOf } from "./read-text.js";

/** What is on disk where a build would write, known by its hash; its text is read (readCurrentText) only when a check needs it. */
export interface CurrentFile {
  sha256: string;
}

/** `shown` is the file as messages show it. */
export function readCurrent(file: string, shown: string = file): CurrentFile | null {
  if (!existsSync(file)) return null;
  const stats = statSync(file);
  // Never read: a FIFO would block forever.
  if (!stats.isFile()) throw new LlmsgenError(`${shown}: ${stats.isDirectory() ? "a directory" : `something other than a regular file (${kindOf(stats)})`} stands where an output goes: move it away`);
  return { sha256: sha256(readFileSync(file)) };
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
