import { FenceTracker } from "../render/scan-markdown.js";

/**
 * Derives a title (from the tag) and a one-line brief (the first sentence) from a section's text for an atom
 * created by adoption; both are meant to be edited by a person afterwards.
 */
export function describeText(text: string, tag: string): { title: string; brief: string } {
  const prose = proseLines(text);
  const first = prose[0] ?? "";
  // The tag names the concept better than a clipped first line would.
  const title = titleCase(tag);
  const paragraph = prose.find((line) => stripMarkdown(line).length > 0 && !/^\*\*[^*]+:\*\*$/.test(line.trim())) ?? first;
  const sentence = /^(.+?[.!?])(\s|$)/.exec(stripMarkdown(paragraph))?.[1] ?? stripMarkdown(paragraph);
  return { title, brief: clip(sentence, 200) || title };
}

/** Non-empty lines outside code fences, list markers removed. */
function proseLines(text: string): string[] {
  const fences = new FenceTracker();
  const lines: string[] = [];
  text.split("\n").forEach((line, index) => {
    if (!fences.step(line, index + 1) && line.trim() !== "") lines.push(line.trim().replace(/^([-*+]|\d+\.)\s+/, ""));
  });
  return lines;
}

function stripMarkdown(line: string): string {
  return line
    .replace(/^#+\s*/, "")
    .replace(/\*\*|__/g, "")
    .replace(/^\|.*$/, "")
    .trim();
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max / 2)).trimEnd()}…`;
}

function titleCase(tag: string): string {
  return tag
    .split("_")
    .filter(Boolean)
    .map((word) => word[0] + word.slice(1).toLowerCase())
    .join(" ");
}
