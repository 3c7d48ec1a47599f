import type { Gap, ParsedOutput, ParsedSection, StructureProblem, WrapperLines } from "../model.js";
import { closeTag } from "./segments.js";
import { FenceTracker, TAG_LINE } from "./scan-markdown.js";

/* Every line number in this file is 1-based: `lines[n - 1]` is line n. */

export interface ParseOptions {
  /** The wrapper a build writes, if any: its lines are looked for instead of read as a section. */
  wrapper?: string;
  /** Tags of the sections a build writes: a first and last line naming one of them are that section, never another wrapper. */
  sectionTags?: ReadonlySet<string>;
}

/**
 * Parses a generated file line by line: a section opens on a line
 * that is exactly `<TAG>` and closes on a line that is exactly `</TAG>`,
 * outside fenced code blocks. The wrapper's opening line is the first line
 * `<W>` (or `<W name="value" …>`, with attributes) and its closing line the last `</W>`, so sections written before or
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
  const [before, inside, after] = regions(lines.length, wrapper);
  scan.region(before);
  if (wrapper) scan.item(wrapper.open, wrapper.open, false);
  scan.region(inside);
  if (wrapper?.close !== undefined) scan.item(wrapper.close, wrapper.close, false);
  scan.region(after);
  scan.finish();
  const brokenTags = scan.brokenTags;
  return {
    ...(wrapper === undefined ? {} : { wrapper }),
    sections: scan.sections.filter((section) => !brokenTags.has(section.tag)),
    gaps: scan.gaps,
    malformed: scan.malformed.sort((a, b) => a.line - b.line),
    ...(scan.unlisted.count === 0 ? {} : { unlisted: { ...scan.unlisted } }),
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
  const open = lines.findIndex((line) => wrapperTag(line) === tag) + 1;
  if (open > 0) {
    const close = lines.lastIndexOf(closeTag(tag)) + 1;
    return close > open ? { tag, open, close } : { tag, open };
  }
  const other = wrapperTag(lines[0] ?? "");
  if (lines.length < 2 || other === undefined || sectionTags.has(other)) return undefined;
  return lines[lines.length - 1] === closeTag(other) ? { tag: other, open: 1, close: lines.length } : undefined;
}

/** `<W>` or `<W name="value" …>`: a wrapper's opening line, with or without attributes. */
const WRAPPER_LINE = /^<([A-Z][A-Z0-9_]*)(?: [A-Za-z_][A-Za-z0-9_.:-]*="[^"]*")*>$/;

/** The tag of a wrapper opening line (attributes allowed), or undefined. */
export function wrapperTag(line: string): string | undefined {
  if (!line.startsWith("<") || line.startsWith("</")) return undefined;
  return WRAPPER_LINE.exec(line)?.[1];
}

/** The line ranges (inclusive) scanned for sections: before the wrapper, inside it, after it. */
function regions(count: number, wrapper: WrapperLines | undefined): [[number, number], [number, number], [number, number]] {
  if (!wrapper) return [[1, count], [1, 0], [1, 0]];
  const close = wrapper.close ?? count + 1;
  return [
    [1, wrapper.open - 1],
    [wrapper.open + 1, close - 1],
    [close + 1, count],
  ];
}

/** Open sections tracked inside one another; deeper ones are problems, never matched by a closing line. */
export const MAX_DEPTH = 1_000;

/** Problems kept in full per file; past this many only their count and first line are kept, so hostile input cannot exhaust memory. */
export const MAX_PROBLEMS = 1_000;

interface Open {
  tag: string;
  line: number;
  /** Opened inside another section. */
  nested: boolean;
  /** The depth of the next section out with the same tag, if one is open. */
  outerSameTag?: number;
}

/**
 * The stack machine behind the parser. Each line is looked at once; each open
 * tag is pushed and popped once; "which open tags are broken" is one watermark
 * instead of a walk over the stack, and "is this tag open" one map lookup.
 * Items are turned into gaps as they come, so broken blocks are never stored.
 */
class BlockScan {
  readonly sections: ParsedSection[] = [];
  /** The gaps between items, as items (blocks and wrapper lines) come in line order; empty gaps beside a broken block say nothing and are left out. */
  readonly gaps: Gap[] = [];
  readonly malformed: StructureProblem[] = [];
  readonly unlisted = { count: 0, firstLine: 0 };
  readonly brokenTags = new Set<string>();
  private readonly stack: Open[] = [];
  /** The depth of the innermost open section of each tag. */
  private readonly depthOf = new Map<string, number>();
  /** Every open tag below this depth is broken. */
  private brokenBelow = 0;
  private readonly seen = new Map<string, number>();
  private fences = new FenceTracker();
  /** The first line after the last item, and whether that item was broken. */
  private next = 1;
  private previousBroken = false;
  private items = 0;

