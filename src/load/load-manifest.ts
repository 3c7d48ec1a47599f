import { existsSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import type { Layout, Manifest } from "../model.js";
import { displayPath } from "./layout.js";
import { readSourceText } from "./read-text.js";

export const MANIFEST_NAME = "llmsgen.lock.json";

export function manifestPath(layout: Layout): string {
  return path.join(layout.outDir, MANIFEST_NAME);
}

/** Reads `out/llmsgen.lock.json`; undefined when there is none yet. */
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
  return data;
}

function isManifest(data: unknown): data is Manifest {
  if (!isObject(data) || data.version !== 1 || !isObject(data.outputs)) return false;
  return Object.values(data.outputs).every((output) => isOutputRecord(output, 0));
}

/** An output's record; a composed output's parts are records too (of files, or of profiles' outputs), nested at most as deep as a manifest can sensibly be. */
function isOutputRecord(output: unknown, depth: number): boolean {
  return (
    isObject(output) &&
    typeof output.sha256 === "string" &&
    typeof output.profile === "string" &&
    Array.isArray(output.sections) &&
    output.sections.every((section: unknown) => isObject(section) && typeof section.tag === "string" && Array.isArray(section.atoms)) &&
    (output.parts === undefined || (depth < 100 && Array.isArray(output.parts) && output.parts.every((part: unknown) => isPartRecord(part, depth + 1))))
  );
}

function isPartRecord(part: unknown, depth: number): boolean {
  if (!isObject(part)) return false;
  if ("file" in part) return typeof part.file === "string" && typeof part.sha256 === "string";
  return typeof part.output === "string" && isOutputRecord(part, depth);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object";
}
