import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Encoding } from "../model.js";
import { llmsgenVersion, tiktokenVersion } from "../version.js";

/**
 * Stamps name everything a cache's entries were derived with; a cache with
 * another stamp is ignored. They are derived, never bumped by hand:
 *
 * - token counts depend on the tokenizer alone: its version and encoding;
 * - the stat index (file stat to sha256 of its bytes) on no rules at all;
 * - parsed atoms and packed plans depend on llmsgen's own code, so their
 *   stamp carries a hash of that code: any change to how atoms are parsed or
 *   plans are packed (or to anything else in llmsgen) starts them afresh.
 */
export function tokenStamp(encoding: Encoding): string {
  return `tiktoken ${tiktokenVersion()} ${encoding}`;
}

/** A stat index maps stats to sha256 of raw bytes, no rule of llmsgen's; the stamp names its entries' layout. */
export function fileStamp(): string {
  return "stat [size mtimeMs ctimeMs ino sha256 seenMs]";
}

export function atomStamp(): string {
  return `llmsgen ${llmsgenVersion()} code ${codeHash()}`;
}

export function planStamp(): string {
  return `${atomStamp()} tiktoken ${tiktokenVersion()}`;
}

let code: string | undefined;

/** A hash of every module of llmsgen as installed (names and bytes, in code-point order); computed once a process. */
function codeHash(): string {
  if (code === undefined) {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
    const hash = createHash("sha256");
    for (const file of moduleFiles(root)) hash.update(`${path.relative(root, file)}\0`).update(readFileSync(file)).update("\0");
    code = hash.digest("hex").slice(0, 16);
  }
  return code;
}

function moduleFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...moduleFiles(full));
    else if (/\.[cm]?[jt]s$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) files.push(full);
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
