import type { AdoptResult } from "../adopt.js";
import { writeDiff } from "../sync/plan-adoption.js";
import type { Style } from "./style.js";

/**
 * What adopt did (or, with --dry-run, would do). When any finding cannot be
 * carried, adopt wrote nothing: the report says so first and lists each one
 * with why, and never reports a write as made.
 */
export function formatAdoptReport(result: AdoptResult, dryRun: boolean, style: Style): string {
  const lines: string[] = [];
  const blocked = result.skipped.length > 0;
  if (blocked && !dryRun) {
    const count = result.skipped.length;
    lines.push(style.red(`nothing written: adopt carries every hand edit or none, and ${count === 1 ? "this one" : `these ${count}`} cannot be carried:`));
  }
  if (!blocked || dryRun) {
    for (const write of result.writes) {
      const verb = write.before === null ? (dryRun ? "would create" : "created") : dryRun ? "would update" : "updated";
      lines.push(`${style.green(verb)} ${write.shown}: ${write.note}`);
      if (dryRun) lines.push(...indent(writeDiff(write)));
    }
    const carried = new Set(result.carried.map((checked) => checked.output.file));
    for (const file of result.recorded) {
      const why = carried.has(file)
        ? "its hand edits are all carried, and the next build rewrites it with the sections outside the wrapper moved inside"
        : "it matched its atoms before, so the next build rebuilds it";
      lines.push(`${style.green(dryRun ? "would record" : "recorded")} ${file} in the manifest: ${why}`);
    }
    for (const file of result.alsoChanges) lines.push(`${style.yellow(dryRun ? "would also change" : "also changes")} ${file} on the next build`);
    if (blocked) lines.push(style.red("cannot be carried (so adopt would write nothing):"));
  }
  for (const skip of result.skipped) {
    const where = skip.line > 0 ? `${skip.file}:${skip.line}` : skip.file;
    lines.push(skip.line > 0 ? `${where}: ${skip.kind}${skip.tag ? ` ${skip.tag}` : ""}: ${skip.reason}` : `${where}: ${skip.reason}`);
    if (skip.diff) lines.push(...indent(skip.diff));
  }
  if (result.commit.length === 0 && !blocked) lines.push("nothing to adopt: no hand-written text found");
  else if (result.written) lines.push("next: llmsgen build, then llmsgen sync-check");
  return `${lines.join("\n")}\n`;
}

function indent(text: string): string[] {
  return text.replace(/\n$/, "").split("\n").map((line) => `    ${line}`);
}
