import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { lilconfigSync, type LoaderSync } from "lilconfig";
import { InputError, throwIfIssues } from "../errors.js";
import type { ExampleChecker, Issue } from "../model.js";
import { closest } from "./closest.js";
import { parseExamples } from "./parse-examples.js";
import { kindOf, notRegular, readSourceText } from "./read-text.js";
import { describe } from "./validate-atom.js";
import { lineAt, parseYamlSource, type YamlPath, type YamlSource } from "./yaml-source.js";

/** The config file names, in the order a directory is searched; `package.json` counts only with an `llmsgen` key. */
export const CONFIG_FILES = ["llmsgen.config.yaml", "llmsgen.config.yml"] as const;
const PACKAGE_KEY = "llmsgen";

const CONFIG_KEYS = ["root", "atoms", "profiles", "out", "cache", "lint", "examples"];
const LINT_KEYS = ["known_keys"];

/**
 * A project's settings from `llmsgen.config.yaml` (or the `llmsgen` key of
 * `package.json`), validated. Paths are kept as written: `root` is relative
 * to the config file's directory, the other dirs to the root.
 */
export interface ProjectConfig {
  /** The config file, absolute. */
  file: string;
  /** The directory the config file is in, absolute. */
  dir: string;
  root?: string;
  atoms?: string;
  profiles?: string;
  out?: string;
  /** A cache dir, or false for no cache. */
  cache?: string | false;
  /** Frontmatter keys the project declares as its own (`lint.known_keys`). */
  knownKeys: string[];
  /** Checkers for fenced examples by info-string language (`examples:`), for every profile. */
  examples: ExampleChecker[];
  /** The config file as messages show it. */
  shown: string;
}

/**
 * Finds the config that applies to `from`: the nearest directory at or above
 * it holding `llmsgen.config.yaml` (`.yml`) or a `package.json` with an
 * `llmsgen` key. Undefined when there is none. Throws an InputError (with
 * file and line) for a config that is not valid, or two configs in one directory.
 */
export function findConfig(from: string, cwd: string = from): ProjectConfig | undefined {
  const sources = new Map<string, { source: YamlSource; issues: Issue[] }>();
  const load: LoaderSync = (file, content) => {
    const parsed = parseConfigText(content, file, cwd);
    sources.set(file, parsed);
    const data: unknown = parsed.source.doc.toJS();
    return isRecord(data) || path.basename(file) !== "package.json" ? data : {};
  };
  const explorer = lilconfigSync(PACKAGE_KEY, {
    searchPlaces: ["package.json", ...CONFIG_FILES],
    loaders: { ".json": load, ".yaml": load, ".yml": load },
    packageProp: PACKAGE_KEY,
    ignoreEmptySearchPlaces: false,
    cache: false,
  });
  // The search reads each candidate with a blocking read, which a FIFO would never answer: such a file is named first.
  throwIfIssues(irregularCandidates(from, cwd));
  // A broken package.json on the way up may hide an `llmsgen` key: say so rather than guess.
  const found = explorer.search(from);
  const broken = [...sources.values()].flatMap((parsed) => parsed.issues);
  if (broken.length > 0) throw new InputError(broken);
  if (!found) return undefined;
  // package.json is read first in each directory, so a rival can only be a config file beside the one found.
  const dir = path.dirname(found.filepath);
  const rivals = CONFIG_FILES.map((name) => path.join(dir, name)).filter((file) => file !== found.filepath && existsSync(file));
  if (rivals.length > 0) {
    throw new InputError([
      {
        file: shownPath(cwd, found.filepath),
        message: `two llmsgen configs in one directory (also ${rivals.map((file) => shownPath(cwd, file)).join(", ")}): keep one`,
      },
    ]);
  }
  const parsed = sources.get(found.filepath);
  return parsed ? validateConfig(parsed.source, found.filepath, cwd) : emptyConfig(found.filepath, shownPath(cwd, found.filepath));
}

/** The config candidates from `from` up to the file system's root that exist but are not regular files. */
function irregularCandidates(from: string, cwd: string): Issue[] {
  const issues: Issue[] = [];
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    for (const name of ["package.json", ...CONFIG_FILES]) {
      const file = path.join(dir, name);
      let stats;
      try {
        stats = statSync(file);
      } catch {
        continue;
      }
      if (!stats.isFile()) issues.push({ file: shownPath(cwd, file), message: notRegular(kindOf(stats)) });
    }
    if (path.dirname(dir) === dir) return issues;
  }
}

/** Loads the config file given with `--config`: an llmsgen YAML config, or a package.json with an `llmsgen` key. */
export function loadConfigFile(file: string, cwd: string): ProjectConfig {
  const shown = shownPath(cwd, file);
  if (!existsSync(file)) throw new InputError([{ file: `--config ${shown}`, message: `config file not found: ${shown}` }]);
  const { source, issues } = parseConfigText(readConfigText(file, shown), file, cwd);
  if (issues.length > 0) throw new InputError(issues);
  if (path.basename(file) === "package.json" && !hasPackageKey(source)) {
    throw new InputError([{ file: shown, line: 1, message: `package.json has no '${PACKAGE_KEY}' key: add one, or point --config at an llmsgen.config.yaml` }]);
  }
  return validateConfig(source, file, cwd);
}

/** A config file's text; bytes that are not UTF-8 are bad input. */
function readConfigText(file: string, shown: string): string {
  const read = readSourceText(file, shown);
  if ("issue" in read) throw new InputError([read.issue]);
  return read.text;
}

