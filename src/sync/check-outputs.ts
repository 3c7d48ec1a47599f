import { sha256 } from "../hash.js";
import { REBUILDABLE_KINDS, type CheckedOutput, type ComparedCheck, type FileCheck, type Finding, type JudgedOutput, type OutputToCheck } from "../model.js";
import { changeKind } from "./change-kind.js";
import { classifyComposed } from "./classify-composed.js";
import { classifySections, finding } from "./classify-sections.js";
import { firstDifference } from "./stray-text.js";
import { unifiedDiff } from "./unified-diff.js";

/** Checks each output against what a build writes. Pure: the texts come in with the outputs. */
export function checkOutputs(outputs: readonly JudgedOutput[]): CheckedOutput[] {
  return outputs.map(checkOutput);
}

/**
 * One output's findings. A file that does not exist is one `missing`
 * finding. A file whose bytes equal its last build holds no hand edit, so
 * every difference is `stale` (the profile or atoms changed): the same rule
 * by which build rebuilds such a file without asking.
 */
export function checkOutput(output: OutputToCheck): ComparedCheck;
export function checkOutput(output: JudgedOutput): CheckedOutput;
export function checkOutput(output: JudgedOutput): CheckedOutput {
  if (output.same) return { output, findings: [], parsed: null };
  return compare(output);
}

function compare(output: OutputToCheck): ComparedCheck {
  const { actual } = output;
  if (actual === null) return { output, findings: [finding("missing", output.file, 1, "the output does not exist: run llmsgen build to write it")], parsed: null };
  if (actual === output.expected) return { output, findings: [], parsed: null };
  const checked = classify(output, actual);
  const asBuilt = output.previous !== undefined && sha256(actual) === output.previous.sha256 && !rendersNothing(output);
  return { output, findings: asBuilt ? allStale(checked.findings) : checked.findings, parsed: checked.parsed, ...(checked.parts ? { parts: checked.parts } : {}) };
}

function classify(output: OutputToCheck, actual: string): Pick<ComparedCheck, "findings" | "parsed" | "parts"> {
  if (output.profile.index) return { findings: classifyWholeFile(output, actual), parsed: null };
  if (output.profile.parts) return { ...classifyComposed(output, actual, compare), parsed: null };
  return classifySections(output, actual);
}

/** True for a profile with no atom to render (started from an existing file): a build has nothing to rebuild it with. */
export function rendersNothing(output: Pick<JudgedOutput, "sections" | "profile">): boolean {
  return !output.profile.index && !output.profile.parts && output.sections.every((section) => section.sha256 === null);
}

function allStale(findings: readonly Finding[]): Finding[] {
  const staleTags = new Set(findings.flatMap((item) => (item.kind === "stale" && item.tag !== undefined ? [item.tag] : [])));
  const result: Finding[] = [];
  for (const item of findings) {
    if (REBUILDABLE_KINDS.includes(item.kind)) {
      result.push(item);
      continue;
    }
    if (item.tag !== undefined && staleTags.has(item.tag)) continue;
    if (item.tag !== undefined) staleTags.add(item.tag);
    const subject = item.tag === undefined ? "the file" : `<${item.tag}>`;
    const message = `${subject} differs from what a build writes now, but the file is exactly as the last build wrote it: its atoms or profile changed since; run llmsgen build`;
    result.push({ ...item, kind: "stale", message });
  }
  return result;
}

/**
 * An output with no sections (an llms.txt index) is judged as a whole: the
 * same decision as for a section, over the file's sha256 in the manifest, at
 * the first line that differs.
 */
function classifyWholeFile(output: OutputToCheck, actual: string): Finding[] {
  const expected = output.expected.split("\n");
  const lines = actual.split("\n");
  const line = firstDifference(expected, lines) + 1;
  const diff = unifiedDiff(output.file, { lines: dropFinalEmpty(expected), start: 1 }, { lines: dropFinalEmpty(lines), start: 1 });
  const kind = changeKind(sha256(actual), sha256(output.expected), output.previous?.sha256);
  return [{ kind, file: output.file, line, message: WHOLE_FILE_MESSAGES[kind], diff }];
}

const WHOLE_FILE_MESSAGES = {
  drift: "the file differs from what a build writes, and no manifest entry tells which side changed: rebuild it with llmsgen build --force, or carry the change into its profile",
  conflict: "the file was edited by hand and its sources changed since the last build: carry the edit into its profile, then run llmsgen build",
  edited: "the file was edited by hand since the last build: it is generated from its profile, so carry the edit there (or discard it with llmsgen build --force)",
  stale: "the file is out of date: its sources changed since the last build; run llmsgen build",
} as const;

function dropFinalEmpty(lines: readonly string[]): readonly string[] {
  return lines[lines.length - 1] === "" ? lines.slice(0, -1) : lines;
}

/** The public form of a check: file, profile and findings. */
export function fileCheck(checked: CheckedOutput): FileCheck {
  return { file: checked.output.file, profile: checked.output.profile.name, findings: checked.findings };
}

/** The checks that hold hand-written text a build would destroy (any finding but `stale` and `missing`), with only those findings. */
export function handWritten(checks: readonly FileCheck[]): FileCheck[] {
  return checks
    .map((check) => ({ ...check, findings: check.findings.filter((item) => !REBUILDABLE_KINDS.includes(item.kind)) }))
    .filter((check) => check.findings.length > 0);
}
