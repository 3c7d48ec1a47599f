import { isMap, isNode, isScalar, isSeq, parseDocument, type Document, type YAMLSeq } from "yaml";
import { yamlScalar } from "./yaml-scalar.js";

/**
 * Edits a profile's YAML source in place of its nodes, so comments, blank
 * lines, quoting and flow lists elsewhere stay byte for byte. Each edit is
 * checked by parsing the result; where a splice cannot be made safely the
 * yaml Document API writes the edit instead (keeping comments, not every space).
 */

/** Inserts `- tag: TAG / atoms: [id]` as `sections[index]`. */
export function insertSection(source: string, index: number, tag: string, atomId: string): string {
  const sections = sectionsOf(parseDocument(source));
  const eol = source.includes("\r\n") ? "\r\n" : "\n";
  const first = sections?.items[0];
  if (sections && !sections.flow && isNode(first) && first.range) {
    const indent = " ".repeat(columnOf(source, first.range[0]));
    const entry = `${indent}- tag: ${tag}${eol}${indent}  atoms: [${atomId}]${eol}`;
    const previous = sections.items[index - 1];
    const at = index === 0 ? lineStart(source, first.range[0]) : isNode(previous) && previous.range ? lineEnd(source, previous.range[1]) : -1;
    if (at !== -1) {
      const spliced = insertAtLine(source, at, entry, eol);
      if (sectionTagsOf(spliced)[index] === tag) return spliced;
    }
  }
  if (sections && sections.flow && sections.items.length === 0 && sections.range) {
    // `sections: []` (a profile started from an existing file): the list becomes a block list.
    const [start, end] = sections.range;
    const lineEndAt = lineEnd(source, end);
    const rest = source.slice(end, lineEndAt).replace(/\r?\n$/, "");
    const spliced = `${source.slice(0, start).trimEnd()}${rest.trimEnd() === "" ? "" : ` ${rest.trim()}`}${eol}  - tag: ${tag}${eol}    atoms: [${atomId}]${eol}${source.slice(lineEndAt)}`;
    if (sameTags(sectionTagsOf(spliced), [tag])) return spliced;
  }
  const fallback = parseDocument(source);
  const list = sectionsOf(fallback);
  if (!list) throw new Error("profile has no 'sections' list");
  list.flow = false;
  list.items.splice(index, 0, fallback.createNode({ tag, atoms: [atomId] }, { flow: false }));
  return stringify(fallback);
}

/** Replaces the intro of the section tagged `tag` with `intro`. */
export function replaceIntro(source: string, tag: string, intro: string): string {
  const index = sectionTagsOf(source).indexOf(tag);
  if (index === -1) throw new Error(`profile has no section ${tag}`);
  const node = parseDocument(source).getIn(["sections", index, "intro"], true);
  if (isScalar(node) && node.range) {
    const [start, valueEnd] = node.range;
    const spliced = source.slice(0, start) + yamlScalar(intro) + source.slice(valueEnd);
    const check = parseDocument(spliced);
    if (check.errors.length === 0 && check.getIn(["sections", index, "intro"]) === intro) return spliced;
  }
  const fallback = parseDocument(source);
  fallback.setIn(["sections", index, "intro"], intro);
  return stringify(fallback);
}

/**
 * Puts the entries of `sections:` in the order of `tags` (the same tags,
 * reordered). Each entry's own lines move with it; the blank lines and
 * comments between entries stay where they are.
 */
export function reorderSections(source: string, tags: readonly string[]): string {
  const current = sectionTagsOf(source);
  if (sameTags(current, tags)) return source;
  const sections = sectionsOf(parseDocument(source));
  const ranges = sections?.flow ? undefined : sections?.items.map((item) => (isNode(item) && item.range ? { start: lineStart(source, item.range[0]), end: lineEnd(source, item.range[1]) } : undefined));
  if (ranges && ranges.every((range) => range !== undefined)) {
    const bodies = ranges.map((range) => source.slice(range.start, range.end));
    let spliced = source.slice(0, ranges[0]?.start ?? 0);
    ranges.forEach((range, index) => {
      const body = bodies[current.indexOf(tags[index] ?? "")] ?? "";
      const between = source.slice(range.end, ranges[index + 1]?.start ?? range.end);
      spliced += body + between;
    });
    spliced += source.slice(ranges[ranges.length - 1]?.end ?? source.length);
    if (sameTags(sectionTagsOf(spliced), tags) && sameEntries(source, spliced)) return spliced;
  }
  const fallback = parseDocument(source);
  const list = sectionsOf(fallback);
  if (!list) throw new Error("profile has no 'sections' list");
  const byTag = new Map(list.items.map((item, index) => [current[index] ?? "", item]));
  list.items = tags.flatMap((tag) => {
    const item = byTag.get(tag);
    return item === undefined ? [] : [item];
  });
  return stringify(fallback);
}

/** The tags of a profile's sections, in order ("" for an entry without a tag). */
export function sectionTagsOf(source: string): string[] {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) return [];
  return (sectionsOf(doc)?.items ?? []).map((item) => {
    const tag = isMap(item) ? item.get("tag") : undefined;
    return typeof tag === "string" ? tag : "";
  });
}

function sectionsOf(doc: Document): YAMLSeq | undefined {
  const node = doc.get("sections", true);
  return isSeq(node) ? node : undefined;
}

/** True when both sources hold the same section entries (as data), whatever their order. */
function sameEntries(a: string, b: string): boolean {
  const entries = (source: string) => {
    const doc = parseDocument(source);
    const rest = doc.toJS({ maxAliasCount: 100 });
    const list = sectionsOf(doc)?.items.map((item) => JSON.stringify(isNode(item) ? item.toJSON() : item)).sort() ?? [];
    const others = isRecord(rest) ? JSON.stringify(Object.entries(rest).filter(([key]) => key !== "sections")) : "";
    return JSON.stringify([list, others]);
  };
  return parseDocument(b).errors.length === 0 && entries(a) === entries(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag, index) => tag === b[index]);
}

function stringify(doc: Document): string {
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function columnOf(source: string, offset: number): number {
  // The item's value starts after "- "; the dash sits two columns before it.
  return Math.max(0, offset - lineStart(source, offset) - 2);
}

function lineStart(source: string, offset: number): number {
  return source.lastIndexOf("\n", offset - 1) + 1;
}

/** The offset just past the line holding `offset - 1` (the end of a node). */
function lineEnd(source: string, offset: number): number {
  const end = source.indexOf("\n", Math.max(0, offset - 1));
  return end === -1 ? source.length : end + 1;
}

function insertAtLine(source: string, at: number, text: string, eol: string): string {
  const before = source.slice(0, at);
  return (before.endsWith("\n") || before === "" ? before : `${before}${eol}`) + text + source.slice(at);
}
