import type { Gap, ParsedOutput, ParsedSection, StructureProblem, WrapperLines } from "../model.js";
import { closeTag, openTag } from "./segments.js";
import { FenceTracker, TAG_LINE } from "./scan-markdown.js";

/* Every line number in this file is 1-based: `lines[n - 1]` is line n. */

export interface ParseOptions {
  /** The wrapper a build writes, if any: its lines are looked for instead of read as a section. */
  wrapper?: string;
  /** Tags of the sections a build writes: a first and last line naming one of them are that section, never another wrapper. */
  sectionTags?: ReadonlySet<string>;
}

/**
 * Parses a generated file line by line (SPEC §8): a section opens on a line
 * that is exactly `<TAG>` and closes on a line that is exactly `</TAG>`,
 * outside fenced code blocks. The wrapper's opening line is the first line
 * `<W>` and its closing line the last `</W>`, so sections written before or
 * after it are read as sections, not as a cascade of nesting problems; a
 * different first and last tag pair is read as a changed wrapper. Broken
 * structure never throws: it becomes `malformed` problems with line numbers.
 * Linear in the number of lines, however deep or broken the nesting.
 */
export function parseOutput(text: string, options: ParseOptions = {}): ParsedOutput {
  const finalNewline = text.endsWith("\n");
  const lines = (finalNewline ? text.slice(0, -1) : text).split("\n");
  const wrapper = options.wrapper === undefined ? undefined : findWrapper(lines, options.wrapper, options.sectionTags ?? new Set());
  const scan = new BlockScan(lines);
  for (const [from, to] of regions(lines.length, wrapper)) scan.region(from, to);
  const blocks = scan.blocks;
  const brokenTags = scan.brokenTags;
  return {
    ...(wrapper === undefined ? {} : { wrapper }),
    sections: blocks.flatMap((block) => (block.section && !brokenTags.has(block.section.tag) ? [block.section] : [])),
    gaps: gapsBetween(lines, blocks, wrapper),
    malformed: scan.malformed.sort((a, b) => a.line - b.line),
    brokenTags,
    finalNewline,
    lineCount: lines.length,
  };
}

/**
 * The wrapper's lines: the first line `<W>` and the last line `</W>` after it
 * (a missing closing line leaves `close` unset). When the file has no `<W>`
 * line at all, a first line `<X>` and last line `</X>` are a changed wrapper,
 * unless X is a section the build writes.
 */
function findWrapper(lines: readonly string[], tag: string, sectionTags: ReadonlySet<string>): WrapperLines | undefined {
  const open = lines.indexOf(openTag(tag)) + 1;
  if (open > 0) {
    const close = lines.lastIndexOf(closeTag(tag)) + 1;
    return close > open ? { tag, open, close } : { tag, open };
  }
  const first = TAG_LINE.exec(lines[0] ?? "");
  const other = first?.[2];
  if (lines.length < 2 || first?.[1] !== "" || other === undefined || sectionTags.has(other)) return undefined;
  return lines[lines.length - 1] === closeTag(other) ? { tag: other, open: 1, close: lines.length } : undefined;
}

/** The line ranges (inclusive) scanned for sections: before the wrapper, inside it, after it. */
function regions(count: number, wrapper: WrapperLines | undefined): [number, number][] {
  if (!wrapper) return [[1, count]];
  const close = wrapper.close ?? count + 1;
  return [
    [1, wrapper.open - 1],
    [wrapper.open + 1, close - 1],
    [close + 1, count],
  ];
}

/** A top-level block: a section, or lines too broken to be one. */
interface Block {
  from: number;
  to: number;
  /** Set when the block is a sound section (it may still turn out to be a duplicate). */
  section?: ParsedSection;
}

interface Open {
  tag: string;
  line: number;
  /** Opened inside another section. */
  nested: boolean;
}

/**
 * The stack machine behind the parser. Each line is looked at once; each open
 * tag is pushed and popped once; "which open tags are broken" is one watermark
 * instead of a walk over the stack, and "is this tag open" one map lookup.
 */
class BlockScan {
  readonly blocks: Block[] = [];
  readonly malformed: StructureProblem[] = [];
  readonly brokenTags = new Set<string>();
  private readonly stack: Open[] = [];
  /** Stack depths at which each tag is open, innermost last. */
  private readonly depths = new Map<string, number[]>();
  /** Every open tag below this depth is broken. */
  private brokenBelow = 0;
  private readonly seen = new Map<string, number>();
  private fences = new FenceTracker();

  constructor(private readonly lines: readonly string[]) {}

  region(from: number, to: number): void {
    for (let line = from; line <= to; line++) this.line(line);
    this.endRegion(to);
  }

  private line(line: number): void {
    const text = this.lines[line - 1] ?? "";
    // Fences are tracked inside sections only: stray text outside cannot swallow the structure.
    if (this.stack.length > 0 && this.fences.step(text, line)) return;
    const match = TAG_LINE.exec(text);
    const tag = match?.[2];
    if (tag === undefined) return;
    if (match?.[1] === "/") this.close(tag, line);
    else this.open(tag, line);
  }

