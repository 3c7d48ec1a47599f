import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { sha256 } from "../hash.js";
import type { Layout, Manifest, ManifestOutput } from "../model.js";
import { displayPath, isWithin } from "./layout.js";
import { readSourceText } from "./read-text.js";

export const MANIFEST_NAME = "llmsgen.lock.json";

export function manifestPath(layout: Layout): string {
  return path.join(layout.outDir, MANIFEST_NAME);
}

/**
 * Reads `out/llmsgen.lock.json`; undefined when there is none yet. A manifest
 * left with `pending` entries by a build killed among its renames is settled
 * against the disk: each output that holds its pending entry's bytes was
 * written and takes that entry, the others keep the last build's. So no run
 * after a kill takes a freshly written output for a hand edit.
 */
export function loadManifest(layout: Layout): Manifest | undefined {
  const file = manifestPath(layout);
  if (!existsSync(file)) return undefined;
  const shown = displayPath(layout, file);
  const fail = (why: string): never => {
    throw new InputError([
      {
        file: shown,
        message: `not a valid llmsgen manifest (${why}): restore it from version control, or delete it (sync-check then reports drift instead of edits)`,
      },
    ]);
  };
  const read = readSourceText(file, shown);
  if ("issue" in read) throw new InputError([read.issue]);
  let data: unknown;
  try {
    data = JSON.parse(read.text);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (!isManifest(data)) return fail("unexpected shape");
  const pending = Object.entries(data.pending ?? {});
  const outside = pending.find(([output]) => !isWithin(layout.outDir, path.resolve(layout.outDir, output)));
  if (outside) return fail(`pending output '${outside[0]}' lies outside the out dir`);
  const outputs = { ...data.outputs };
  for (const [output, entry] of pending) {
    if (fileSha256(path.resolve(layout.outDir, output)) === entry.sha256) outputs[output] = entry;
  }
  return { version: 1, outputs };
}

/** The sha256 of a regular file's bytes; undefined when there is none (a link is not followed). */
function fileSha256(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    // A FIFO or device is never read: it could block forever.
    return fstatSync(fd).isFile() ? sha256(readFileSync(fd)) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function isManifest(data: unknown): data is Manifest {
  if (!isObject(data) || !("version" in data) || data.version !== 1 || !("outputs" in data) || !isEntries(data.outputs)) return false;
  return !("pending" in data) || isEntries(data.pending);
}

function isEntries(value: unknown): value is Record<string, ManifestOutput> {
  return isObject(value) && Object.values(value).every((entry) => isEntry(entry, 0));
}

/** An output's record; a composed output's parts are records too (of files, or of profiles' outputs), nested at most as deep as a manifest can sensibly be. */
function isEntry(output: unknown, depth: number): output is ManifestOutput {
  return (
    isObject(output) &&
    "sha256" in output &&
    typeof output.sha256 === "string" &&
    "profile" in output &&
    typeof output.profile === "string" &&
    "sections" in output &&
    Array.isArray(output.sections) &&
    output.sections.every((section: unknown) => isObject(section) && "tag" in section && typeof section.tag === "string" && "atoms" in section && Array.isArray(section.atoms)) &&
    (!("parts" in output) || (depth < 100 && Array.isArray(output.parts) && output.parts.every((part: unknown) => isPartRecord(part, depth + 1))))
  );
}

function isPartRecord(part: unknown, depth: number): boolean {
  if (!isObject(part)) return false;
  if ("file" in part) return typeof part.file === "string" && "sha256" in part && typeof part.sha256 === "string";
  return "output" in part && typeof part.output === "string" && isEntry(part, depth);
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === "object";
}
