import { existsSync, lstatSync, readlinkSync } from "node:fs";
import path from "node:path";
import { DEFAULT_ENCODING, ENCODINGS, type Encoding, type IndexSpec, type Issue, type Layout, type PartSpec, type Profile, type SectionSpec, type TagsFrom } from "../model.js";
import { displayPath, isWithin, staysWithin } from "./layout.js";
import { MANIFEST_NAME } from "./load-manifest.js";
import { closest } from "./closest.js";
import { parseExamples } from "./parse-examples.js";
import { kindOf } from "./read-text.js";
import { controlCharacter, reservedInOut } from "./reserved-names.js";
import { describeRun, findLongRun } from "./long-runs.js";
import type { PackageJson } from "./read-package-json.js";
import { breaksStructure, describe, TAG } from "./validate-atom.js";
import { validateAttributes, validatePreamble } from "./validate-frame.js";
import { validateParts } from "./validate-parts.js";
import { lineAt, lineIndex, yamlData, type YamlPath, type YamlSource } from "./yaml-source.js";

const PROFILE_KEYS = [
  "output", "wrapper", "attributes", "preamble", "final_newline", "encoding", "budget", "description",
  "sections", "include", "index", "parts", "exclude", "tags_from", "examples",
];
const INDEX_KEYS = ["title", "summary", "base_url", "heading", "profiles", "optional"];
/** Keys that shape tagged sections, which an index profile does not write. */
const SECTION_ONLY_KEYS = ["wrapper", "attributes", "preamble", "budget", "examples", "exclude", "tags_from"];
/** Keys about atoms, which a composed profile does not pick itself: its parts do. */
const ATOM_KEYS = ["examples", "exclude", "tags_from"];
const TAGS_FROM: readonly TagsFrom[] = ["frontmatter", "filename"];
const SECTION_KEYS = ["tag", "intro", "atoms", "budget", "required"];

export interface ProfileContext {
  /** Absolute path of the profile file. */
  file: string;
  /** The file as messages show it. */
  shown: string;
  name: string;
  layout: Layout;
  issues: Issue[];
  /** The root's package.json, read on first use (by `${package.*}` placeholders). */
  packageJson: () => PackageJson;
}

/**
 * Turns a parsed profile into a typed Profile, recording every
 * problem with its line and dot-path; returns undefined when there was any.
 */
export function validateProfile(source: YamlSource, context: ProfileContext): Profile | undefined {
  const before = context.issues.length;
  const report = (where: YamlPath, message: string) =>
    context.issues.push({ file: context.shown, line: lineAt(source, where), message });
  const read = yamlData(source, context.shown);
  if ("issue" in read) {
    context.issues.push(read.issue);
    return undefined;
  }
  const data = read.data;
  if (!isRecord(data)) {
    report([], "a profile must be a mapping with at least 'output' and one of 'sections', 'include', 'index' or 'parts'");
    return undefined;
  }
  unknownKeys(data, PROFILE_KEYS, [], report);

  const output = validateOutput(data.output, context, report);
  const wrapper = optional(data, "wrapper", [], report, isTag, "an UPPER_SNAKE tag like 'MLLD_SECURITY'");
  const encoding = optional(data, "encoding", [], report, isEncoding, `one of ${ENCODINGS.join(", ")}`);
  const budget = optional(data, "budget", [], report, isBudget, "a whole number of tokens above 0");
  const description = optional(data, "description", [], report, isString, "a string");
  const attributes = validateAttributes(data.attributes, wrapper, report, context.packageJson);
  const preamble = validatePreamble(data.preamble, report);
  const finalNewline = optional(data, "final_newline", [], report, isBoolean, "true or false");
  const exclude = optional(data, "exclude", [], report, isNonEmptyStringList, "a non-empty list of globs relative to the atoms dir");
  const tagsFrom = optional(data, "tags_from", [], report, isTagsFrom, "'frontmatter' (each atom's tag, the default) or 'filename' (the file name convention NN-parent--child.md)");
  const examples =
    data.examples === undefined
      ? undefined
      : parseExamples(
          data.examples,
          "examples",
          (language, message) => report(language === undefined ? ["examples"] : ["examples", language], message),
          (language) => lineAt(source, ["examples", language]),
        );

  const { sections, include, index, parts } = validateKind(data, wrapper, source, context, report);
  reportLongRuns([
    [["wrapper"], wrapper],
    [["description"], description],
    [["index", "title"], index?.title],
    [["index", "summary"], index?.summary],
    [["index", "heading"], index?.heading],
    [["index", "base_url"], index?.baseUrl],
    ...(sections ?? []).map((section, i): [YamlPath, string] => [["sections", i, "tag"], section.tag]),
  ], report);

  if (context.issues.length > before || output === undefined) return undefined;
  const lines = lineIndex(source);
  return {
    name: context.name,
    file: context.file,
    output,
    encoding: encoding ?? DEFAULT_ENCODING,
    ...(wrapper === undefined ? {} : { wrapper }),
    ...(budget === undefined ? {} : { budget }),
    ...(description === undefined ? {} : { description }),
    ...(sections === undefined ? {} : { sections }),
    ...(include === undefined ? {} : { include }),
    ...(index === undefined ? {} : { index }),
    ...(parts === undefined ? {} : { parts }),
    ...(exclude === undefined ? {} : { exclude }),
    ...(tagsFrom === undefined ? {} : { tagsFrom }),
    ...(preamble === undefined ? {} : { preamble }),
    ...(attributes === undefined ? {} : { attributes }),
    ...(finalNewline === undefined ? {} : { finalNewline }),
    ...(examples === undefined ? {} : { examples }),
    lines,
  };
}

