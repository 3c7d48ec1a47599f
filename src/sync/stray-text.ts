import type { Finding, Gap, ParsedOutput } from "../model.js";
import { unifiedDiff } from "./unified-diff.js";

/**
 * Text outside sections must be exactly what a build writes there: nothing
 * before the first item (wrapper line or section) and after the last, one
 * blank line between two items, the preamble (with a blank line on each
 * side) after the wrapper's opening line or before the first section; a
 * file with no section at all, nothing but its final newline (when the
 * profile writes one). Beside a broken block, or where an expected wrapper line
 * is missing (already one blocking finding), only non-blank text counts, so
 * one change is one finding and never a cascade.
 */
export function strayFindings(file: string, parsed: ParsedOutput, expected: StrayExpectations): Finding[] {
  const wrapperExpected = expected.wrapper;
  const wrapperMissing = wrapperExpected && parsed.wrapper === undefined;
  const closeMissing = wrapperExpected && parsed.wrapper !== undefined && parsed.wrapper.close === undefined;
  // The preamble stands in the gap after the wrapper's opening line, or before the first section without a wrapper.
  const preambleGap = (gap: Gap) => (parsed.wrapper ? gap.start === parsed.wrapper.open + 1 && gap.position === "middle" : gap.position === "first");
  const preamble = expected.preamble === undefined ? undefined : expected.preamble.split("\n");
  const findings: Finding[] = [];
  // An empty file is one line "" without a final newline: that finding is enough.
  const empty = parsed.lineCount === 1 && !parsed.finalNewline && parsed.gaps[0]?.lines[0] === "";
  for (const gap of parsed.gaps) {
    if (empty) break;
    // Blank lines are judged unless a finding beside them (a broken block, a missing wrapper line) already blocks the build.
    const blankOnly = gap.besideBroken || (wrapperMissing && gap.position !== "middle") || (closeMissing && gap.position === "last");
    const want = blankOnly ? undefined : preamble && preambleGap(gap) ? [...(parsed.wrapper ? [""] : []), ...preamble, ""] : gap.position === "middle" ? [""] : [];
    const differs = want === undefined ? gap.lines.some((line) => line !== "") : !sameLines(want, gap.lines);
    if (!differs) continue;
    const offset = want === undefined ? gap.lines.findIndex((line) => line !== "") : firstDifference(want, gap.lines);
    findings.push({
      kind: "stray",
      file,
      line: gap.start + offset,
      message: `text outside any section differs from what a build writes${hint(gap.lines[offset])}: put it inside a section, or remove it`,
      diff: unifiedDiff(file, { lines: want ?? blankLines(gap), start: gap.start }, { lines: gap.lines, start: gap.start }),
    });
  }
  if (empty || parsed.finalNewline !== expected.finalNewline) {
    const message =
      empty && !expected.finalNewline
        ? "the file is empty, but a build writes its sections here"
        : expected.finalNewline
          ? "the file does not end with a newline, as a build writes it"
          : "the file ends with a newline, which a build does not write (the profile says final_newline: false)";
    findings.push({ kind: "stray", file, line: parsed.lineCount, message });
  }
  return findings;
}

/** What the text outside sections should be, besides blank lines: the profile's frame. */
export interface StrayExpectations {
  /** True when the profile has a wrapper. */
  wrapper: boolean;
  /** The preamble's text, if the profile has one. */
  preamble?: string;
  /** True when a build ends the file with a newline. */
  finalNewline: boolean;
}

/** The gap with its text lines taken out: what it would be if only blank lines were allowed. */
function blankLines(gap: Gap): string[] {
  return gap.lines.filter((line) => line === "");
}

function hint(line: string | undefined): string {
  if (line === undefined) return " (lines are missing here)";
  if (line.endsWith("\r")) return " (the line ends with a carriage return: CRLF line ends?)";
  if (/[ \t]$/.test(line)) return " (trailing white space)";
  return "";
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, index) => line === b[index]);
}

/** Index of the first line where `b` differs from `a`, within `b` (its last line when `b` is a prefix of `a`). */
export function firstDifference(a: readonly string[], b: readonly string[]): number {
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  return Math.min(index, Math.max(b.length - 1, 0));
}
