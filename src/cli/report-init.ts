import type { InitResult } from "../init.js";
import { STARTER_PROFILE } from "../scaffold/starter-project.js";
import { table, formatCount, type Style } from "./style.js";

/** What init created and built, then the three commands to run next. */
export function formatInitReport(result: InitResult, style: Style): string {
  const outputs = result.build.reports.map((report) => `${report.output} (${formatCount(report.tokens)} tokens)`);
  const manifest = result.build.changed.filter((file) => !result.build.reports.some((report) => report.output === file));
  const next = table([
    ["llmsgen lint", "check atoms and profiles as you write them"],
    [`llmsgen build --profile ${STARTER_PROFILE}`, "rebuild the output after editing atoms"],
    ["llmsgen sync-check", "in CI: fail when someone edits a generated file by hand"],
  ]);
  return [
    ...result.created.map((file) => `${style.green("created")} ${file}`),
    `${style.green("built")} ${outputs.join(", ")}${manifest.length > 0 ? `, recorded in ${manifest.join(", ")}` : ""}`,
    "",
    "next:",
    ...next.map((line) => `  ${line}`),
    "",
  ].join("\n");
}