type Report = (where: YamlPath, message: string) => void;

/** What the profile is made of: exactly one of sections, include, index or parts, each with the keys that make sense beside it. */
function validateKind(
  data: Record<string, unknown>,
  wrapper: string | undefined,
  source: YamlSource,
  context: ProfileContext,
  report: Report,
): { sections?: SectionSpec[] | undefined; include?: string[] | undefined; index?: IndexSpec | undefined; parts?: PartSpec[] | undefined } {
  const kinds = ["sections", "include", "index", "parts"].filter((key) => data[key] !== undefined);
  if (kinds.length > 1) {
    report([kinds[1] ?? "sections"], `use one of 'sections', 'include', 'index' or 'parts', not ${kinds.map((kind) => `'${kind}'`).join(" and ")}`);
    return {};
  }
  if (data.sections !== undefined) {
    const sections = validateSections(data.sections, wrapper, source, report);
    if (data.tags_from !== undefined) report(["tags_from"], "'tags_from' applies to include profiles only: a sections profile names its tags itself");
    return { sections };
  }
  if (data.parts !== undefined) {
    const parts = validateParts(data.parts, context.layout, source, report);
    for (const key of ATOM_KEYS) {
      if (data[key] !== undefined) report([key], `'${key}' has no meaning in a composed profile (parts): its parts' own profiles choose their atoms; remove it`);
    }
    return { parts };
  }
  if (data.include !== undefined) return { include: optional(data, "include", [], report, isNonEmptyStringList, "a non-empty list of globs relative to the atoms dir") };
  if (data.index !== undefined) {
    const index = validateIndex(data.index, report);
    for (const key of SECTION_ONLY_KEYS) {
      if (data[key] !== undefined) report([key], `'${key}' has no meaning in an index profile: remove it`);
    }
    return { index };
  }
  report([], "a profile needs 'sections' (explicit sections), 'include' (atoms grouped by their tag), 'index' (an llms.txt of the other outputs) or 'parts' (other outputs and hand-maintained files, composed)");
  return {};
}

/** Everything a build renders and counts is held to the long-run guard (intros in validateSections, atoms at load). */
function reportLongRuns(rendered: readonly [YamlPath, string | undefined][], report: Report): void {
  for (const [where, value] of rendered) {
    const run = value === undefined ? undefined : findLongRun(value);
    if (run) report(where, `${where.map((step) => (typeof step === "number" ? `[${step}]` : `.${step}`)).join("").slice(1)}: ${describeRun(run)}`);
  }
}

