import type { Atom, Issue } from "../model.js";
import type { Frontmatter } from "./parse-frontmatter.js";
import { scanMarkdown } from "../render/scan-markdown.js";
import { closest } from "./closest.js";
import { describeRun, findLongRun } from "./long-runs.js";
import { countNewlines } from "./read-text.js";
import { lineAt, lineIndex } from "./yaml-source.js";

export const ATOM_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ATOM_KEYS = ["id", "title", "brief", "tag", "priority", "required", "related", "updated"];
/**
 * Common frontmatter keys of other tools (Hugo, Jekyll, Docusaurus, MkDocs,
 * Starlight, Obsidian …), never taken for a misspelling of an llmsgen key
 * though some are close to one (`tags`, `toc`, `lang`, `kind`, `hide`, `uid`).
 */
export const OTHER_TOOL_KEYS: ReadonlySet<string> = new Set([
  "aliases", "author", "authors", "categories", "category", "date", "description", "draft", "hide",
  "image", "keywords", "kind", "lang", "lastmod", "layout", "parent", "permalink", "published",
  "sidebar_label", "sidebar_position", "slug", "status", "summary", "tags", "template", "toc",
  "type", "uid", "weight",
]);
/** An unknown key this close to a known one (edits) is taken for a misspelling of it. */
const TYPO_DISTANCE = 2;
export const TAG = /^[A-Z][A-Z0-9_]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface AtomContext {
  /** The file as messages show it. */
  file: string;
  /** Path relative to the atoms dir. */
  path: string;
  sha256: string;
  issues: Issue[];
  /** Keys the project declares known: never taken for misspellings. */
  knownKeys?: ReadonlySet<string>;
}

/**
 * Checks the frontmatter against the atom schema and builds the
 * Atom, or records every problem and returns undefined. Keys llmsgen does not
 * read are listed in `otherKeys`; one within two edits of a key it reads is
 * an error (a misspelt `required` would be silently ignored), unless it is a
 * common key of another tool or in `knownKeys`.
 */
