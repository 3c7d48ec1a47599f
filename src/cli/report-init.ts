import type { InitResult } from "../init.js";
import { STARTER_PROFILE } from "../scaffold/starter-project.js";
import { formatAdoptReport } from "./report-adopt.js";
import { table, formatCount, type Style } from "./style.js";

/**
 * What init created and built, then the three commands to run next. For
 * `init --from` whose file held text adoption could not carry: what that
 * was and why, and that nothing was kept.
 */
export function formatInitReport(result: InitResult, style: Style): string {
  const { build } = result;
  if (build === null) {
    const blocked = result.adopted ? formatAdoptReport(result.adopted, false, { format: "text", quiet: false }, style) : "";
    return `${blocked}${style.red("nothing kept: init --from makes a project only of a file whose every part an atom can carry")}\n`;
  }
  const outputs = build.reports.map((report) => `${report.output} (${formatCount(report.tokens)} tokens)`);
  const manifest = build.changed.filter((file) => !build.reports.some((report) => report.output === file));
  const profile = result.adopted ? (build.reports[0]?.profile ?? STARTER_PROFILE) : STARTER_PROFILE;
  const next = table([
    // llmsgen is installed as a dev dependency: npx finds it.
    ["npx llmsgen lint", "check atoms and profiles as you write them"],
    [`npx llmsgen build --profile ${profile}`, "rebuild the output after editing atoms"],
    ["npx llmsgen sync-check", "in CI: fail when someone edits a generated file by hand"],
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
