/**
 * The glob grammar of profile entries (README, "Globs"), matched against atom
 * paths relative to the atoms dir with `/` separators, case-sensitively:
 * - `*` any characters within one path segment, `?` one character (not `/`);
 * - `**` as a whole segment: any number of segments, none included;
 *   anywhere else it is the same as `*`;
 * - `[abc]`, `[a-z]`, `[!abc]` or `[^abc]`: one character of (not of) a
 *   class; a `]` right after `[` or `[!` is literal; never matches `/`;
 * - `{a,b}`: alternatives, nested as deep as wanted; braces without a comma are literal;
 * - `\x`: the character `x` literally; everything else is literal.
 * A leading `./` is dropped. picomatch was measured and not taken: it reads
 * `[!a]` as a class of `!` and `a`, parentheses as regex groups (so
 * `faq (old).md` never matches its own file), and an unclosed `{` as a
 * pattern that silently matches nothing.
 */

/**
 * Profile entries that are globs: anything with `/`, `*`, `?` or `[`, or
 * ending in `.md`. Anything else is an atom id.
 */
export function isGlob(entry: string): boolean {
  return /[/*?[]/.test(entry) || entry.endsWith(".md");
}

/** True when a glob could reach outside its base (`..` segments or an absolute path). */
export function leavesBase(pattern: string): boolean {
  return pattern.startsWith("/") || /^[A-Za-z]:/.test(pattern) || pattern.split("/").includes("..");
}

/** Braces may expand to at most this many patterns; globs are short, so more is a mistake. */
export const MAX_EXPANSIONS = 1_000;
const MAX_LENGTH = 1_000;

/** A compiled glob, or why the pattern is not one (to show after the pattern). */
export type Glob = { regex: RegExp } | { error: string };

/** Compiles a glob of the grammar above into one anchored regular expression. */
export function compileGlob(pattern: string): Glob {
  if (pattern.length > MAX_LENGTH) return { error: `is longer than ${MAX_LENGTH} characters` };
  const expanded = expandBraces(pattern.replace(/^(?:\.\/)+/, ""));
  if ("error" in expanded) return expanded;
  const sources: string[] = [];
  for (const alternative of expanded.patterns) {
    const compiled = compileExpanded(alternative);
    if ("error" in compiled) return compiled;
    sources.push(compiled.source);
  }
  return { regex: new RegExp(`^(?:${sources.join("|")})$`, "u") };
}

/** The regex of a glob that loading already accepted; one that is not a glob matches nothing. */
export function globToRegExp(pattern: string): RegExp {
  const glob = compileGlob(pattern);
  return "regex" in glob ? glob.regex : /(?!)/u;
}

/** Expands `{a,b}` alternatives, leftmost first, as a shell does; escapes and classes are kept for the next step. */
function expandBraces(pattern: string): { patterns: string[] } | { error: string } {
  const done: string[] = [];
  const pending = [pattern];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const braces = findBraces(next);
    if ("error" in braces) return braces;
    if (braces.group === undefined) {
      done.push(next);
    } else {
      const { start, end, parts } = braces.group;
      // Pushed in reverse so that alternatives come out in the order written.
      for (let i = parts.length - 1; i >= 0; i--) pending.push(next.slice(0, start) + (parts[i] ?? "") + next.slice(end + 1));
    }
    if (done.length + pending.length > MAX_EXPANSIONS) return { error: `has braces that expand to more than ${MAX_EXPANSIONS} patterns` };
  }
  return { patterns: done };
}

/** The first `{…}` with a comma at its own level, split at those commas; braces without one stay literal. */
function findBraces(pattern: string): { group?: { start: number; end: number; parts: string[] } } | { error: string } {
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") {
      i++;
    } else if (char === "[") {
      i = classEnd(pattern, i) ?? i;
    } else if (char === "{") {
      let depth = 0;
      const commas: number[] = [];
      let end: number | undefined;
      for (let j = i; j < pattern.length && end === undefined; j++) {
        const inner = pattern[j];
        if (inner === "\\") j++;
        else if (inner === "[") j = classEnd(pattern, j) ?? j;
        else if (inner === "{") depth++;
        else if (inner === "}" && --depth === 0) end = j;
        else if (inner === "," && depth === 1) commas.push(j);
      }
      if (end === undefined) return { error: "has a '{' that is never closed: close it, or write '\\{' for the character" };
      if (commas.length > 0) {
        const bounds = [i, ...commas, end];
        const parts = bounds.slice(1).map((bound, k) => pattern.slice((bounds[k] ?? i) + 1, bound));
        return { group: { start: i, end, parts } };
      }
    }
  }
  return {};
}

