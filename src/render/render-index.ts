import type { IndexSpec } from "../model.js";

/** One output as an index lists it. */
export interface IndexEntry {
  /** Output path relative to the out dir. */
  output: string;
  description: string;
  tokens: number;
}

/**
 * Renders an llms.txt index (the llms.txt convention): an H1 title, a `>`
 * summary, then H2 sections of `- [name](url): description` lines, one per
 * output, each with its exact token count. Secondary outputs go under
 * `## Optional`, the section the convention lets agents skip.
 */
export function renderIndex(spec: IndexSpec, entries: readonly IndexEntry[], optional: readonly IndexEntry[]): string {
  const blocks = [`# ${spec.title}`, `> ${spec.summary}`, `## ${spec.heading}\n\n${entries.map((entry) => line(spec, entry)).join("\n")}`];
  if (optional.length > 0) blocks.push(`## Optional\n\n${optional.map((entry) => line(spec, entry)).join("\n")}`);
  return `${blocks.join("\n\n")}\n`;
}

function line(spec: IndexSpec, entry: IndexEntry): string {
  const url = `${spec.baseUrl ?? ""}${entry.output}`;
  return `- [${entry.output}](${url}): ${entry.description} (${groupDigits(entry.tokens)} tokens)`;
}

/** `21063` → `21,063`, with no locale involved. */
export function groupDigits(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
