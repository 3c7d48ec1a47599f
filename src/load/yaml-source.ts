import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { Issue } from "../model.js";

/** A parsed YAML document that can say on which line of its file any value sits. */
export interface YamlSource {
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export type YamlPath = ReadonlyArray<string | number>;

/**
 * Parses YAML 1.2 (strings stay strings: `2026-01-05` is not a date) with
 * duplicate keys refused, turning every syntax error into an issue.
 */
export function parseYamlSource(text: string, file: string): { source: YamlSource; issues: Issue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  const issues = doc.errors.map((error) => ({
    file,
    line: lineCounter.linePos(error.pos[0]).line,
    message: `invalid YAML: ${firstLine(error.message)}`,
  }));
  return { source: { doc, lineCounter }, issues };
}

/**
 * The 1-based line of the value at `path` (of its key, when the last step is a
 * map key), falling back to the nearest ancestor that exists.
 */
export function lineAt(source: YamlSource, path: YamlPath): number {
  let node: unknown = source.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === step);
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof step === "number") {
      const item = node.items[step];
      if (item === undefined) break;
      offset = rangeStart(isPair(item) ? item.key : item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return source.lineCounter.linePos(offset).line;
}

function rangeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] }).range;
    return range?.[0];
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

/**
 * The line of every key and list item of a document, by dot-path
 * (`sections[2].atoms[0]`), so later stages can point at any entry.
 */
export function lineIndex(source: YamlSource): Record<string, number> {
  const lines: Record<string, number> = {};
  const visit = (node: unknown, prefix: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const name = prefix === "" ? String(pair.key.value) : `${prefix}.${String(pair.key.value)}`;
        const start = rangeStart(pair.key);
        if (start !== undefined) lines[name] = source.lineCounter.linePos(start).line;
        visit(pair.value, name);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const name = `${prefix}[${index}]`;
        const start = rangeStart(item);
        if (start !== undefined) lines[name] = source.lineCounter.linePos(start).line;
        visit(item, name);
      });
    }
  };
  visit(source.doc.contents, "");
  return lines;
}
