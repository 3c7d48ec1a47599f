import { FenceTracker } from "../render/scan-markdown.js";

/** One fenced code block of a markdown text. */
export interface CodeBlock {
  /** 1-based line of the opening fence within the text. */
  line: number;
  /** The info string after the opening fence, trimmed (`sh run`). */
  info: string;
  /** The lines between the fences, each ending in a newline, with the opening fence's indentation removed. */
  body: string;
}

const OPENING = /^( {0,3})(?:`{3,}|~{3,})(.*)$/;

/**
 * Every fenced code block of a text, by the same fence rules that decide what
 * is content in the outputs (render/scan-markdown.ts). A block still open at
 * the end runs to the end of the text.
 */
export function findCodeBlocks(text: string): CodeBlock[] {
  const fences = new FenceTracker();
  const blocks: CodeBlock[] = [];
  let open: { line: number; info: string; indent: number; lines: string[] } | undefined;
  text.split("\n").forEach((lineText, index) => {
    const wasOpen = fences.unclosedAt !== undefined;
    fences.step(lineText, index + 1);
    const isOpen = fences.unclosedAt !== undefined;
    if (!wasOpen && isOpen) {
      const match = OPENING.exec(lineText);
      open = { line: index + 1, info: (match?.[2] ?? "").trim(), indent: match?.[1]?.length ?? 0, lines: [] };
    } else if (wasOpen && open) {
      if (isOpen) open.lines.push(dedent(lineText, open.indent));
      else {
        blocks.push(close(open));
        open = undefined;
      }
    }
  });
  if (open) blocks.push(close(open));
  return blocks;
}

function close(open: { line: number; info: string; lines: string[] }): CodeBlock {
  return { line: open.line, info: open.info, body: open.lines.map((line) => `${line}\n`).join("") };
}

/** Removes up to `indent` leading spaces, as CommonMark does for the content of an indented fence. */
function dedent(line: string, indent: number): string {
  let removed = 0;
  while (removed < indent && line[removed] === " ") removed++;
  return line.slice(removed);
}

/** The first word of an info string: what selects a block's checker. */
export function languageOf(block: CodeBlock): string {
  return block.info.split(/\s+/)[0] ?? "";
}
