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

/** What the checks of one atom's frontmatter share: its fields, the keys llmsgen does not read, and where problems go. */
interface FieldChecks {
  fields: Record<string, unknown>;
  otherKeys: string[];
  /** Keys already named as the likely misspelling of a missing required key: reported once, there. */
  explained: Set<string>;
  report: (key: string | undefined, message: string) => void;
}

/** The checked frontmatter values an atom is made of. */
interface AtomFields {
  id: string;
  title: string;
  brief: string;
  tag: string | undefined;
  priority: number;
  required: boolean;
  related: string[];
  updated: string | undefined;
}

/**
 * Checks the frontmatter against the atom schema and builds the
 * Atom, or records every problem and returns undefined. Keys llmsgen does not
 * read are listed in `otherKeys`; one within two edits of a key it reads is
 * an error (a misspelt `required` would be silently ignored), unless it is a
 * common key of another tool or in `knownKeys`. Each check is a function of
 * its own; they run, and report, in the order of the schema's keys.
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
  const checks: FieldChecks = { fields: data, otherKeys: Object.keys(data).filter((key) => !ATOM_KEYS.includes(key)), explained: new Set(), report };
  const id = checkId(checks);
  const title = requiredText(checks, "title");
  const brief = checkBrief(checks);
  const tag = checkTag(checks);
  checkSectionTagRun(checks, tag, id);
  const priority = checkPriority(checks);
  const required = checkRequired(checks);
  const related = checkRelated(checks);
  const updated = checkUpdated(checks);
  checkMisspelledKeys(checks, context.knownKeys);
  if (context.issues.length > before || id === undefined || title === undefined || brief === undefined || priority === undefined || required === undefined || related === undefined) {
    return undefined;
  }
  return atomOf(frontmatter, context, checks.otherKeys, { id, title, brief, tag, priority, required, related, updated });
}

/** A string field: undefined (reported when `required`) when absent, or reported when not a non-empty string. */
function textField(checks: FieldChecks, key: string, required: boolean): string | undefined {
  const value = checks.fields[key];
  if (value === undefined || value === null) {
    if (required) missingKey(checks, key);
    return undefined;
  }
  if (typeof value !== "string" || value.trim() === "") {
    checks.report(key, `frontmatter.${key} must be a non-empty string, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

const requiredText = (checks: FieldChecks, key: string) => textField(checks, key, true);

/** A required key is missing: named at the unknown key that likely misspells it, if there is one. */
function missingKey(checks: FieldChecks, key: string): void {
  const typo = closest(key, checks.otherKeys);
  if (typo) {
    checks.explained.add(typo);
    checks.report(typo, `frontmatter.${key} is required (is '${typo}' a misspelling of it?)`);
  } else {
    checks.report(undefined, `frontmatter.${key} is required`);
  }
}

function checkId(checks: FieldChecks): string | undefined {
  const id = requiredText(checks, "id");
  if (id !== undefined && !ATOM_ID.test(id)) checks.report("id", `frontmatter.id must be kebab-case like 'sign-verify', got ${describe(id)}`);
  return id;
}

/** The brief replaces the atom's text under tight budgets: one line, with no run too long to count, that breaks no output. */
function checkBrief(checks: FieldChecks): string | undefined {
  const brief = requiredText(checks, "brief");
  if (brief === undefined) return undefined;
  const run = findLongRun(brief);
  if (brief.includes("\n")) {
    checks.report("brief", "frontmatter.brief must be one line: it replaces the atom's text under tight budgets");
  } else if (run !== undefined) {
    checks.report("brief", `frontmatter.brief: ${describeRun(run)}`);
  } else if (breaksStructure(brief.trim())) {
    checks.report("brief", `frontmatter.brief ${describe(brief)} would read as a section tag or open a code fence in the output: reword it`);
  }
  return brief;
}

function checkTag(checks: FieldChecks): string | undefined {
  const tag = textField(checks, "tag", false);
  if (tag !== undefined && !TAG.test(tag)) checks.report("tag", `frontmatter.tag must be UPPER_SNAKE like 'SIGN_VERIFY', got ${describe(tag)}`);
  return tag;
}

/** The tag is rendered and counted: the id's too, when it stands in for the tag. */
function checkSectionTagRun(checks: FieldChecks, tag: string | undefined, id: string | undefined): void {
  const run = findLongRun(tag ?? id ?? "");
  const key = tag === undefined ? "id" : "tag";
  if (run) checks.report(key, `frontmatter.${key} (the section tag): ${describeRun(run)}`);
}

function checkPriority(checks: FieldChecks): number | undefined {
  const priority = checks.fields.priority ?? 50;
  if (typeof priority === "number" && Number.isInteger(priority) && priority >= 0 && priority <= 100) return priority;
  checks.report("priority", `frontmatter.priority must be a whole number from 0 to 100, got ${describe(priority)}`);
  return undefined;
}

function checkRequired(checks: FieldChecks): boolean | undefined {
  const required = checks.fields.required ?? false;
  if (typeof required === "boolean") return required;
  checks.report("required", `frontmatter.required must be true or false, got ${describe(required)}`);
  return undefined;
}

function checkRelated(checks: FieldChecks): string[] | undefined {
  const related = checks.fields.related ?? [];
  if (isStringList(related)) return related;
  checks.report("related", `frontmatter.related must be a list of atom ids, got ${describe(related)}`);
  return undefined;
}

/** The optional date: absent, or a day written YYYY-MM-DD (undefined either way when it is not). */
function checkUpdated(checks: FieldChecks): string | undefined {
  const updated = checks.fields.updated;
  if (updated === undefined) return undefined;
  if (typeof updated === "string" && isDate(updated)) return updated;
  checks.report("updated", `frontmatter.updated must be a date written YYYY-MM-DD, got ${describe(updated)}`);
  return undefined;
}

/** Unknown keys close to one llmsgen reads, but for those already named for a missing required key. */
function checkMisspelledKeys(checks: FieldChecks, knownKeys: ReadonlySet<string> | undefined): void {
  for (const key of checks.otherKeys) {
    const meant = checks.explained.has(key) ? undefined : misspelledKey(key, knownKeys);
    if (meant) checks.report(key, misspelledKeyMessage(key, meant));
  }
}

/** The atom of checked fields: its text is the body, trimmed, and its body line where that text starts. */
function atomOf(frontmatter: Frontmatter, context: AtomContext, otherKeys: string[], fields: AtomFields): Atom & { text: string } {
  const { id, tag, updated, brief } = fields;
  const body = frontmatter.body.trim();
  // Where the text starts; for an empty body, the line after the frontmatter.
  const leading = body === "" ? "" : (/^\s*/.exec(frontmatter.body)?.[0] ?? "");
  return {
    id,
    title: fields.title,
    brief: brief.trim(),
    tag: tag ?? tagFromId(id),
    ownTag: tag !== undefined,
    priority: fields.priority,
    required: fields.required,
    related: fields.related,
    ...(updated === undefined ? {} : { updated }),
    path: context.path,
    text: body,
    sha256: context.sha256,
    // An empty body is pointed at by the frontmatter's closing line: the line after it may not exist.
    bodyLine: body === "" ? frontmatter.bodyLine - 1 : frontmatter.bodyLine + countNewlines(leading),
    keyLines: lineIndex(frontmatter.yaml),
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
