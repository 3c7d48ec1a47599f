import { existsSync, readFileSync, statSync } from "node:fs";
import { LlmsgenError } from "../errors.js";
import { sha256 } from "../hash.js";

/** What is on disk where a build would write: known by its hash, read whole only when a check needs its text. */
export interface CurrentFile {
  sha256: string;
  /** The file's text (read again from disk; large outputs are not kept in memory meanwhile). */
  read(): string;
}

export function readCurrent(file: string): CurrentFile | null {
  if (!existsSync(file)) return null;
  if (!statSync(file).isFile()) throw new LlmsgenError(`${file}: something other than a file stands where an output goes: move it away`);
  return { sha256: sha256(readFileSync(file)), read: () => readFileSync(file, "utf8") };
}
