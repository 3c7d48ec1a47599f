import type { Atom, Issue } from "../model.js";
import type { Frontmatter } from "./parse-frontmatter.js";
import { scanMarkdown } from "../render/scan-markdown.js";
import { closest } from "./closest.js";
import { findLongRun, MAX_RUN } from "./long-runs.js";
import { countNewlines } from "./read-text.js";
import { lineAt, lineIndex } from "./yaml-source.js";

export const ATOM_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ATOM_KEYS = ["id", "title", "brief", "tag", "priority", "required", "related", "updated"];
export const TAG = /^[A-Z][A-Z0-9_]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface AtomContext {
  /** The file as messages show it. */
  file: string;
  /** Path relative to the atoms dir. */
  path: string;
  sha256: string;
  issues: Issue[];
}

/**
 * Checks the frontmatter against the atom schema and builds the
 * Atom, or records every problem and returns undefined. Unknown keys are kept
 * out of the Atom and never an error.
 */
export function validateAtom(frontmatter: Frontmatter, context: AtomContext): Atom | undefined {
  const { data, yaml } = frontmatter;
  const before = context.issues.length;
  const report = (key: string | undefined, message: string) =>
    context.issues.push({ file: context.file, line: key === undefined ? 1 : lineAt(yaml, [key]), message });

  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    report(undefined, "frontmatter must be a mapping of keys (id: …, title: …, brief: …)");
    return undefined;
  }
  const fields = data as Record<string, unknown>;
  const text = (key: string, required: boolean): string | undefined => {
    const value = fields[key];
    if (value === undefined || value === null) {
      if (required) {
        const typo = closest(key, Object.keys(fields).filter((candidate) => !ATOM_KEYS.includes(candidate)));
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
  if (brief !== undefined && brief.includes("\n")) {
    report("brief", "frontmatter.brief must be one line: it replaces the atom's text under tight budgets");
  } else if (brief !== undefined && findLongRun(brief)) {
    report("brief", `frontmatter.brief has a run of over ${MAX_RUN} characters with no break: shorten it`);
  } else if (brief !== undefined && breaksStructure(brief.trim())) {
    report("brief", `frontmatter.brief ${describe(brief)} would read as a section tag or open a code fence in the output: reword it`);
  }
  const tag = text("tag", false);
  if (tag !== undefined && !TAG.test(tag)) {
    report("tag", `frontmatter.tag must be UPPER_SNAKE like 'SIGN_VERIFY', got ${describe(tag)}`);
  }
  const priority = fields.priority ?? 50;
  if (typeof priority !== "number" || !Number.isInteger(priority) || priority < 0 || priority > 100) {
    report("priority", `frontmatter.priority must be a whole number from 0 to 100, got ${describe(priority)}`);
  }
  const required = fields.required ?? false;
  if (typeof required !== "boolean") {
    report("required", `frontmatter.required must be true or false, got ${describe(required)}`);
  }
  const related = fields.related ?? [];
  if (!Array.isArray(related) || related.some((item) => typeof item !== "string")) {
    report("related", `frontmatter.related must be a list of atom ids, got ${describe(related)}`);
  }
  const updated = fields.updated;
  if (updated !== undefined && (typeof updated !== "string" || !isDate(updated))) {
    report("updated", `frontmatter.updated must be a date written YYYY-MM-DD, got ${describe(updated)}`);
  }

  if (context.issues.length > before || id === undefined || title === undefined || brief === undefined) {
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
    priority: priority as number,
    required: required as boolean,
    related: related as string[],
    ...(updated === undefined ? {} : { updated: updated as string }),
    path: context.path,
    text: body,
    sha256: context.sha256,
    // An empty body is pointed at by the frontmatter's closing line: the line after it may not exist.
    bodyLine: body === "" ? frontmatter.bodyLine - 1 : frontmatter.bodyLine + countNewlines(leading),
    keyLines: lineIndex(yaml),
  };
}

/** `YYYY-MM-DD` naming a day that exists. */
function isDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const [year, month, day] = text.split("-").map(Number) as [number, number, number];
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
