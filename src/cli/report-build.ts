import type { BuildResult, FilePreview } from "../build.js";
import type { PackReason } from "../model.js";
import type { AtomReport, PartReport, ProfileReport } from "../pack/plan-report.js";
import { diffPackage } from "../sync/diff-package.js";
import { findingAnnotation } from "./report-findings.js";
import { annotation, json, plural, type ReportOptions } from "./report-format.js";
import { formatCount, table, type Style } from "./style.js";

/** What the report reads of a build: everything but the plans, which hold every text (see commands.ts). */
export type BuildOutcome = Omit<BuildResult, "plans">;

/** What `build` was asked to do, as far as its report cares. */
export interface BuildMode {
  /** `--check`: nothing is written, and any change fails the run. */
  check: boolean;
  /** `--diff`: nothing is written; the changes are shown as unified diffs instead of the budget report. */
  diff: boolean;
}

/**
 * The build report. Text: per profile, each section and each atom's fate
 * (why, for briefs and drops), then the outcome; with `--quiet`, only the
 * files `--check` finds changed. JSON: one object (`profiles` with their
 * sections and atoms, `ok`, `changed`, `refused`, `written`, and `diffs`
 * with `--diff`). GitHub: one annotation per finding that stopped the
 * build, or per file `--check` finds changed.
 */
export function formatBuildReport(result: BuildOutcome, mode: BuildMode, options: ReportOptions, style: Style): string {
  if (options.format === "json") return buildReportJson(result, mode);
  if (options.format === "github") return buildAnnotations(result, mode);
  if (options.quiet) {
    if (mode.diff) return formatDiffs(result, style);
    // Every file --check finds changed, hand-edited ones too: the run fails because of them.
    return mode.check ? result.changed.map((file) => `${file}\n`).join("") : "";
  }
  if (mode.diff) return `${formatDiffs(result, style)}${formatOutcome(result, mode, style)}\n`;
  const blocks = result.reports.map((report) => formatProfile(report, style));
  blocks.push(formatOutcome(result, mode, style));
  return `${blocks.join("\n\n")}\n`;
}

/** Each changed output as a diff; the manifest, bookkeeping that follows them, as one line (its diff is in the JSON form). */
function formatDiffs(result: BuildOutcome, style: Style): string {
  const outputs = new Set(result.reports.map((report) => report.output));
  return (result.previews ?? [])
    .map((preview) => (outputs.has(preview.file) ? colourDiff(fileDiff(preview), style) : `${preview.file} changes with them (the manifest: hashes and counts of what is built)\n`))
    .join("");
}

/** True when the run failed: hand-written text in the way, or `--check` found a change. */
export function buildFailed(result: BuildOutcome, mode: BuildMode): boolean {
  return result.refused.length > 0 || (mode.check && result.changed.length > 0);
}

function buildReportJson(result: BuildOutcome, mode: BuildMode): string {
  const { reports: profiles, changed, refused, written } = result;
  const diffs = mode.diff ? { diffs: (result.previews ?? []).map((preview) => ({ file: preview.file, diff: fileDiff(preview) })) } : {};
  return json({ ok: !buildFailed(result, mode), profiles, changed, refused, written, ...diffs });
}

function buildAnnotations(result: BuildOutcome, mode: BuildMode): string {
  if (result.refused.length > 0) return result.refused.flatMap((check) => check.findings).map(findingAnnotation).join("");
  if (!mode.check) return "";
  return result.changed
    .map((file) => annotation("error", { file, title: "llmsgen build --check" }, `${file} is not what a build writes now: run llmsgen build and commit the result`))
    .join("");
}

/** A git-style unified diff of one file, from what is on disk to what a build writes. */
function fileDiff(preview: FilePreview): string {
  const { FILE_HEADERS_ONLY, formatPatch, structuredPatch } = diffPackage();
  const patch = structuredPatch(preview.before === null ? "/dev/null" : `a/${preview.file}`, `b/${preview.file}`, preview.before ?? "", preview.after, undefined, undefined, { context: 3 });
  return formatPatch(patch, FILE_HEADERS_ONLY);
}

