import { sha256 } from "../hash.js";
import { partText, type CheckedPart, type ComparedCheck, type Finding, type ManifestPart, type OutputToCheck, type PlannedPart } from "../model.js";
import { fileFrame, joinSegments } from "../render/segments.js";
import { alignRegions, MAX_CHANGED_LINES, type Region } from "./align-regions.js";
import { changeKind, type ChangeKind } from "./change-kind.js";
import { byLineThenKind, finding, normalise } from "./classify-sections.js";
import { firstDifference } from "./stray-text.js";
import { unifiedDiff } from "./unified-diff.js";

/**
 * Compares a composed output with what a build writes and attributes every
 * difference to the part whose lines it touches (align-regions.ts says how):
 * a `file:` part that differs is one finding (edited, stale, conflict or
 * drift, by the manifest's hash of the bytes last built into it) naming the
 * file, with its diff; a `profile:` part that differs is checked as that
 * profile's own output (`checkPart`), its findings moved to the composed
 * file's lines; a difference in the wrapper, the preamble or the blank lines
 * between parts is `stray`. Pure.
 */
export function classifyComposed(output: OutputToCheck, actualText: string, checkPart: (part: OutputToCheck) => ComparedCheck): { findings: Finding[]; parts?: CheckedPart[] } {
  const { file } = output;
  const findings: Finding[] = [];
  const text = normalise(actualText, file, findings);
  const parts = output.parts ?? [];
  const expected = splitLines(output.expected);
  const actual = splitLines(text);
  const regions = composedRegions(output, parts);
  const placement = alignRegions(expected.lines, actual.lines, regions);
  if (!placement) {
    findings.push(
      finding("stray", file, 1, `the file differs from what a build writes in too many lines (more than ${MAX_CHANGED_LINES}, or fewer in a file this large) to attribute each change to a part: restore it from version control, or rebuild it with llmsgen build --force`),
    );
    return { findings };
  }

  // The final newline is the last part's own when nothing of the frame follows it.
  const lastRegion = regions[regions.length - 1];
  const lastPart = parts[parts.length - 1];
  const newlineOwnedByPart = lastRegion?.kind === "frame" && lastRegion.from === lastRegion.to && lastPart !== undefined && partText(lastPart).endsWith("\n");
  const checked: CheckedPart[] = [];
  let partIndex = 0;
  regions.forEach((region, index) => {
    const at = placement[index] ?? { from: actual.lines.length, to: actual.lines.length };
    const lines: PlacedLines = { want: expected.lines.slice(region.from, region.to), have: actual.lines.slice(at.from, at.to), wantFrom: region.from, haveFrom: at.from, lineCount: actual.lines.length };
    if (region.kind === "frame") {
      if (!sameLines(lines.want, lines.have)) findings.push(differingAt(lines, file, (line, diff) => finding("stray", file, line, frameMessage(index, regions.length, parts, index / 2), undefined, diff)));
      return;
    }
    const part = parts[partIndex++];
    if (!part) return;
    const newline = part === lastPart && newlineOwnedByPart ? actual.finalNewline : partText(part).endsWith("\n") && lines.have.length > 0;
    const partActual = lines.have.length === 0 ? "" : `${lines.have.join("\n")}${newline ? "\n" : ""}`;
    const judged = judgePart(output, part, partActual, lines, checkPart);
    for (const item of judged.findings) findings.push(item);
    checked.push(judged.checked);
  });
  if (!newlineOwnedByPart && expected.finalNewline !== actual.finalNewline) {
    const message = expected.finalNewline
      ? "the file does not end with a newline, as a build writes it"
      : "the file ends with a newline, which a build does not write (the profile says final_newline: false)";
    findings.push(finding("stray", file, Math.max(actual.lines.length, 1), message));
  }
  return { findings: findings.sort(byLineThenKind), parts: checked };
}

/** One region's lines as a build writes them and as the file holds them (0-based starts). */
interface PlacedLines {
  want: string[];
  have: string[];
  wantFrom: number;
  haveFrom: number;
  /** Lines of the whole file. */
  lineCount: number;
}

/** A finding at the first line where a region differs, with the region's diff. */
function differingAt(lines: PlacedLines, file: string, make: (line: number, diff: string) => Finding): Finding {
  const offset = firstDifference(lines.want, lines.have);
  const diff = unifiedDiff(file, { lines: lines.want, start: lines.wantFrom + 1 }, { lines: lines.have, start: lines.haveFrom + 1 });
  return make(Math.min(lines.haveFrom + offset, Math.max(lines.lineCount - 1, 0)) + 1, diff);
}

/**
 * One part as the file holds it: a `file:` part that differs is one
 * finding naming the file; a `profile:` part that differs is checked as that
 * profile's own output, its findings moved to the composed file's lines.
 */
