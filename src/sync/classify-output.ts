import { sha256 } from "../hash.js";
import { countNewlines } from "../load/read-text.js";
import type { Finding, FindingKind, ManifestOutput } from "../model.js";
import { parseOutput, type Gap, type ParsedSection } from "../render/parse-output.js";
import { unifiedDiff } from "./unified-diff.js";

export interface OutputToCheck {
  /** The file as findings name it. */
  file: string;
  /** What is on disk. */
  actual: string;
  /** What a build would write now. */
  expected: string;
  wrapper: string | undefined;
  /** The last build's record of this output, if any. */
  previous: ManifestOutput | undefined;
  /** Tags some atom or a section of this profile produces; any other tag in the file is unbacked. */
  knownTags: ReadonlySet<string>;
}

const BOM = "\uFEFF";

/**
 * Compares a generated file with what a build would write and classifies
 * every difference. Pure: text in, findings out, in line order.
 */
export function classifyOutput(input: OutputToCheck): Finding[] {
  const { file } = input;
  const findings: Finding[] = [];
  const add = (kind: FindingKind, line: number, message: string, tag?: string, diff?: string) =>
    findings.push({ kind, ...(tag === undefined ? {} : { tag }), file, line, message, ...(diff === undefined ? {} : { diff }) });

  let actualText = input.actual;
  if (actualText.startsWith(BOM)) {
    add("stray", 1, "the file starts with a byte order mark, which a build never writes");
    actualText = actualText.slice(1);
  }
  const crlf = actualText.indexOf("\r\n");
  if (crlf !== -1) {
    // One finding for the line ends (an editor or a checkout converted them), then compare the text itself.
    const line = countNewlines(actualText.slice(0, crlf)) + 1;
    add("stray", line, `the file has CRLF line ends (from line ${line}), but a build writes LF: convert them back, or rebuild with llmsgen build --force`);
    actualText = actualText.replace(/\r\n/g, "\n");
  }
  const expected = parseOutput(input.expected, input.wrapper !== undefined);
  let actual = parseOutput(actualText, input.wrapper !== undefined);
  // First and last lines naming a section the build writes are that section, not another wrapper.
  if (actual.wrapper !== undefined && actual.wrapper !== input.wrapper && expected.sections.some((section) => section.tag === actual.wrapper)) {
    actual = parseOutput(actualText, false);
  }
  const wrapperFound = input.wrapper === undefined || actual.wrapper !== undefined;

  for (const problem of actual.malformed) add("malformed", problem.line, problem.message, problem.tag);

  if (input.wrapper !== undefined && actual.wrapper !== input.wrapper) {
    add(
      "stray",
      1,
      actual.wrapper === undefined
        ? `the wrapper <${input.wrapper}> is not on the first and last lines, where a build writes it`
        : `the wrapper is <${actual.wrapper}>, but the profile's is <${input.wrapper}>`,
    );
  }

  const bySha = new Map((input.previous?.sections ?? []).map((section) => [section.tag, section.sha256]));
  const actualByTag = new Map(actual.sections.map((section) => [section.tag, section]));
  const expectedTags = new Set(expected.sections.map((section) => section.tag));

  let insertAt = actual.wrapper === undefined ? 1 : 3;
  for (const want of expected.sections) {
    const have = actualByTag.get(want.tag);
    if (!have) {
      if (!actual.brokenTags.has(want.tag)) {
        add("missing", insertAt, `<${want.tag}> is missing from the file: run llmsgen build to restore it`, want.tag, sectionDiff(file, want, undefined, insertAt));
      }
      continue;
    }
    insertAt = have.close + 2;
    if (have.text === want.text) continue;
    const last = bySha.get(want.tag);
    const diff = sectionDiff(file, want, have, have.open);
    if (last === undefined || last === null) {
      add("drift", have.open, `<${want.tag}> differs from what a build writes, and no manifest entry tells which side changed: adopt it with llmsgen sync --adopt --section ${want.tag}, or overwrite it with llmsgen build --force`, want.tag, diff);
      continue;
    }
    const editedByHand = sha256(have.text) !== last;
    const atomsChanged = sha256(want.text) !== last;
    if (editedByHand && atomsChanged) {
      add("conflict", have.open, `<${want.tag}> was edited by hand and its atoms or profile changed since the last build: carry the edit into the atoms by hand, then run llmsgen build --force`, want.tag, diff);
    } else if (editedByHand) {
      add("edited", have.open, `<${want.tag}> was edited by hand since the last build: keep the edit with llmsgen sync --adopt, or discard it with llmsgen build --force`, want.tag, diff);
    } else {
      add("stale", have.open, `<${want.tag}> is out of date: its atoms or profile changed since the last build; run llmsgen build`, want.tag, diff);
    }
  }

  for (const have of actual.sections) {
    if (expectedTags.has(have.tag)) continue;
    const diff = sectionDiff(file, undefined, have, have.open);
    if (bySha.get(have.tag) === sha256(have.text)) {
      add("stale", have.open, `<${have.tag}> is no longer written by a build (it left the profile, or its atoms were dropped by a budget); run llmsgen build`, have.tag, diff);
    } else if (!input.knownTags.has(have.tag)) {
      add("unbacked", have.open, `<${have.tag}> has no backing atom: it was written by hand and a build would delete it; run llmsgen sync --adopt to turn it into an atom`, have.tag, diff);
    } else {
      add("extra", have.open, `<${have.tag}> is in the file but a build would not write it here: add its atoms to this profile, or remove the section`, have.tag, diff);
    }
  }

  findings.push(...strayFindings(file, wrapperFound ? expected.gaps : [], actual.gaps, actual.finalNewline, actual.lineCount));
  return findings.sort((a, b) => a.line - b.line || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}

const KIND_ORDER: readonly FindingKind[] = ["malformed", "stray", "unbacked", "edited", "conflict", "drift", "stale", "extra", "missing"];

function sectionDiff(file: string, want: ParsedSection | undefined, have: ParsedSection | undefined, start: number): string {
  return unifiedDiff(
    file,
    { lines: want ? want.text.split("\n") : [], start: want ? want.open : start },
    { lines: have ? have.text.split("\n") : [], start: have ? have.open : start },
  );
}

/**
 * Text outside sections must be exactly the blank lines (and wrapper lines) a
 * build writes. Without the wrapper lines (already reported), the file's ends
 * are held to what a build without a wrapper writes, so one change is one finding.
 */
function strayFindings(file: string, expectedGaps: readonly Gap[], actualGaps: readonly Gap[], finalNewline: boolean, lineCount: number): Finding[] {
  const canonical = (position: Gap["position"]): readonly string[] | undefined => {
    if (position === "middle") return [""];
    if (position === "only") return undefined;
    const gap = position === "first" ? expectedGaps[0] : expectedGaps[expectedGaps.length - 1];
    return gap?.lines ?? [];
  };
  const findings: Finding[] = [];
  for (const gap of actualGaps) {
    const want = canonical(gap.position);
    const differs = want === undefined ? gap.lines.some((line) => line !== "") : !sameLines(want, gap.lines);
    if (!differs) continue;
    const offset = firstDifference(want ?? [], gap.lines);
    const line = gap.start + offset;
    findings.push({
      kind: "stray",
      file,
      line,
      message: `text outside any section differs from what a build writes${hint(gap.lines[offset])}: put it inside a section, or remove it`,
      diff: unifiedDiff(file, { lines: want ?? [], start: gap.start }, { lines: gap.lines, start: gap.start }),
    });
  }
  if (!finalNewline) {
    findings.push({ kind: "stray", file, line: lineCount, message: "the file does not end with a newline, as a build writes it" });
  }
  return findings;
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

function firstDifference(a: readonly string[], b: readonly string[]): number {
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  return Math.min(index, Math.max(b.length - 1, 0));
}

/**
 * Classifies a generated file that has no sections (an llms.txt index) as a
 * whole: the same edited / stale / conflict / drift logic, over the file's
 * sha256 in the manifest, at the first line that differs.
 */
export function classifyWholeFile(input: Omit<OutputToCheck, "wrapper" | "knownTags">): Finding[] {
  if (input.actual === input.expected) return [];
  const expected = input.expected.split("\n");
  const actual = input.actual.split("\n");
  const line = firstDifference(expected, actual) + 1;
  const diff = unifiedDiff(input.file, { lines: dropFinalEmpty(expected), start: 1 }, { lines: dropFinalEmpty(actual), start: 1 });
  const last = input.previous?.sha256;
  const base = { file: input.file, line, diff };
  if (last === undefined) {
    return [{ ...base, kind: "drift", message: "the file differs from what a build writes, and no manifest entry tells which side changed: rebuild it with llmsgen build --force, or carry the change into its profile" }];
  }
  const editedByHand = sha256(input.actual) !== last;
  const sourcesChanged = sha256(input.expected) !== last;
  if (editedByHand && sourcesChanged) {
    return [{ ...base, kind: "conflict", message: "the file was edited by hand and its sources changed since the last build: carry the edit into its profile, then run llmsgen build" }];
  }
  if (editedByHand) {
    return [{ ...base, kind: "edited", message: "the file was edited by hand since the last build: it is generated from its profile, so carry the edit there (or discard it with llmsgen build --force)" }];
  }
  return [{ ...base, kind: "stale", message: "the file is out of date: its sources changed since the last build; run llmsgen build" }];
}

function dropFinalEmpty(lines: readonly string[]): readonly string[] {
  return lines[lines.length - 1] === "" ? lines.slice(0, -1) : lines;
}
