import { type CST, Composer, isMap, isNode, isPair, isScalar, isSeq, LineCounter, Parser, visit, type Document } from "yaml";
import type { Issue } from "../model.js";

/** Collections nested deeper than this are refused: no profile or frontmatter needs them, and composing them recurses. */
export const MAX_YAML_DEPTH = 64;
/** The yaml library's guard against alias bombs, set explicitly: aliases expanding to more nodes than this are refused. */
export const MAX_ALIAS_COUNT = 100;

/** A parsed YAML document that can say on which line of its file any value sits. */
export interface YamlSource {
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export type YamlPath = ReadonlyArray<string | number>;

/**
 * Parses YAML 1.2 (strings stay strings: `2026-01-05` is not a date) with
 * duplicate keys refused, turning every syntax error into an issue. Nesting
 * deeper than MAX_YAML_DEPTH is refused before the document is composed.
 */
export function parseYamlSource(text: string, file: string): { source: YamlSource; issues: Issue[] } {
  const lineCounter = new LineCounter();
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, keepSourceTokens: false, logLevel: "error" });
  const deep = deepestOffset(tokens);
  // Too deep: compose nothing (an empty document keeps `source` usable) and report where it goes too deep.
  const docs = [...composer.compose(deep === undefined ? tokens : [], true, text.length)];
  const doc = docs[0];
  if (!doc) throw new Error("the yaml composer returned no document"); // it always makes one when forced
  if (deep !== undefined) {
    const line = lineCounter.linePos(deep).line;
    return { source: { doc, lineCounter }, issues: [{ file, line, message: `YAML nested more than ${MAX_YAML_DEPTH} levels deep: flatten it` }] };
  }
  const issues = doc.errors.map((error) => ({
    file,
    line: lineCounter.linePos(error.pos[0]).line,
    message: `invalid YAML: ${firstLine(error.message)}`,
  }));
  if (docs.length > 1) issues.push({ file, line: lineCounter.linePos(docs[1]?.range[0] ?? 0).line, message: "invalid YAML: more than one document (a '---' line inside the YAML): keep to one" });
  return { source: { doc, lineCounter }, issues };
}

/** The offset of the first collection nested deeper than MAX_YAML_DEPTH, walking the parsed tokens without recursion. */
function deepestOffset(tokens: readonly CST.Token[]): number | undefined {
  const stack: { token: CST.Token; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const { token, depth } = entry;
    if (token.type === "document") {
      if (token.value) stack.push({ token: token.value, depth });
    } else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth >= MAX_YAML_DEPTH) return token.offset;
      for (const item of token.items) {
        if (item.key) stack.push({ token: item.key, depth: depth + 1 });
        if (item.value) stack.push({ token: item.value, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/**
 * The document as plain data, with the alias limit set explicitly; an alias
 * bomb or an alias without its anchor is an issue at the alias's line.
 */
export function yamlData(source: YamlSource, file: string): { data: unknown } | { issue: Issue } {
  try {
    return { data: source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(error.message)?.[1];
    let offset = 0;
    visit(source.doc, {
      Alias(_key, node) {
        if (unresolved !== undefined && node.source !== unresolved) return undefined;
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const line = source.lineCounter.linePos(offset).line;
    const message =
      unresolved !== undefined
        ? `YAML alias '*${unresolved}' has no anchor '&${unresolved}' before it: define the anchor first, or write the value out`
        : `YAML aliases here expand to more than ${MAX_ALIAS_COUNT} nodes (a resource exhaustion attack, or a mistake): write the values out`;
    return { issue: { file, line, message } };
  }
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
  return isNode(node) ? node.range?.[0] : undefined;
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
