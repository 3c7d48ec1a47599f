/**
 * Fence-aware line scanning shared by the output parser and lint: a tag-like
 * line inside a ``` or ~~~ block is content, never structure.
 */

export const TAG_LINE = /^<(\/?)([A-Z][A-Z0-9_]*)>$/;

interface Fence {
  char: "`" | "~";
  length: number;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Tracks whether each successive line lies inside a fenced code block. */
export class FenceTracker {
  private fence: Fence | undefined;
  private openedAt = 0;

  /** Feeds one line (1-based `line`); true when that line is part of a fence, delimiters included. */
  step(text: string, line: number): boolean {
    if (this.fence) {
      if (closesFence(text, this.fence)) this.fence = undefined;
      return true;
    }
    const open = FENCE_OPEN.exec(text);
    if (open) {
      const [, marker = "", info = ""] = open;
      const char = marker.startsWith("`") ? "`" : "~";
      // A backtick fence's info string may not contain a backtick (CommonMark).
      if (char === "`" && info.includes("`")) return false;
      this.fence = { char, length: marker.length };
      this.openedAt = line;
      return true;
    }
    return false;
  }

  /** The line of a fence still open after the last line, if any. */
  get unclosedAt(): number | undefined {
    return this.fence ? this.openedAt : undefined;
  }
}

function closesFence(text: string, fence: Fence): boolean {
  const match = /^ {0,3}(`+|~+)[ \t]*$/.exec(text);
  const marker = match?.[1];
  return marker !== undefined && marker[0] === fence.char && marker.length >= fence.length;
}

export interface MarkdownScan {
  /** Lines (1-based, within the text) outside fences that read as `<TAG>` or `</TAG>`. */
  tagLines: { line: number; text: string }[];
  /** Where a fence opens that never closes. */
  unclosedFence?: number;
}

/** Finds what would corrupt an output's structure if this text were rendered into it. */
export function scanMarkdown(text: string): MarkdownScan {
  const fences = new FenceTracker();
  const tagLines: MarkdownScan["tagLines"] = [];
  text.split("\n").forEach((lineText, index) => {
    const inFence = fences.step(lineText, index + 1);
    if (!inFence && TAG_LINE.test(lineText)) tagLines.push({ line: index + 1, text: lineText });
  });
  const unclosedFence = fences.unclosedAt;
  return unclosedFence === undefined ? { tagLines } : { tagLines, unclosedFence };
}