export function validateAtom(frontmatter: Frontmatter, context: AtomContext): (Atom & { text: string }) | undefined {
  const { data, yaml } = frontmatter;
  const before = context.issues.length;
  const report = (key: string | undefined, message: string) =>
    context.issues.push({ file: context.file, line: key === undefined ? 1 : lineAt(yaml, [key]), message });

  if (!isRecord(data)) {
    report(undefined, "frontmatter must be a mapping of keys (id: …, title: …, brief: …)");
    return undefined;
  }
  const fields = data;
  const otherKeys = Object.keys(fields).filter((key) => !ATOM_KEYS.includes(key));
  // Keys already named as the likely misspelling of a missing required key: reported once, there.
  const explained = new Set<string>();
  const text = (key: string, required: boolean): string | undefined => {
    const value = fields[key];
    if (value === undefined || value === null) {
      if (required) {
        const typo = closest(key, otherKeys);
        if (typo) explained.add(typo);
        if (typo) report(typo, `frontmatter.${key} is required (is '${typo}' a misspelling of it?)`);
        else report(undefined, `frontmatter.${key} is required`);
      }
      return undefined;
    }
    if (typeof value !== "string" || value.trim() === "") {
      report(key, `frontmatter.${key} must be a non-empty string, got ${describe(value)}`);
      return undefined;
    }
    return value;
  };

  const id = text("id", true);
  if (id !== undefined && !ATOM_ID.test(id)) {
    report("id", `frontmatter.id must be kebab-case like 'sign-verify', got ${describe(id)}`);
  }
  const title = text("title", true);
  const brief = text("brief", true);
  const briefRun = brief === undefined ? undefined : findLongRun(brief);
  if (brief !== undefined && brief.includes("\n")) {
    report("brief", "frontmatter.brief must be one line: it replaces the atom's text under tight budgets");
  } else if (brief !== undefined && briefRun !== undefined) {
    report("brief", `frontmatter.brief: ${describeRun(briefRun)}`);
  } else if (brief !== undefined && breaksStructure(brief.trim())) {
    report("brief", `frontmatter.brief ${describe(brief)} would read as a section tag or open a code fence in the output: reword it`);
  }
  const tag = text("tag", false);
  if (tag !== undefined && !TAG.test(tag)) {
    report("tag", `frontmatter.tag must be UPPER_SNAKE like 'SIGN_VERIFY', got ${describe(tag)}`);
  }
  // The tag is rendered and counted: the id's too, when it stands in for the tag.
  const tagRun = findLongRun(tag ?? id ?? "");
  if (tagRun) report(tag === undefined ? "id" : "tag", `frontmatter.${tag === undefined ? "id" : "tag"} (the section tag): ${describeRun(tagRun)}`);
  const priority = fields.priority ?? 50;
  if (typeof priority !== "number" || !Number.isInteger(priority) || priority < 0 || priority > 100) {
    report("priority", `frontmatter.priority must be a whole number from 0 to 100, got ${describe(priority)}`);
  }
  const required = fields.required ?? false;
  if (typeof required !== "boolean") {
    report("required", `frontmatter.required must be true or false, got ${describe(required)}`);
  }
  const related = fields.related ?? [];
  if (!isStringList(related)) {
    report("related", `frontmatter.related must be a list of atom ids, got ${describe(related)}`);
  }
  const updated = fields.updated;
  if (updated !== undefined && (typeof updated !== "string" || !isDate(updated))) {
    report("updated", `frontmatter.updated must be a date written YYYY-MM-DD, got ${describe(updated)}`);
  }
  for (const key of otherKeys) {
    const meant = explained.has(key) ? undefined : misspelledKey(key, context.knownKeys);
    if (meant) report(key, misspelledKeyMessage(key, meant));
  }

  if (
    context.issues.length > before ||
    id === undefined ||
    title === undefined ||
    brief === undefined ||
    typeof priority !== "number" ||
    typeof required !== "boolean" ||
    !isStringList(related) ||
    (updated !== undefined && typeof updated !== "string")
  ) {
    return undefined;
  }
  const body = frontmatter.body.trim();
  // Where the text starts; for an empty body, the line after the frontmatter.
  const leading = body === "" ? "" : (/^\s*/.exec(frontmatter.body)?.[0] ?? "");
  return {
    id,
    title,
    brief: brief.trim(),
    tag: tag ?? tagFromId(id),
    ownTag: tag !== undefined,
    priority,
    required,
    related,
    ...(updated === undefined ? {} : { updated }),
    path: context.path,
    text: body,
    sha256: context.sha256,
    // An empty body is pointed at by the frontmatter's closing line: the line after it may not exist.
    bodyLine: body === "" ? frontmatter.bodyLine - 1 : frontmatter.bodyLine + countNewlines(leading),
    keyLines: lineIndex(yaml),
    otherKeys,
  };
}

/**
 * The llmsgen key that `key`, a key llmsgen does not read, most likely
 * misspells; undefined when it is a key of another tool, declared known, or
 * not within TYPO_DISTANCE edits of any llmsgen key.
 */
export function misspelledKey(key: string, knownKeys: ReadonlySet<string> = new Set()): string | undefined {
  if (ATOM_KEYS.includes(key) || OTHER_TOOL_KEYS.has(key.toLowerCase()) || knownKeys.has(key)) return undefined;
  // YAML keys are case-sensitive: `Required` or `PRIORITY` would be ignored just as silently as a typo.
  const sameLetters = ATOM_KEYS.find((known) => known === key.toLowerCase());
  return sameLetters ?? closest(key, ATOM_KEYS, TYPO_DISTANCE);
}

function misspelledKeyMessage(key: string, meant: string): string {
  return `unknown frontmatter key '${key}' (did you mean '${meant}'?): llmsgen would silently ignore it; fix the spelling, or declare the key known if another tool reads it`;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

/** `YYYY-MM-DD` naming a day that exists. */
function isDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const [year = 0, month = 0, day = 0] = text.split("-").map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** True when a text would add a tag line or an unclosed fence to any output it is rendered into. */
export function breaksStructure(text: string): boolean {
  const scan = scanMarkdown(text);
  return scan.tagLines.length > 0 || scan.unclosedFence !== undefined;
}

/** `sign-verify` → `SIGN_VERIFY`. */
function tagFromId(id: string): string {
  return id.toUpperCase().replace(/-/g, "_");
}

/** A short, safe rendering of a bad value for messages. */
export function describe(value: unknown): string {
  const shown = typeof value === "string" ? JSON.stringify(value) : Array.isArray(value) ? "a list" : value === null ? "null" : typeof value === "object" ? "a mapping" : String(value);
  return shown.length > 40 ? `${shown.slice(0, 39)}…` : shown;
}