  private open(tag: string, line: number): void {
    const outer = this.stack[this.stack.length - 1];
    if (outer) {
      this.problem({ line, tag, message: `<${tag}> opens inside <${outer.tag}> (opened on line ${outer.line}): sections cannot nest` });
    } else {
      this.fences = new FenceTracker();
    }
    this.push({ tag, line, nested: outer !== undefined });
  }

  private close(tag: string, line: number): void {
    const depth = this.depths.get(tag)?.at(-1);
    const top = this.stack[this.stack.length - 1];
    if (depth === undefined || top === undefined) {
      this.problem(
        top === undefined
          ? { line, tag, message: `</${tag}> closes a section that was never opened` }
          : { line, tag, message: `</${tag}> does not match the open <${top.tag}> (line ${top.line})` },
      );
      if (top === undefined) this.blocks.push({ from: line, to: line });
      return;
    }
    while (this.stack.length > depth + 1) {
      const unclosed = this.pop();
      this.problem({ line: unclosed.line, tag: unclosed.tag, message: `<${unclosed.tag}> is never closed before </${tag}> on line ${line}` });
    }
    const broken = this.stack.length - 1 < this.brokenBelow;
    const open = this.pop();
    if (this.stack.length > 0) return;
    if (broken || open.nested) {
      this.blocks.push({ from: open.line, to: line });
      return;
    }
    const first = this.seen.get(tag);
    if (first !== undefined) {
      // A duplicate's first occurrence is not trusted either.
      this.problem({ line: open.line, tag, message: `<${tag}> appears twice (first on line ${first}): each tag may appear once` });
      this.blocks.push({ from: open.line, to: line });
      return;
    }
    this.seen.set(tag, open.line);
    this.blocks.push({ from: open.line, to: line, section: { tag, open: open.line, close: line, text: this.lines.slice(open.line - 1, line).join("\n") } });
  }

  /** Sections still open at the end of a region are never closed: one block from the outermost to the region's end. */
  private endRegion(to: number): void {
    const outer = this.stack[0];
    if (!outer) return;
    const fence = this.fences.unclosedAt;
    const hint = fence === undefined ? "" : ` (a code fence opened on line ${fence} never closes, so later tag lines read as code)`;
    const unclosed: Open[] = [];
    while (this.stack.length > 0) unclosed.push(this.pop());
    for (const open of unclosed.reverse()) {
      this.malformed.push({ line: open.line, tag: open.tag, message: `<${open.tag}> is never closed${hint}` });
      this.brokenTags.add(open.tag);
    }
    this.blocks.push({ from: outer.line, to });
  }

  /** Records a problem: every section open now is broken, and so is the tag named. */
  private problem(problem: StructureProblem): void {
    this.malformed.push(problem);
    this.brokenBelow = this.stack.length;
    if (problem.tag !== undefined) this.brokenTags.add(problem.tag);
  }

  private push(open: Open): void {
    const depths = this.depths.get(open.tag);
    if (depths) depths.push(this.stack.length);
    else this.depths.set(open.tag, [this.stack.length]);
    this.stack.push(open);
  }

  private pop(): Open {
    const open = this.stack.pop();
    if (!open) throw new Error("pop from an empty stack");
    this.depths.get(open.tag)?.pop();
    if (this.stack.length < this.brokenBelow) {
      this.brokenTags.add(open.tag);
      this.brokenBelow = this.stack.length;
    } else if (open.nested) {
      this.brokenTags.add(open.tag);
    }
    return open;
  }
}

/** The lines around and between the file's items (wrapper lines and blocks), in order. */
function gapsBetween(lines: readonly string[], blocks: readonly Block[], wrapper: WrapperLines | undefined): Gap[] {
  const items: { from: number; to: number; broken: boolean }[] = blocks.map((block) => ({ from: block.from, to: block.to, broken: block.section === undefined }));
  if (wrapper) {
    items.push({ from: wrapper.open, to: wrapper.open, broken: false });
    if (wrapper.close !== undefined) items.push({ from: wrapper.close, to: wrapper.close, broken: false });
    items.sort((a, b) => a.from - b.from);
  }
  if (items.length === 0) return [{ start: 1, lines: [...lines], position: "only", besideBroken: false }];
  const gaps: Gap[] = [];
  let next = 1;
  let previousBroken = false;
  items.forEach((item, index) => {
    gaps.push({ start: next, lines: lines.slice(next - 1, item.from - 1), position: index === 0 ? "first" : "middle", besideBroken: previousBroken || item.broken });
    next = item.to + 1;
    previousBroken = item.broken;
  });
  gaps.push({ start: next, lines: lines.slice(next - 1), position: "last", besideBroken: previousBroken });
  return gaps;
}
