import { FenceTracker, TAG_LINE } from "./scan-markdown.js";

/** A well-formed `<TAG>` … `</TAG>` block at the top level of a generated file. */
export interface ParsedSection {
  tag: string;
  /** 1-based lines of the opening and closing tag lines. */
  open: number;
  close: number;
  /** The block exactly as rendered: from `<TAG>` to `</TAG>`, joined with "\n". */
  text: string;
}

/** Lines outside every section (and outside the wrapper lines). */
export interface Gap {
  /** 1-based line of the first line of the gap (where it would start, when empty). */
  start: number;
  lines: string[];
  position: "first" | "middle" | "last" | "only";
}

export interface StructureProblem {
  line: number;
  tag?: string;
  message: string;
}

export interface ParsedOutput {
  /** The wrapper tag found on the first and last lines, if any was looked for and found. */
  wrapper?: string;
  sections: ParsedSection[];
  gaps: Gap[];
  malformed: StructureProblem[];
  /** Tags of blocks too broken to compare (their text is not judged further). */
  brokenTags: Set<string>;
  finalNewline: boolean;
  lineCount: number;
}

interface Open {
  tag: string;
  line: number;
  broken: boolean;
}

/**
 * Parses a generated file line by line: a section opens on a line
 * that is exactly `<TAG>` and closes on a line that is exactly `</TAG>`,
 * outside fenced code blocks. A wrapper is recognised only as the first line
 * `<W>` with a last line `</W>`, and only when `expectWrapper` is set. Broken
 * structure never throws: it becomes `malformed` problems with line numbers.
 */
export function parseOutput(text: string, expectWrapper: boolean): ParsedOutput {
  const finalNewline = text.endsWith("\n");
  const lines = (finalNewline ? text.slice(0, -1) : text).split("\n");
  let first = 0;
  let last = lines.length;
  let wrapper: string | undefined;
  if (expectWrapper && lines.length >= 2) {
    const open = TAG_LINE.exec(lines[0] as string);
    const close = TAG_LINE.exec(lines[lines.length - 1] as string);
    if (open && close && open[1] === "" && close[1] === "/" && open[2] === close[2]) {
      wrapper = open[2] as string;
      first = 1;
      last = lines.length - 1;
    }
  }

  const sections: ParsedSection[] = [];
  const malformed: StructureProblem[] = [];
  const brokenTags = new Set<string>();
  /** Line ranges (0-based, inclusive) taken by blocks, sound or broken, in order. */
  const blocks: { from: number; to: number }[] = [];
  const stack: Open[] = [];
  let fences = new FenceTracker();
  const seen = new Map<string, number>();

  const breakBlock = (problem: StructureProblem, fromLine?: number) => {
    malformed.push(problem);
    for (const open of stack) {
      open.broken = true;
      brokenTags.add(open.tag);
    }
    if (problem.tag) brokenTags.add(problem.tag);
    if (fromLine !== undefined && stack.length === 0) blocks.push({ from: fromLine, to: fromLine });
  };

  for (let index = first; index < last; index++) {
    const line = lines[index] as string;
    // Fences are tracked inside sections only: stray text outside cannot swallow the structure.
    if (stack.length > 0 && fences.step(line, index + 1)) continue;
    const match = TAG_LINE.exec(line);
    if (!match) continue;
    const closing = match[1] === "/";
    const tag = match[2] as string;
    const lineNo = index + 1;
    if (!closing) {
      if (stack.length > 0) {
        const outer = stack[stack.length - 1] as Open;
        breakBlock({ line: lineNo, tag, message: `<${tag}> opens inside <${outer.tag}> (opened on line ${outer.line + 1}): sections cannot nest` });
      }
      if (stack.length === 0) fences = new FenceTracker();
      stack.push({ tag, line: index, broken: stack.length > 0 });
      continue;
    }
    const depth = findLast(stack, tag);
    if (depth === -1) {
      breakBlock(
        stack.length === 0
          ? { line: lineNo, tag, message: `</${tag}> closes a section that was never opened` }
          : { line: lineNo, tag, message: `</${tag}> does not match the open <${(stack[stack.length - 1] as Open).tag}> (line ${(stack[stack.length - 1] as Open).line + 1})` },
        index,
      );
      continue;
    }
    for (const unclosed of stack.splice(depth + 1)) {
      breakBlock({ line: unclosed.line + 1, tag: unclosed.tag, message: `<${unclosed.tag}> is never closed before </${tag}> on line ${lineNo}` });
    }
    const open = stack.pop() as Open;
    if (stack.length > 0) continue;
    blocks.push({ from: open.line, to: index });
    if (open.broken) continue;
    const previous = seen.get(tag);
    if (previous !== undefined) {
      breakBlock({ line: open.line + 1, tag, message: `<${tag}> appears twice (first on line ${previous}): each tag may appear once` });
      continue;
    }
    seen.set(tag, open.line + 1);
    sections.push({ tag, open: open.line + 1, close: index + 1, text: lines.slice(open.line, index + 1).join("\n") });
  }
  if (stack.length > 0) {
    const outer = stack[0] as Open;
    const fence = fences.unclosedAt;
    const hint = fence === undefined ? "" : ` (a code fence opened on line ${fence} never closes, so later tag lines read as code)`;
    for (const unclosed of stack) {
      malformed.push({ line: unclosed.line + 1, tag: unclosed.tag, message: `<${unclosed.tag}> is never closed${hint}` });
      brokenTags.add(unclosed.tag);
    }
    blocks.push({ from: outer.line, to: last - 1 });
  }

  // A duplicate's first occurrence is not trusted either.
  for (const tag of brokenTags) {
    const index = sections.findIndex((section) => section.tag === tag);
    if (index !== -1) sections.splice(index, 1);
  }

  const gaps: Gap[] = [];
  let cursor = first;
  blocks.forEach((block, index) => {
    gaps.push({ start: cursor + 1, lines: lines.slice(cursor, block.from), position: index === 0 ? "first" : "middle" });
    cursor = block.to + 1;
  });
  gaps.push({ start: cursor + 1, lines: lines.slice(cursor, last), position: blocks.length === 0 ? "only" : "last" });

  return {
    ...(wrapper === undefined ? {} : { wrapper }),
    sections,
    gaps,
    malformed: malformed.sort((a, b) => a.line - b.line),
    brokenTags,
    finalNewline,
    lineCount: lines.length,
  };
}

function findLast(stack: readonly Open[], tag: string): number {
  for (let i = stack.length - 1; i >= 0; i--) if ((stack[i] as Open).tag === tag) return i;
  return -1;
}