/** The index of the `]` closing a class opened at `open`, or undefined when it never closes. */
function classEnd(pattern: string, open: number): number | undefined {
  let i = open + 1;
  if (pattern[i] === "!" || pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i;
  }
  return undefined;
}

/** One brace-free pattern as regex source, segment by segment. */
function compileExpanded(pattern: string): { source: string } | { error: string } {
  const segments = splitSegments(pattern);
  let source = "";
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (segment === "") return { error: "has an empty path segment ('//', or a '/' at either end): remove it" };
    if (segment === ".") return { error: "has a '.' path segment: write the path without it" };
    if (segment === "**") {
      source += last ? "(?:[^/]+/)*[^/]+" : "(?:[^/]+/)*";
      continue;
    }
    const compiled = compileSegment(segment);
    if ("error" in compiled) return compiled;
    source += compiled.source + (last ? "" : "/");
  }
  return { source };
}

/** Splits at each `/` that is neither escaped nor inside a class. */
function splitSegments(pattern: string): string[] {
  const segments: string[] = [];
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "[") i = classEnd(pattern, i) ?? i;
    else if (pattern[i] === "/") {
      segments.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  segments.push(pattern.slice(start));
  return segments;
}

function compileSegment(segment: string): { source: string } | { error: string } {
  let source = "";
  const chars = Array.from(segment);
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? "";
    if (char === "\\") {
      const next = chars[++i];
      if (next === undefined) return { error: "ends with a lone '\\': write '\\\\' for the character" };
      source += literal(next);
    } else if (char === "*") {
      while (chars[i + 1] === "*") i++; // `**` inside a segment is `*`
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else if (char === "[") {
      const parsed = compileClass(chars, i);
      if ("error" in parsed) return parsed;
      source += parsed.source;
      i = parsed.end;
    } else {
      source += literal(char);
    }
  }
  return { source };
}

/** A class opened at `chars[open]`: its regex source and the index of its closing `]`. */
function compileClass(chars: readonly string[], open: number): { source: string; end: number } | { error: string } {
  let i = open + 1;
  const negated = chars[i] === "!" || chars[i] === "^";
  if (negated) i++;
  const items: string[] = [];
  let first = true;
  for (; i < chars.length; i++) {
    let char = chars[i] ?? "";
    if (char === "]" && !first) return { source: `(?!/)[${negated ? "^" : ""}${items.join("")}]`, end: i };
    first = false;
    if (char === "\\") char = chars[++i] ?? "\\";
    const dash = chars[i + 1] === "-" && chars[i + 2] !== undefined && chars[i + 2] !== "]";
    if (dash) {
      let to = chars[i + 2] ?? "";
      i += 2;
      if (to === "\\") to = chars[++i] ?? "\\";
      if ((to.codePointAt(0) ?? 0) < (char.codePointAt(0) ?? 0)) return { error: `has a class range '${char}-${to}' that runs backwards: write it '${to}-${char}'` };
      items.push(`${codePoint(char)}-${codePoint(to)}`);
    } else {
      items.push(codePoint(char));
    }
  }
  return { error: "has a '[' that is never closed: close the class with ']', or write '\\[' for the character" };
}

function codePoint(char: string): string {
  return `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`;
}

function literal(char: string): string {
  return char.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}
