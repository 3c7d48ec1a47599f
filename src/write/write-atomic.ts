import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes a file so that readers see the old bytes or the new ones, never a
 * mix: the data goes to a temporary file beside the target, then a rename
 * puts it in place. The temporary file is removed if anything fails.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temp = tempBeside(file);
  try {
    writeFileSync(temp, data, { flag: "wx" });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Creates a file that must not exist yet, atomically: the data is written to
 * a temporary file and hard-linked into place, which fails (EEXIST) rather
 * than replace a file that appeared in the meantime.
 */
export function createFileExclusive(file: string, data: string | Uint8Array): void {
  const temp = tempBeside(file);
  try {
    writeFileSync(temp, data, { flag: "wx" });
    linkSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** A fresh temporary name in the target's own dir (created if needed), so the final rename or link stays on one file system. */
function tempBeside(file: string): string {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}
