import { existsSync, readFileSync } from "node:fs";
import { sha256 } from "../hash.js";

/** What is on disk where a build would write: known by its hash, read whole only when a check needs its text. */
export interface CurrentFile {
  sha256: string;
  /** The file's text (read again from disk; large outputs are not kept in memory meanwhile). */
  read(): string;
}

export function readCurrent(file: string): CurrentFile | null {
  if (!existsSync(file)) return null;
  return { sha256: sha256(readFileSync(file)), read: () => readFileSync(file, "utf8") };
}