  constructor(private readonly lines: readonly string[]) {}

  region([from, to]: [number, number]): void {
    for (let line = from; line <= to; line++) this.line(line);
    this.endRegion(to);
  }

  /** An item (a block or a wrapper line) from line `from` to line `to`: the lines since the last one are a gap. */
  item(from: number, to: number, broken: boolean): void {
    this.gap(from, this.items === 0 ? "first" : "middle", this.previousBroken || broken);
    this.items++;
    this.next = to + 1;
    this.previousBroken = broken;
  }

  finish(): void {
    if (this.items === 0) this.gaps.push({ start: 1, lines: [...this.lines], position: "only", besideBroken: false });
    else this.gap(this.lines.length + 1, "last", this.previousBroken);
  }

  private gap(end: number, position: Gap["position"], besideBroken: boolean): void {
    if (besideBroken && end === this.next) return;
    this.gaps.push({ start: this.next, lines: this.lines.slice(this.next - 1, end - 1), position, besideBroken });
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
    if (!outer) {
      this.fences = new FenceTracker();
      this.push({ tag, line, nested: false });
      return;
    }
    const message = `<${tag}> opens inside <${outer.tag}> (opened on line ${outer.line}): sections cannot nest`;
    if (this.stack.length >= MAX_DEPTH) {
      // Deeper than any real mistake: counted, but not tracked, so hostile nesting costs no memory per tag.
      this.record({ line, tag, message });
      this.brokenBelow = this.stack.length;
      return;
    }
    this.problem({ line, tag, message });
    this.push({ tag, line, nested: true });
  }

  private close(tag: string, line: number): void {
    const depth = this.depthOf.get(tag);
    const top = this.stack[this.stack.length - 1];
    if (depth === undefined || top === undefined) {
      this.problem(
        top === undefined
          ? { line, tag, message: `</${tag}> closes a section that was never opened` }
          : { line, tag, message: `</${tag}> does not match the open <${top.tag}> (line ${top.line})` },
      );
      if (top === undefined) this.item(line, line, true);
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
      this.item(open.line, line, true);
      return;
    }
    const first = this.seen.get(tag);
    if (first !== undefined) {
      // A duplicate's first occurrence is not trusted either.
      this.problem({ line: open.line, tag, message: `<${tag}> appears twice (first on line ${first}): each tag may appear once` });
      this.item(open.line, line, true);
      return;
    }
    this.seen.set(tag, open.line);
    this.sections.push({ tag, open: open.line, close: line, text: this.lines.slice(open.line - 1, line).join("\n") });
    this.item(open.line, line, false);
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
      this.record({ line: open.line, tag: open.tag, message: `<${open.tag}> is never closed${hint}` });
      this.brokenTags.add(open.tag);
    }
    this.item(outer.line, to, true);
  }

  /** Records a problem: every section open now is broken, and so is the tag named. */
  private problem(problem: StructureProblem): void {
    this.record(problem);
    this.brokenBelow = this.stack.length;
    if (problem.tag !== undefined) this.brokenTags.add(problem.tag);
  }

  private record(problem: StructureProblem): void {
    if (this.malformed.length < MAX_PROBLEMS) {
      this.malformed.push(problem);
      return;
    }
    if (this.unlisted.count === 0 || problem.line < this.unlisted.firstLine) this.unlisted.firstLine = problem.line;
    this.unlisted.count++;
  }

  private push(open: Open): void {
    const outer = this.depthOf.get(open.tag);
    this.depthOf.set(open.tag, this.stack.length);
    this.stack.push(outer === undefined ? open : { ...open, outerSameTag: outer });
  }

  private pop(): Open {
    const open = this.stack.pop();
    if (!open) throw new Error("pop from an empty stack");
    if (open.outerSameTag === undefined) this.depthOf.delete(open.tag);
    else this.depthOf.set(open.tag, open.outerSameTag);
    if (this.stack.length < this.brokenBelow) {
      this.brokenTags.add(open.tag);
      this.brokenBelow = this.stack.length;
    } else if (open.nested) {
      this.brokenTags.add(open.tag);
    }
    return open;
  }
}
