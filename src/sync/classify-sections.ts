import { sha256 } from "../hash.js";
import type { Finding, FindingKind, OutputToCheck, ParsedOutput, ParsedSection, WrapperLines } from "../model.js";
import { parseOutput, wrapperTag } from "../render/parse-output.js";
import { openLine } from "../render/segments.js";
import { groupDigits } from "../render/render-index.js";
import { changeKind } from "./change-kind.js";
import { movedSections, type MovedSection } from "./section-order.js";
import { strayFindings } from "./stray-text.js";
import { unifiedDiff } from "./unified-diff.js";

const BOM = "\uFEFF";

/**
 * Compares a file of tagged sections with what a build writes and classifies
 * every difference: line ends and BOM, structure, the wrapper, each
 * section's text, its position, and the text between sections. Pure; the
 * parse it returns is of the normalised text (no BOM, LF line ends), the one
 * adoption works from.
 */
export function classifySections(output: OutputToCheck, actualText: string): { findings: Finding[]; parsed: ParsedOutput } {
  const { file } = output;
  const findings: Finding[] = [];
  const text = normalise(actualText, file, findings);
  const wrapper = output.profile.wrapper;
  const sectionTags = new Set(output.sections.map((section) => section.tag));
  const expected = parseOutput(output.expected, { ...(wrapper === undefined ? {} : { wrapper }), sectionTags });
  const actual = parseOutput(text, { ...(wrapper === undefined ? {} : { wrapper }), sectionTags });

  for (const problem of actual.malformed) findings.push(finding("malformed", file, problem.line, problem.message, problem.tag));
  if (actual.unlisted) {
    const { count, firstLine } = actual.unlisted;
    findings.push(finding("malformed", file, firstLine, `and ${groupDigits(count)} more structure problems from line ${firstLine} on, not listed one by one: fix the ones above and check again`));
  }
  const wrapperFinding = wrapper === undefined ? undefined : wrapperProblem(file, openLine(wrapper, output.profile.attributes), actual, text);
  if (wrapperFinding) findings.push(wrapperFinding);
  // A broken block swallows the lines after it (an unclosed fence, a section never closed): a section a build writes there is no second finding.
  const brokenFrom = Math.min(...actual.malformed.map((problem) => problem.line), actual.unlisted?.firstLine ?? Number.POSITIVE_INFINITY);
  for (const item of sectionFindings(output, expected, actual)) if (item.kind !== "missing" || item.line < brokenFrom) findings.push(item);
  const { preamble, finalNewline } = output.profile;
  for (const item of strayFindings(file, actual, { wrapper: wrapper !== undefined, finalNewline: finalNewline !== false, ...(preamble === undefined ? {} : { preamble }) })) findings.push(item);
  return { findings: findings.sort(byLineThenKind), parsed: actual };
}

/** Drops a BOM and reads CRLF as LF, one `stray` finding for each: the text itself is then compared. */
export function normalise(text: string, file: string, findings: Finding[]): string {
  let result = text;
  if (result.startsWith(BOM)) {
    findings.push(finding("stray", file, 1, "the file starts with a byte order mark, which a build never writes"));
    result = result.slice(1);
  }
  const crlf = result.indexOf("\r\n");
  if (crlf !== -1) {
    const line = countLines(result, crlf);
    findings.push(finding("stray", file, line, `the file has CRLF line ends (from line ${line}), but a build writes LF: convert them back, or rebuild with llmsgen build --force`));
    result = result.replace(/\r\n/g, "\n");
  }
  return result;
}

function wrapperProblem(file: string, open: string, actual: ParsedOutput, text: string): Finding | undefined {
  const found = actual.wrapper;
  const wrapper = wrapperTag(open) ?? open;
  if (found === undefined) return finding("stray", file, 1, `the wrapper <${wrapper}> is not on the first and last lines, where a build writes it`);
  if (found.tag !== wrapper) return finding("stray", file, 1, `the wrapper is <${found.tag}>, but the profile's is <${wrapper}>`);
  const line = lineOf(text, found.open);
  if (line !== open) {
    const diff = unifiedDiff(file, { lines: [open], start: found.open }, { lines: [line], start: found.open });
    return finding("stray", file, found.open, `the wrapper's opening line differs from what a build writes (its attributes come from the profile): change the profile's attributes, or undo the edit`, undefined, diff);
  }
  if (found.close === undefined) return finding("stray", file, actual.lineCount, `the wrapper's closing line </${wrapper}> is missing: a build writes it as the last line`);
  return undefined;
}

