import { isMap, isScalar, isSeq, parseDocument, type Document } from "yaml";
import { yamlScalar } from "./yaml-scalar.js";

/**
 * Edits a profile's YAML source in place of its nodes, so comments, blank
 * lines, quoting and flow lists elsewhere stay byte for byte. Each edit is
 * checked by parsing the result; where a splice cannot be made safely the
 * yaml Document API writes the edit instead (keeping comments, not every space).
 */

/** Inserts `- tag: TAG / atoms: [id]` as `sections[index]`. */
export function insertSection(source: string, index: number, tag: string, atomId: string): string {
  const doc = parseDocument(source);
  const sections = doc.get("sections", true);
  if (isSeq(sections) && !sections.flow && sections.items.length > 0) {
    const sample = sections.items[0];
    const column = columnOf(source, rangeOf(sample)[0]);
    const indent = " ".repeat(column);
    const eol = source.includes("\r\n") ? "\r\n" : "\n";
    const entry = `${indent}- tag: ${tag}${eol}${indent}  atoms: [${atomId}]${eol}`;
    const spliced =
      index === 0
        ? insertAtLine(source, lineStart(source, rangeOf(sample)[0]), entry)
        : insertAtLine(source, lineEnd(source, rangeOf(sections.items[index - 1])[1]), entry);
    if (sectionTagAt(spliced, index) === tag) return spliced;
  }
  const fallback = parseDocument(source);
  const list = fallback.get("sections", true);
  if (!isSeq(list)) throw new Error("profile has no 'sections' list");
  list.items.splice(index, 0, fallback.createNode({ tag, atoms: [atomId] }, { flow: false }));
  return stringify(fallback);
}

/** Replaces the intro of the section tagged `tag` with `intro`. */
export function replaceIntro(source: string, tag: string, intro: string): string {
  const index = profileTags(source).indexOf(tag);
  if (index === -1) throw new Error(`profile has no section ${tag}`);
  const doc = parseDocument(source);
  const node = doc.getIn(["sections", index, "intro"], true);
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

/** The tags of a profile's sections, in order. */
export function profileTags(source: string): string[] {
  const sections = parseDocument(source).toJS() as { sections?: { tag?: unknown }[] } | null;
  return (sections?.sections ?? []).map((section) => String(section?.tag ?? ""));
}

function stringify(doc: Document): string {
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function sectionTagAt(source: string, index: number): unknown {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) return undefined;
  const item = doc.getIn(["sections", index]);
  return isMap(item) ? item.get("tag") : (item as { tag?: unknown } | undefined)?.tag;
}

function rangeOf(node: unknown): [number, number, number] {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (!range) throw new Error("node has no source range");
  return range;
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

function insertAtLine(source: string, at: number, text: string): string {
  const before = source.slice(0, at);
  const eol = source.includes("\r\n") ? "\r\n" : "\n";
  return (before.endsWith("\n") || before === "" ? before : `${before}${eol}`) + text + source.slice(at);
}