function validateOutput(value: unknown, context: ProfileContext, report: Report): string | undefined {
  if (value === undefined) {
    report([], "'output' is required: the file to write, relative to the out dir (e.g. output: llms-security.txt)");
    return undefined;
  }
  if (typeof value !== "string" || value.trim() === "") {
    report(["output"], `'output' must be a file path relative to the out dir, got ${describe(value)}`);
    return undefined;
  }
  const control = controlCharacter(value);
  if (control) {
    report(["output"], `'output' ${describe(value)} holds a control character (${control}), which no file name may: remove it`);
    return undefined;
  }
  const normalised = path.posix.normalize(value.replace(/\\/g, "/"));
  const target = path.join(context.layout.outDir, normalised);
  if (path.isAbsolute(value) || normalised.startsWith("../") || normalised === "..") {
    report(["output"], `'output' ${describe(value)} leaves the out dir: give a path inside it`);
    return undefined;
  }
  const reserved = reservedInOut(normalised);
  if (reserved) {
    report(["output"], `'output' ${describe(value)} ${reserved}`);
    return undefined;
  }
  // An out dir holding the atoms or profiles dir (the root, say): an output must not land among them.
  const source = [context.layout.atomsDir, context.layout.profilesDir].find((dir) => isWithin(dir, target));
  if (source) {
    report(["output"], `'output' ${describe(value)} lies in ${displayPath(context.layout, source)}, where llmsgen reads its input: give a path outside it`);
    return undefined;
  }
  // What stands on the way is named for what it is, before the general check that the path stays inside.
  const blocked = blockedOutputPath(context.layout, normalised);
  if (blocked) {
    report(["output"], `'output' ${describe(value)}: ${blocked}`);
    return undefined;
  }
  if (!staysWithin(context.layout.outDir, target)) {
    report(["output"], `'output' ${describe(value)} leaves the out dir: give a path inside it`);
    return undefined;
  }
  if (normalised === "." || normalised.endsWith("/")) {
    report(["output"], `'output' must name a file, got ${describe(value)}`);
    return undefined;
  }
  if (normalised === MANIFEST_NAME) {
    report(["output"], `'output' cannot be ${MANIFEST_NAME}: that name is the build manifest`);
    return undefined;
  }
  return normalised;
}

/**
 * Why an output cannot be written where its path leads, looking at each part
 * of the path below the out dir: a symbolic link (llmsgen never writes
 * through one), a file where a directory is needed, or a directory where the
 * file goes. Undefined when the path is clear (parts that do not exist yet are).
 */
function blockedOutputPath(layout: Layout, relative: string): string | undefined {
  const parts = relative.split("/");
  let current = layout.outDir;
  for (const [index, part] of parts.entries()) {
    current = path.join(current, part);
    const shown = displayPath(layout, current);
    let stats;
    try {
      stats = lstatSync(current);
    } catch {
      return undefined; // nothing there yet: the build creates it
    }
    const last = index === parts.length - 1;
    if (stats.isSymbolicLink()) {
      const link = readlinkSync(current);
      return existsSync(current)
        ? `${shown} is a symbolic link (to ${link}); llmsgen never writes through a link: replace the link with a real ${last ? "file" : "directory"}, or point 'output' elsewhere`
        : `${shown} is a symbolic link to ${link}, which does not exist; llmsgen never writes through a link: remove the link, or replace it with a real ${last ? "file" : "directory"}`;
    }
    if (!last && !stats.isDirectory()) return `${shown} is a file, so nothing can be written below it: move it away, or point 'output' elsewhere`;
    if (last && !stats.isFile()) return `${shown} is ${stats.isDirectory() ? "a directory, not a file" : `not a regular file (${kindOf(stats)})`}: move it away, or point 'output' elsewhere`;
  }
  return undefined;
}

