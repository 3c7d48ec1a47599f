import type { AdoptResult } from "../adopt.js";
import { writeDiff } from "../sync/plan-adoption.js";
import type { Style } from "./style.js";

/** What adopt did (or, with --dry-run, would do), what it left alone and why. */
export function formatAdoptReport(result: AdoptResult, dryRun: boolean, style: Style): string {
  const lines: string[] = [];
  for (const write of result.writes) {
    const verb = write.before === null ? (dryRun ? "would create" : "created") : dryRun ? "would update" : "updated";
    lines.push(`${style.green(verb)} ${write.shown}: ${write.note}`);
    if (dryRun) lines.push(...indent(writeDiff(write)));
  }
  for (const file of result.recorded) {
    lines.push(`${style.green(dryRun ? "would record" : "recorded")} ${file} in the manifest: it matched its atoms before, so the next build rebuilds it`);
  }
  for (const file of result.alsoChanges) lines.push(`${style.yellow("also changes")} ${file} on the next build`);
  if (result.skipped.length > 0) {
    lines.push(style.red("not adopted:"));
    for (const skip of result.skipped) {
      const where = skip.line > 0 ? `${skip.file}:${skip.line}` : skip.file;
      lines.push(skip.line > 0 ? `${where}: ${skip.kind}${skip.tag ? ` ${skip.tag}` : ""}: ${skip.reason}` : `${where}: ${skip.reason}`);
      if (skip.diff) lines.push(...indent(skip.diff));
    }
  }
  if (result.writes.length === 0 && result.skipped.length === 0) lines.push("nothing to adopt: no hand-written text found");
  else if (result.writes.length > 0 && !dryRun) lines.push("next: llmsgen build, then llmsgen sync-check");
  return `${lines.join("\n")}\n`;
}

function indent(text: string): string[] {
  return text.replace(/\n$/, "").split("\n").map((line) => `    ${line}`);
}
