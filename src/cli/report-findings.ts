import type { InputError } from "../errors.js";
import type { FileCheck, Finding, SyncReport } from "../model.js";
import type { Style } from "./style.js";

export type FindingFormat = "text" | "json" | "github";
export const FINDING_FORMATS: readonly FindingFormat[] = ["text", "json", "github"];

/** Formats a sync report; reporters only format, the exit code is decided elsewhere. */
export function formatSyncReport(report: SyncReport, format: FindingFormat, style: Style): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  if (format === "github") return report.files.flatMap((file) => file.findings.map(githubAnnotation)).map((line) => `${line}\n`).join("");
  const findings = report.files.flatMap((file) => file.findings);
  const lines = findings.map((finding) => formatFinding(finding, style));
  const dirty = report.files.filter((file) => file.findings.length > 0).length;
  lines.push(
    findings.length === 0
      ? style.green(`sync-check: clean: ${plural(report.files.length, "output")} ${report.files.length === 1 ? "matches" : "match"} what a build writes`)
      : style.red(`sync-check: ${plural(findings.length, "finding")} in ${dirty} of ${plural(report.files.length, "output")}`),
  );
  return `${lines.join("\n")}\n`;
}

/** `file:line: kind TAG: message`, then the diff indented under it. */
function formatFinding(finding: Finding, style: Style): string {
  const head = `${finding.file}:${finding.line}: ${style.bold(finding.kind)}${finding.tag ? ` ${finding.tag}` : ""}: ${finding.message}`;
  if (!finding.diff) return head;
  const diff = finding.diff
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => `    ${line.startsWith("+") ? style.green(line) : line.startsWith("-") ? style.red(line) : line}`);
  return [head, ...diff].join("\n");
}

/** What `build` prints when it will not overwrite hand-written text. */
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

/** Bad input in the machine formats: `{"ok": false, "errors": [...]}`, or one `::error` line per issue. */
export function formatInputError(error: InputError, format: "json" | "github"): string {
  if (format === "json") {
    // Only the documented fields: file, line (where there is one), message.
    const errors = error.issues.map((issue) => ({ file: issue.file, ...(issue.line === undefined ? {} : { line: issue.line }), message: issue.message }));
    return `${JSON.stringify({ ok: false, errors }, null, 2)}\n`;
  }
  return error.issues
    .map((issue) => {
      const where = issue.line === undefined ? `file=${escapeProperty(issue.file)}` : `file=${escapeProperty(issue.file)},line=${issue.line}`;
      return `::error ${where},title=llmsgen bad input::${escapeData(issue.message)}\n`;
    })
    .join("");
}

/** A GitHub Actions workflow command: `::error file=…,line=…,title=…::message`. */
function githubAnnotation(finding: Finding): string {
  const title = `llmsgen ${finding.kind}${finding.tag ? ` ${finding.tag}` : ""}`;
  const body = finding.diff ? `${finding.message}\n\n${finding.diff.replace(/\n$/, "")}` : finding.message;
  return `::error file=${escapeProperty(finding.file)},line=${finding.line},title=${escapeProperty(title)}::${escapeData(body)}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
