import { statSync } from "node:fs";
import path from "node:path";
import type { Layout, PartSpec } from "../model.js";
import { isWithin, slashRelative, staysWithin } from "./layout.js";
import { MANIFEST_NAME } from "./load-manifest.js";
import { reservedInOut } from "./reserved-names.js";
import { describe } from "./validate-atom.js";
import { lineAt, type YamlSource, type YamlPath } from "./yaml-source.js";

type Report = (where: YamlPath, message: string) => void;

const PART_SHAPE = "{ profile: NAME } (another profile's output) or { file: PATH } (a hand-maintained file, relative to the root)";

/**
 * `parts`: a non-empty list of `{profile: NAME}` and `{file: PATH}`. A file
 * must exist, be a regular file and stay inside the root after `..` and
 * links are resolved; a part may appear once. Whether a named profile exists,
 * and cycles, are judged once every profile is known (load-project.ts).
 */
export function validateParts(value: unknown, layout: Layout, source: YamlSource, report: Report): PartSpec[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    report(["parts"], `'parts' must be a non-empty list of ${PART_SHAPE}, got ${describe(value)}`);
    return undefined;
  }
  const parts: PartSpec[] = [];
  const seen = new Map<string, number>();
  let failed = false;
  value.forEach((entry: unknown, index) => {
    const at: YamlPath = ["parts", index];
    const name = `parts[${index}]`;
    const fail = (where: YamlPath, message: string) => {
      failed = true;
      report(where, message);
    };
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      fail(at, `${name} must be ${PART_SHAPE}, got ${describe(entry)}`);
      return;
    }
    const keys = Object.keys(entry);
    const unknown = keys.filter((key) => key !== "profile" && key !== "file");
    if (unknown.length > 0) {
      for (const key of unknown) fail([...at, key], `unknown key '${name}.${key}': a part is ${PART_SHAPE}`);
      return;
    }
    if (keys.length !== 1) {
      fail(at, `${name} must name one thing, ${PART_SHAPE}, not both: make them two parts`);
      return;
    }
    const line = lineAt(source, at);
    const data = Object.fromEntries(Object.entries(entry));
    const key = keys[0] === "file" ? "file" : "profile";
    const raw = data[key];
    if (typeof raw !== "string" || raw.trim() === "") {
      fail([...at, key], `${name}.${key} must be ${key === "profile" ? "a profile name" : "a file path relative to the root"}, got ${describe(raw)}`);
      return;
    }
    const part = key === "profile" ? profilePart(raw, line) : filePart(raw, line, layout);
    if (typeof part === "string") {
      fail([...at, key], `${name}.${key} ${describe(raw)} ${part}`);
      return;
    }
    const identity = part.kind === "profile" ? `profile ${part.name}` : `file ${part.file}`;
    const first = seen.get(identity);
    if (first !== undefined) {
      fail([...at, key], `${name} repeats parts[${first}] (${identity}): a part may appear once`);
      return;
    }
    seen.set(identity, index);
    parts.push(part);
  });
  return failed ? undefined : parts;
}

function profilePart(name: string, line: number): PartSpec | string {
  if (name.includes("/") || name.includes("\\") || /\.ya?ml$/.test(name)) {
    return "must be the name of a profile in the profiles dir (its file name without .yaml), not a path";
  }
  return { kind: "profile", name, line };
}

/** A file part's path, or why it cannot be one. */
function filePart(raw: string, line: number, layout: Layout): PartSpec | string {
  const normalised = path.posix.normalize(raw.replace(/\\/g, "/"));
  const target = path.join(layout.root, normalised);
  if (path.isAbsolute(raw) || normalised === ".." || normalised.startsWith("../") || !staysWithin(layout.root, target)) {
    return "leaves the project root: a hand-maintained part must be a file inside it, named relative to it";
  }
  const inOut = isWithin(layout.outDir, target) ? slashRelative(layout.outDir, target) : undefined;
  if (inOut === MANIFEST_NAME) return `is the build manifest, which llmsgen writes: name a hand-maintained file`;
  const reserved = inOut === undefined ? undefined : reservedInOut(inOut);
  if (reserved) return `${reserved.replace(/: choose another (path|name)$/, "")}: name a hand-maintained file`;
  let stats;
  try {
    stats = statSync(target);
  } catch {
    return "does not exist: create the file, or fix the path (it is relative to the project root)";
  }
  if (!stats.isFile()) return "is not a file: name a hand-maintained text file";
  return { kind: "file", file: normalised, line };
}