/** A config's text parsed with the yaml package (JSON is YAML too); package.json's syntax errors are named as JSON's, the first one only. */
function parseConfigText(text: string, file: string, cwd: string): { source: YamlSource; issues: Issue[] } {
  const parsed = parseYamlSource(text.replace(/^\uFEFF/, ""), shownPath(cwd, file));
  if (path.extname(file) !== ".json" || parsed.issues.length === 0) return parsed;
  const first = parsed.issues.slice(0, 1).map((issue) => ({ ...issue, message: issue.message.replace(/^invalid YAML/, "invalid JSON") }));
  return { source: parsed.source, issues: first };
}

/** The config files in `dir` itself, without reading further: a package.json counts when it parses and has an `llmsgen` key. */
export function configFilesIn(dir: string): string[] {
  const files = CONFIG_FILES.map((name) => path.join(dir, name)).filter((file) => existsSync(file));
  const pkg = path.join(dir, "package.json");
  if (existsSync(pkg) && hasPackageKey(parseYamlSource(readConfigText(pkg, "package.json"), "package.json").source)) files.push(pkg);
  return files;
}

function validateConfig(source: YamlSource, file: string, cwd: string): ProjectConfig {
  const inPackage = path.basename(file) === "package.json";
  const at: YamlPath = inPackage ? [PACKAGE_KEY] : [];
  const prefix = inPackage ? `${PACKAGE_KEY}.` : "";
  const shown = shownPath(cwd, file);
  const issues: Issue[] = [];
  const report = (where: YamlPath, message: string) => issues.push({ file: shown, line: lineAt(source, [...at, ...where]), message });
  const all: unknown = source.doc.toJS();
  const data: unknown = inPackage && isRecord(all) ? all[PACKAGE_KEY] : all;
  if (data === null || data === undefined) return emptyConfig(file, shown);
  if (!isRecord(data)) {
    report([], `${inPackage ? `'${PACKAGE_KEY}' in package.json` : "the config"} must be a mapping of settings (root, atoms, profiles, out, cache, lint, examples), got ${describe(data)}`);
    throw new InputError(issues);
  }
  unknownKeys(data, CONFIG_KEYS, [], prefix, report);
  const dirs: Partial<Record<"root" | "atoms" | "profiles" | "out", string>> = {};
  for (const key of ["root", "atoms", "profiles", "out"] as const) {
    const value = data[key];
    if (value === undefined) continue;
    if (isPath(value)) dirs[key] = value;
    else report([key], `${prefix}${key} must be a directory path (relative to ${key === "root" ? "the config file" : "the root"}), got ${describe(value)}`);
  }
  let cache: string | false | undefined;
  if (typeof data.cache === "string" && /^(yes|no|on|off|true|false)$/i.test(data.cache.trim())) {
    // YAML 1.2 reads these as strings: taken as a folder name, `cache: no` would quietly create ./no.
    report(["cache"], `${prefix}cache: '${data.cache}' would be read as a folder name: write false for no cache, or a directory path`);
  } else if (data.cache === false || isPath(data.cache)) cache = data.cache;
  else if (data.cache !== undefined && data.cache !== true) report(["cache"], `${prefix}cache must be a directory path (relative to the root) or false for no cache, got ${describe(data.cache)}`);
  const knownKeys = validateLint(data.lint, prefix, report);
  const examples =
    data.examples === undefined || data.examples === null
      ? []
      : (parseExamples(
          data.examples,
          `${prefix}examples`,
          (language, message) => report(language === undefined ? ["examples"] : ["examples", language], message),
          (language) => lineAt(source, [...at, "examples", language]),
        ) ?? []);
  throwIfIssues(issues);
  return { file, dir: path.dirname(file), shown, ...dirs, ...(cache === undefined ? {} : { cache }), knownKeys, examples };
}

type Report = (where: YamlPath, message: string) => void;

function validateLint(value: unknown, prefix: string, report: Report): string[] {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) {
    report(["lint"], `${prefix}lint must be a mapping like { known_keys: [qa_tier] }, got ${describe(value)}`);
    return [];
  }
  unknownKeys(value, LINT_KEYS, ["lint"], `${prefix}lint.`, report);
  const keys = value.known_keys;
  if (keys === undefined) return [];
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === "string" && /^\S+$/.test(key))) {
    // A list with one wrong item is named by that item: "got a list" alone would read as no mistake at all.
    const bad: unknown = Array.isArray(keys) ? keys.find((key: unknown) => typeof key !== "string" || !/^\S+$/.test(key)) : undefined;
    const got = Array.isArray(keys) ? `a list containing ${describe(bad)}` : describe(keys);
    report(["lint", "known_keys"], `${prefix}lint.known_keys must be a list of frontmatter key names (strings without spaces) like [qa_tier, owner], got ${got}`);
    return [];
  }
  return keys;
}


function unknownKeys(data: Record<string, unknown>, known: readonly string[], at: YamlPath, prefix: string, report: Report): void {
  for (const key of Object.keys(data)) {
    if (known.includes(key)) continue;
    const hint = closest(key, known.filter((candidate) => !(candidate in data)));
    report([...at, key], `unknown key '${prefix}${key}'${hint ? ` (did you mean '${hint}'?)` : ""}: expected one of ${known.join(", ")}`);
  }
}

function hasPackageKey(source: YamlSource | undefined): boolean {
  const data: unknown = source?.doc.toJS();
  return isRecord(data) && data[PACKAGE_KEY] !== undefined && data[PACKAGE_KEY] !== null;
}

function emptyConfig(file: string, shown: string): ProjectConfig {
  return { file, dir: path.dirname(file), shown, knownKeys: [], examples: [] };
}

/** A config file as messages show it: relative to the current directory, `/` separators. */
function shownPath(cwd: string, file: string): string {
  return path.relative(cwd, file).split(path.sep).join("/") || path.basename(file);
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
const isPath = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";