function colourDiff(diff: string, style: Style): string {
  return diff.replace(/^([-+])(?![-+]{2} ).*$/gm, (line, sign: string) => (sign === "+" ? style.green(line) : style.red(line)));
}

function formatProfile(report: ProfileReport, style: Style): string {
  const budget = report.budget === null ? "no budget" : `budget ${formatCount(report.budget)}`;
  const head = `${style.bold(report.profile)} → ${report.output}  ${formatCount(report.tokens)} tokens, ${budget} (${report.encoding})`;
  if (report.parts) return formatParts(head, report.parts, style);
  if (report.sections.length === 0) return head;
  const explained = report.sections.some((section) => section.atoms.some((atom) => atom.reason));
  const rows: string[][] = [["section / atom", "tokens", "budget", "delta", "state", ...(explained ? ["why"] : [])]];
  const states: (AtomReport["state"] | undefined)[] = [undefined];
  for (const section of report.sections) {
    rows.push([section.tag, formatCount(section.tokens), section.budget === null ? "-" : formatCount(section.budget), formatDelta(section.delta), ""]);
    states.push(undefined);
    for (const atom of section.atoms) {
      rows.push([`  ${atom.id}`, atom.state === "dropped" ? "-" : formatCount(atom.tokens), "", "", atom.state, ...(atom.reason ? [formatReason(atom.reason)] : [])]);
      states.push(atom.state);
    }
  }
  const lines = table(rows, [1, 2, 3]).map((line, index) => {
    if (index === 0) return style.dim(line);
    if (states[index] === "dropped") return style.red(line);
    if (states[index] === "brief") return style.yellow(line);
    return line;
  });
  return [head, ...lines.map((line) => `  ${line}`)].join("\n");
}

/** A composed output's parts, each with its own tokens (the output's count is of the whole file, frame included). */
function formatParts(head: string, parts: readonly PartReport[], style: Style): string {
  const rows = [["part", "tokens", "from"], ...parts.map((part) => ("file" in part ? [part.file, formatCount(part.tokens), "hand-maintained file"] : [part.profile, formatCount(part.tokens), `profile → ${part.output}`]))];
  const lines = table(rows, [1]).map((line, index) => (index === 0 ? style.dim(line) : line));
  return [head, ...lines.map((line) => `  ${line}`)].join("\n");
}

/** `section budget 450, priority 30, saved 112`: which budget forced the atom down, its priority, and the tokens that saved. */
export function formatReason(reason: PackReason): string {
  return `${reason.budget} budget ${formatCount(reason.limit)}, priority ${reason.priority}, saved ${formatCount(reason.saved)}`;
}

function formatDelta(delta: number | null): string {
  if (delta === null) return "-";
  return delta > 0 ? `+${formatCount(delta)}` : delta === 0 ? "±0" : formatCount(delta);
}

const REFUSED = "holds hand-written text: build would refuse (see llmsgen sync-check):";

function formatOutcome(result: BuildOutcome, mode: BuildMode, style: Style): string {
  if (result.refused.length > 0 && !mode.check && !mode.diff) return style.red("nothing written: hand-written text found (details on stderr)");
  if (result.changed.length === 0) return style.green("up to date: every output matches its atoms and profile");
  // A file with hand-written text is not one a build would change: it would refuse (exit 1) and write nothing.
  const refused = new Set(result.refused.map((check) => check.file));
  const refusal = refused.size === 0 ? [] : [REFUSED, ...[...refused].map((file) => `  ${file}`)];
  if (mode.diff) return [`${plural(result.changed.length, "file")} would change (nothing written; run llmsgen build to write them)`, ...refusal].join("\n");
  const changed = result.changed.filter((file) => !refused.has(file));
  if (mode.check) return [...(changed.length === 0 ? [] : ["would change (run llmsgen build):", ...changed.map((file) => `  ${file}`)]), ...refusal].join("\n");
  return style.green(`wrote ${result.changed.join(", ")}`);
}
