import type { LintIssue, LintResult } from "../lint.js";
import { annotation, json, plural, type ReportOptions } from "./report-format.js";
import type { Style } from "./style.js";

/**
 * Text: `file:line: error|warning: message` lines, then a count. JSON: every
 * issue with its severity, and the counts. GitHub: one annotation per issue.
 * `--quiet` keeps errors only (warnings never fail a run), as eslint does.
 */
export function formatLintReport(result: LintResult, options: ReportOptions, style: Style): string {
  if (options.format === "json") {
    const issues = result.issues.map(({ file, line, severity, message }) => ({ file, ...(line === undefined ? {} : { line }), severity, message }));
    return json({ ok: result.errors === 0, issues, summary: { errors: result.errors, warnings: result.warnings, ...(result.examples ? { examples: result.examples.checked } : {}) } });
  }
  const shown = options.quiet ? result.issues.filter((issue) => issue.severity === "error") : result.issues;
  if (options.format === "github") return shown.map(issueAnnotation).join("");
  const lines = shown.map((issue) => {
    const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
    const label = issue.severity === "error" ? style.red("error") : style.yellow("warning");
    return `${where}: ${label}: ${issue.message}`;
  });
  if (!options.quiet) {
    const checked = result.examples ? `, ${plural(result.examples.checked, "example")} checked` : "";
    const summary = `lint: ${plural(result.errors, "error")}, ${plural(result.warnings, "warning")}${checked}`;
    lines.push(result.errors > 0 ? style.red(summary) : result.warnings > 0 ? style.yellow(summary) : style.green(summary));
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function issueAnnotation(issue: LintIssue): string {
  const place = { file: issue.file, ...(issue.line === undefined ? {} : { line: issue.line, endLine: issue.line }), title: `llmsgen lint ${issue.severity}` };
  return annotation(issue.severity === "error" ? "error" : "warning", place, issue.message);
}
