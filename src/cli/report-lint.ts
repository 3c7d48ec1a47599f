import type { LintResult } from "../lint.js";
import type { Style } from "./style.js";

/** `file:line: error|warning: message` lines, then a count. */
export function formatLintReport(result: LintResult, style: Style): string {
  const lines = result.issues.map((issue) => {
    const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
    const label = issue.severity === "error" ? style.red("error") : style.yellow("warning");
    return `${where}: ${label}: ${issue.message}`;
  });
  const checked = result.examples ? `, ${result.examples.checked} example${result.examples.checked === 1 ? "" : "s"} checked` : "";
  const summary = `lint: ${result.errors} error${result.errors === 1 ? "" : "s"}, ${result.warnings} warning${result.warnings === 1 ? "" : "s"}${checked}`;
  lines.push(result.errors > 0 ? style.red(summary) : result.warnings > 0 ? style.yellow(summary) : style.green(summary));
  return `${lines.join("\n")}\n`;
}
