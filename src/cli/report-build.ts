import type { BuildResult } from "../build.js";
import type { ProfileReport } from "../pack/plan-report.js";
import { formatCount, table, type Style } from "./style.js";

/** The human form of the build report: per profile, each section and each atom's fate. */
export function formatBuildReport(result: BuildResult, check: boolean, style: Style): string {
  const blocks = result.reports.map((report) => formatProfile(report, style));
  blocks.push(formatOutcome(result, check, style));
  return `${blocks.join("\n\n")}\n`;
}

/** The machine form (`--json`): one object, the shape SPEC §6 fixes, plus what changed. */
export function buildReportJson(result: BuildResult): string {
  const { reports: profiles, changed, refused, written } = result;
  return `${JSON.stringify({ profiles, changed, refused, written }, null, 2)}\n`;
}

function formatProfile(report: ProfileReport, style: Style): string {
  const budget = report.budget === null ? "no budget" : `budget ${formatCount(report.budget)}`;
  const head = `${style.bold(report.profile)} → ${report.output}  ${formatCount(report.tokens)} tokens, ${budget} (${report.encoding})`;
  if (report.sections.length === 0) return head;
  const rows: string[][] = [["section / atom", "tokens", "budget", "delta", "state"]];
  for (const section of report.sections) {
    rows.push([section.tag, formatCount(section.tokens), section.budget === null ? "-" : formatCount(section.budget), formatDelta(section.delta), ""]);
    for (const atom of section.atoms) {
      rows.push([`  ${atom.id}`, atom.state === "dropped" ? "-" : formatCount(atom.tokens), "", "", atom.state]);
    }
  }
  const lines = table(rows, [1, 2, 3]).map((line, index) => {
    const state = (rows[index] as string[])[4];
    if (index === 0) return style.dim(line);
    if (state === "dropped") return style.red(line);
    if (state === "brief") return style.yellow(line);
    return line;
  });
  return [head, ...lines.map((line) => `  ${line}`)].join("\n");
}

function formatDelta(delta: number | null): string {
  if (delta === null) return "-";
  return delta > 0 ? `+${formatCount(delta)}` : delta === 0 ? "±0" : formatCount(delta);
}

function formatOutcome(result: BuildResult, check: boolean, style: Style): string {
  if (result.refused.length > 0 && !check) return style.red("nothing written: hand-written text found (details on stderr)");
  if (result.changed.length === 0) return style.green("up to date: every output matches its atoms and profile");
  if (check) return ["would change (run llmsgen build):", ...result.changed.map((file) => `  ${file}`)].join("\n");
  return style.green(`wrote ${result.changed.join(", ")}`);
}