/** Each section's text and position against the build's, then the sections a build would not write. */
function sectionFindings(output: OutputToCheck, expected: ParsedOutput, actual: ParsedOutput): Finding[] {
  const { file } = output;
  const findings: Finding[] = [];
  const lastSha = new Map((output.previous?.sections ?? []).map((section) => [section.tag, section.sha256]));
  const actualByTag = new Map(actual.sections.map((section) => [section.tag, section]));
  const expectedTags = new Set(expected.sections.map((section) => section.tag));

  const preambleLines = output.profile.preamble === undefined ? 0 : output.profile.preamble.split("\n").length + 1;
  let insertAt = (actual.wrapper === undefined ? 1 : actual.wrapper.open + 2) + preambleLines;
  for (const want of expected.sections) {
    const have = actualByTag.get(want.tag);
    if (!have) {
      if (!actual.brokenTags.has(want.tag)) {
        findings.push(finding("missing", file, Math.min(insertAt, actual.lineCount + 1), `<${want.tag}> is missing from the file: run llmsgen build to restore it`, want.tag, sectionDiff(file, want, undefined, insertAt)));
      }
      continue;
    }
    insertAt = have.close + 2;
    if (have.text === want.text) continue;
    const kind = changeKind(sha256(have.text), sha256(want.text), lastSha.get(want.tag));
    findings.push(finding(kind, file, have.open, CHANGE_MESSAGES[kind](want.tag), want.tag, sectionDiff(file, want, have, have.open)));
  }

  const order = expected.sections.map((section) => section.tag);
  for (const moved of movedSections(actual.sections, order, actual.wrapper)) {
    findings.push(finding("moved", file, moved.section.open, movedMessage(moved, output), moved.section.tag));
  }

  const producible = new Set(output.sections.map((section) => section.tag));
  for (const have of actual.sections) {
    if (expectedTags.has(have.tag)) continue;
    const diff = sectionDiff(file, undefined, have, have.open);
    if (lastSha.get(have.tag) === sha256(have.text)) {
      findings.push(finding("stale", file, have.open, `<${have.tag}> is no longer written by a build (it left the profile, or its atoms were dropped by a budget); run llmsgen build`, have.tag, diff));
    } else if (!output.atomTags.has(have.tag) && !producible.has(have.tag)) {
      findings.push(finding("unbacked", file, have.open, unbackedMessage(have, actual.wrapper), have.tag, diff));
    } else {
      findings.push(finding("extra", file, have.open, `<${have.tag}> is in the file but a build would not write it here: add its atoms to this profile, or remove the section`, have.tag, diff));
    }
  }
  return findings;
}

const CHANGE_MESSAGES: Record<"edited" | "stale" | "conflict" | "drift", (tag: string) => string> = {
  drift: (tag) =>
    `<${tag}> differs from what a build writes, and no manifest entry tells which side changed: adopt it with llmsgen sync --adopt --section ${tag}, or overwrite it with llmsgen build --force`,
  conflict: (tag) =>
    `<${tag}> was edited by hand and its atoms or profile changed since the last build: carry the edit into the atoms by hand, then run llmsgen build --force`,
  edited: (tag) => `<${tag}> was edited by hand since the last build: keep the edit with llmsgen sync --adopt, or discard it with llmsgen build --force`,
  stale: (tag) => `<${tag}> is out of date: its atoms or profile changed since the last build; run llmsgen build`,
};

function movedMessage(moved: MovedSection, output: OutputToCheck): string {
  const tag = moved.section.tag;
  const wrapper = output.profile.wrapper;
  const atoms = output.sections.find((section) => section.tag === tag)?.atoms.map((planned) => planned.atom.path) ?? [];
  // An include profile orders sections by the atoms' paths: adopt cannot reorder it, a rename can.
  const keep = output.profile.include
    ? `keep this order by renaming ${atoms.length === 0 ? "its atom files" : atoms.join(", ")} (under the atoms dir) so that path order puts <${tag}> where the file has it, or restore the build's with llmsgen build --force`
    : "keep this order with llmsgen sync --adopt, or restore the build's with llmsgen build --force";
  if (moved.where !== "order") {
    const side = moved.where === "before-wrapper" ? `before the wrapper's opening line <${wrapper}>` : `after the wrapper's closing line </${wrapper}>`;
    return `<${tag}> stands ${side}, but a build writes it inside the wrapper: ${keep}`;
  }
  const place = moved.after === undefined ? "first" : `right after <${moved.after}>`;
  return `<${tag}> stands at another position than a build writes it (${place}), and order is content: ${keep}`;
}

function unbackedMessage(section: ParsedSection, wrapper: WrapperLines | undefined): string {
  const base = `<${section.tag}> has no backing atom: it was written by hand and a build would delete it; run llmsgen sync --adopt to turn it into an atom`;
  if (wrapper?.close !== undefined && section.open > wrapper.close) return `${base} (it stands after the wrapper's closing line: adopted, it goes last inside the wrapper)`;
  if (wrapper !== undefined && section.open < wrapper.open) return `${base} (it stands before the wrapper's opening line: adopted, it goes first inside the wrapper)`;
  return base;
}

function sectionDiff(file: string, want: ParsedSection | undefined, have: ParsedSection | undefined, start: number): string {
  return unifiedDiff(
    file,
    { lines: want ? want.text.split("\n") : [], start: want ? want.open : start },
    { lines: have ? have.text.split("\n") : [], start: have ? have.open : start },
  );
}

export function finding(kind: FindingKind, file: string, line: number, message: string, tag?: string, diff?: string): Finding {
  return { kind, ...(tag === undefined ? {} : { tag }), file, line, message, ...(diff === undefined ? {} : { diff }) };
}

const KIND_ORDER: readonly FindingKind[] = ["malformed", "stray", "unbacked", "edited", "conflict", "drift", "moved", "stale", "extra", "missing"];

export function byLineThenKind(a: Finding, b: Finding): number {
  return a.line - b.line || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
}

/** The text of 1-based line `number`. */
function lineOf(text: string, number: number): string {
  let start = 0;
  for (let line = 1; line < number; line++) start = text.indexOf("\n", start) + 1;
  const end = text.indexOf("\n", start);
  return text.slice(start, end === -1 ? undefined : end);
}

/** The 1-based line holding offset `at`. */
function countLines(text: string, at: number): number {
  let line = 1;
  for (let index = text.indexOf("\n"); index !== -1 && index < at; index = text.indexOf("\n", index + 1)) line++;
  return line;
}
