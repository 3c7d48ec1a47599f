import type { FileCheck, Finding, SyncReport } from "../model.js";
import { annotation, json, plural, type ReportOptions } from "./report-format.js";
import type { Style } from "./style.js";

/** Formats a sync report; reporters only format, the exit code is decided elsewhere. */
export function formatSyncReport(report: SyncReport, options: ReportOptions, style: Style): string {
  if (options.format === "json") return json(report);
  const findings = report.files.flatMap((file) => file.findings);
  if (options.format === "github") return findings.map(findingAnnotation).join("");
  const lines = findings.map((finding) => formatFinding(finding, style));
  if (!options.quiet) {
    const dirty = report.files.filter((file) => file.findings.length > 0).length;
    lines.push(
      findings.length === 0
        ? style.green(`sync-check: clean: ${plural(report.files.length, "output")} ${report.files.length === 1 ? "matches" : "match"} what a build writes`)
        : style.red(`sync-check: ${plural(findings.length, "finding")} in ${dirty} of ${plural(report.files.length, "output")}`),
    );
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/** `file:line: kind TAG: message`, then the diff indented under it. */
export function formatFinding(finding: Finding, style: Style): string {
  const head = `${finding.file}:${finding.line}: ${style.bold(finding.kind)}${finding.tag ? ` ${finding.tag}` : ""}: ${finding.message}`;
  if (!finding.diff) return head;
  return [head, ...indentDiff(finding.diff, style)].join("\n");
}

/** A unified diff indented under its heading, `+` lines green and `-` lines red. */
export function indentDiff(diff: string, style: Style): string[] {
  return diff
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => `    ${line.startsWith("+") ? style.green(line) : line.startsWith("-") ? style.red(line) : line}`);
}

/** What `build` prints on stderr when it will not overwrite hand-written text. */
export function formatRefusal(refused: readonly FileCheck[], style: Style): string {
  const findings = refused.flatMap((check) => check.findings);
  const tags = [...new Set(findings.flatMap((finding) => (finding.tag ? [finding.tag] : [])))];
  return [
    style.red(
      `llmsgen: nothing written: ${refused.map((check) => check.file).join(", ")} ${refused.length === 1 ? "holds" : "hold"} hand-written text a build would destroy${tags.length > 0 ? ` (${tags.join(", ")})` : ""}`,
    ),
    ...findings.map((finding) => formatFinding(finding, style)),
    "Keep it: llmsgen sync --adopt (preview with --dry-run) brings unbacked, edited and moved sections into atoms and profiles (drift needs --section TAG; other findings need a hand). Discard it: llmsgen build --force.",
    "",
  ].join("\n");
}

/** A finding as a workflow-command annotation spanning the lines it is about, with its diff in the message. */
export function findingAnnotation(finding: Finding): string {
  const title = `llmsgen ${finding.kind}${finding.tag ? ` ${finding.tag}` : ""}`;
  const body = finding.diff ? `${finding.message}\n\n${finding.diff.replace(/\n$/, "")}` : finding.message;
  return annotation("error", { file: finding.file, line: finding.line, endLine: endLine(finding), title }, body);
}

/** The last line of the file the finding's diff touches (its `+++` side), or its own line without a diff. */
export function endLine(finding: Pick<Finding, "line" | "diff">): number {
  let end = finding.line;
  for (const match of finding.diff?.matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm) ?? []) {
    const start = Number(match[1]);
    const count = match[2] === undefined ? 1 : Number(match[2]);
    end = Math.max(end, count === 0 ? start : start + count - 1);
  }
  return end;
}