function judgePart(
  output: OutputToCheck,
  part: PlannedPart,
  partActual: string,
  lines: PlacedLines,
  checkPart: (part: OutputToCheck) => ComparedCheck,
): { findings: Finding[]; checked: CheckedPart } {
  const checked: CheckedPart = { part, actual: partActual, line: lines.haveFrom + 1 };
  if (partActual === partText(part)) return { findings: [], checked };
  const { file } = output;
  const previous = previousPart(output.previous?.parts, part);
  if (part.kind === "file") {
    const kind = changeKind(sha256(partActual), part.sha256, previous?.sha256);
    const found = differingAt(lines, file, (line, diff) => ({ ...finding(kind, file, line, FILE_PART_MESSAGES[kind](part.file), undefined, diff), part: { file: part.file } }));
    return { findings: [found], checked };
  }
  const sub = checkPart({
    file,
    profile: part.plan.profile,
    expected: part.plan.text,
    actual: partActual,
    previous: previous !== undefined && !("file" in previous) ? previous : undefined,
    atomTags: output.atomTags,
    sections: part.plan.sections,
    ...(part.plan.parts ? { parts: part.plan.parts } : {}),
  });
  const moved = sub.findings.map((item) => inPart(item, part.plan.profile.name, lines.wantFrom, lines.haveFrom));
  return { findings: moved, checked: { ...checked, check: { ...sub, findings: moved } } };
}

/** The expected lines in turns of frame and part: head, part, blank lines, part, …, tail. */
function composedRegions(output: OutputToCheck, parts: readonly PlannedPart[]): Region[] {
  const { head } = fileFrame({ ...output.profile, finalNewline: false });
  const regions: Region[] = [];
  let line = countNewlines(joinSegments(head));
  regions.push({ kind: "frame", from: 0, to: line });
  parts.forEach((part, index) => {
    const text = partText(part);
    const lines = countNewlines(text) + (text.endsWith("\n") ? 0 : 1);
    regions.push({ kind: "part", from: line, to: line + lines, open: part.kind === "file" || part.plan.profile.wrapper === undefined });
    line += lines;
    // The blank lines joining it to the next part (or to the closing wrapper line).
    const gapEnd = index === parts.length - 1 ? splitLines(output.expected).lines.length : line + (text.endsWith("\n") ? 2 : 1);
    regions.push({ kind: "frame", from: line, to: gapEnd });
    line = gapEnd;
  });
  return regions;
}

/** The manifest's record of the part as last built, matched by what the part is. */
function previousPart(records: readonly ManifestPart[] | undefined, part: PlannedPart): ManifestPart | undefined {
  return records?.find((record) => (part.kind === "file" ? "file" in record && record.file === part.file : !("file" in record) && record.profile === part.plan.profile.name));
}

/** A finding of a profile part's own check, at the composed file's lines, saying which part it is in. */
function inPart(item: Finding, profile: string, expectedOffset: number, actualOffset: number): Finding {
  const diff = item.diff?.replace(/^@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@/gm, (_match, old: string, oldCount: string, fresh: string, freshCount: string) => `@@ -${Number(old) + expectedOffset}${oldCount} +${Number(fresh) + actualOffset}${freshCount} @@`);
  return {
    ...item,
    line: item.line + actualOffset,
    message: `part ${profile}: ${item.message}`,
    ...(diff === undefined ? {} : { diff }),
    part: item.part ?? { profile },
  };
}

const FILE_PART_MESSAGES: Record<ChangeKind, (file: string) => string> = {
  edited: (file) => `the hand-maintained part ${file} was edited here since the last build: keep the edit with llmsgen sync --adopt (it is written back into ${file}), or discard it with llmsgen build --force`,
  stale: (file) => `${file} changed since the last build: run llmsgen build`,
  conflict: (file) => `the hand-maintained part ${file} was edited here, and ${file} itself changed since the last build: merge the edit into ${file} by hand, then run llmsgen build --force`,
  drift: (file) => `the text here differs from ${file}, and no manifest entry tells which side changed: copy what you want to keep into ${file}, then run llmsgen build --force`,
};

function frameMessage(index: number, count: number, parts: readonly PlannedPart[], gap: number): string {
  if (index === 0) return "the wrapper's opening line or the preamble differs from what a build writes: they come from the profile (wrapper, attributes, preamble), so change it there by hand, or undo the edit";
  if (index === count - 1) return "the end of the file (after the last part) differs from what a build writes: undo the edit, or change the profile's wrapper by hand";
  const before = parts[gap - 1];
  const after = parts[gap];
  return `the text between the parts ${before ? describePart(before) : "?"} and ${after ? describePart(after) : "?"} differs from what a build writes (one blank line joins two parts): move it into a part, or remove it`;
}

function describePart(part: PlannedPart): string {
  return part.kind === "file" ? part.file : `profile ${part.plan.profile.name}`;
}

function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  const finalNewline = text.endsWith("\n");
  return { lines: (finalNewline ? text.slice(0, -1) : text).split("\n"), finalNewline };
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((line, index) => line === b[index]);
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  return count;
}