function validateSections(value: unknown, wrapper: string | undefined, source: YamlSource, report: Report): SectionSpec[] | undefined {
  if (!Array.isArray(value)) {
    report(["sections"], "'sections' must be a non-empty list of { tag, atoms } entries");
    return undefined;
  }
  // An empty list is judged when the profile is resolved: allowed when the output already exists (starting from a hand-written file).
  const specs: SectionSpec[] = [];
  const seen = new Map<string, number>();
  value.forEach((entry: unknown, index) => {
    const at: YamlPath = ["sections", index];
    const name = `sections[${index}]`;
    if (!isRecord(entry)) {
      report(at, `${name} must be a mapping with 'tag' and 'atoms'`);
      return;
    }
    unknownKeys(entry, SECTION_KEYS, at, report, name);
    const tag = entry.tag;
    if (!isTag(tag)) {
      report(tag === undefined ? at : [...at, "tag"], `${name}.tag must be an UPPER_SNAKE tag like 'SIGN_VERIFY', got ${describe(tag)}`);
    } else if (seen.has(tag)) {
      report([...at, "tag"], `${name}.tag '${tag}' is used twice (also sections[${seen.get(tag)}]): section tags must be unique`);
    } else if (tag === wrapper) {
      report([...at, "tag"], `${name}.tag '${tag}' is the wrapper's tag: pick another`);
    } else {
      seen.set(tag, index);
    }
    const atoms = isAtomList(entry.atoms) ? entry.atoms : undefined;
    if (entry.atoms === undefined) {
      report(at, `${name}.atoms is required: a list of atom ids or globs`);
    } else if (atoms === undefined) {
      report([...at, "atoms"], `${name}.atoms must be a list of atom ids or globs, got ${describe(entry.atoms)}`);
    }
    const intro = optional(entry, "intro", at, report, isString, "a string", name);
    const introRun = intro === undefined ? undefined : findLongRun(intro);
    if (introRun !== undefined) {
      report([...at, "intro"], `${name}.intro: ${describeRun(introRun)}`);
    } else if (intro !== undefined && breaksStructure(intro)) {
      report([...at, "intro"], `${name}.intro has a line that would read as a section tag, or a code fence that never closes: indent that line, or close the fence`);
    }
    const budget = optional(entry, "budget", at, report, isBudget, "a whole number of tokens above 0", name);
    const required = optional(entry, "required", at, report, isBoolean, "true or false", name);
    if (isTag(tag) && atoms !== undefined) {
      const trimmedIntro = intro?.trim();
      specs.push({
        tag,
        atoms,
        required: required ?? false,
        line: lineAt(source, at),
        ...(trimmedIntro ? { intro: trimmedIntro } : {}),
        ...(budget === undefined ? {} : { budget }),
      });
    }
  });
  return specs;
}

/** A section's `atoms:`: a list of non-blank ids or globs. */
function isAtomList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string" && item.trim() !== "");
}

function validateIndex(value: unknown, report: Report): IndexSpec | undefined {
  if (!isRecord(value)) {
    report(["index"], "'index' must be a mapping with at least title and summary");
    return undefined;
  }
  unknownKeys(value, INDEX_KEYS, ["index"], report, "index");
  const at = ["index"];
  const line = (key: string, expected: string) => optional(value, key, at, report, isSingleLine, expected, "index");
  const title = line("title", "one line of text");
  const summary = line("summary", "one line of text");
  const baseUrl = line("base_url", "a URL prefix like 'https://example.org/llm/'");
  const heading = line("heading", "one line of text");
  const profiles = optional(value, "profiles", at, report, isNonEmptyStringList, "a list of profile names", "index");
  const optionalNames = optional(value, "optional", at, report, isNonEmptyStringList, "a list of profile names", "index");
  if (title === undefined || summary === undefined) {
    if (value.title === undefined || value.summary === undefined) report(["index"], "'index' needs a title and a summary");
    return undefined;
  }
  return {
    title,
    summary,
    heading: heading ?? "Docs",
    optional: optionalNames ?? [],
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(profiles === undefined ? {} : { profiles }),
  };
}

function optional<T>(
  data: Record<string, unknown>,
  key: string,
  at: YamlPath,
  report: Report,
  check: (value: unknown) => value is T,
  expected: string,
  prefix?: string,
): T | undefined {
  const value = data[key];
  if (value === undefined) return undefined;
  if (check(value)) return value;
  report([...at, key], `${prefix ? `${prefix}.` : ""}${key} must be ${expected}, got ${describe(value)}`);
  return undefined;
}

function unknownKeys(data: Record<string, unknown>, known: readonly string[], at: YamlPath, report: Report, prefix?: string): void {
  for (const key of Object.keys(data)) {
    if (!known.includes(key)) {
      const hint = closest(key, known.filter((candidate) => !(candidate in data)));
      report([...at, key], `unknown key '${prefix ? `${prefix}.` : ""}${key}'${hint ? ` (did you mean '${hint}'?)` : ""}: expected one of ${known.join(", ")}`);
    }
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === "string";
const isSingleLine = (value: unknown): value is string => typeof value === "string" && value.trim() !== "" && !value.includes("\n");
const isBoolean = (value: unknown): value is boolean => typeof value === "boolean";
const isTag = (value: unknown): value is string => typeof value === "string" && TAG.test(value);
const isBudget = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value > 0;
const isEncoding = (value: unknown): value is Encoding => ENCODINGS.some((name) => name === value);
const isTagsFrom = (value: unknown): value is TagsFrom => TAGS_FROM.some((name) => name === value);
const isNonEmptyStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string" && item.trim() !== "");

