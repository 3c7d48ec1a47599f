import type { AdoptResult } from "../adopt.js";
import type { AdoptionSkip } from "../model.js";
import { writeDiff } from "../sync/plan-adoption.js";
import { annotation, json, type ReportOptions } from "./report-format.js";
import { endLine } from "./report-findings.js";
import type { Style } from "./style.js";

/**
 * What adopt did (or, with --dry-run, would do). When any finding cannot be
 * carried, adopt wrote nothing: the report says so first and lists each one
 * with why, and never reports a write as made. `--quiet` keeps only what
 * could not be carried.
 */
export function formatAdoptReport(result: AdoptResult, dryRun: boolean, options: ReportOptions, style: Style): string {
  if (options.format === "json") return json(adoptJson(result, dryRun));
  if (options.format === "github") return adoptAnnotations(result, dryRun, options.quiet);
  const lines: string[] = [];
  const blocked = result.skipped.length > 0;
  if (blocked && !dryRun) {
    const count = result.skipped.length;
    lines.push(style.red(`nothing written: adopt carries every hand edit or none, and ${count === 1 ? "this one" : `these ${count}`} cannot be carried:`));
  }
  if ((!blocked || dryRun) && !options.quiet) {
    for (const write of result.writes) {
      lines.push(`${style.green(writeVerb(write.before === null, dryRun))} ${write.shown}: ${write.note}`);
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
  }
  if (blocked && dryRun) lines.push(style.red("cannot be carried (so adopt would write nothing):"));
  for (const skip of result.skipped) {
    lines.push(`${where(skip)}: ${skip.line > 0 ? `${skip.kind}${skip.tag ? ` ${skip.tag}` : ""}: ` : ""}${skip.reason}`);
    if (skip.diff) lines.push(...indent(skip.diff));
  }
  if (!options.quiet) {
    if (result.commit.length === 0 && !blocked) lines.push("nothing to adopt: no hand-written text found");
    else if (result.written) lines.push("next: llmsgen build, then llmsgen sync-check");
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function adoptJson(result: AdoptResult, dryRun: boolean): unknown {
  return {
    ok: result.skipped.length === 0,
    dryRun,
    written: result.written,
    writes: result.writes.map((write) => ({ file: write.shown, action: write.before === null ? "create" : "update", note: write.note, diff: writeDiff(write) })),
    recorded: result.recorded,
    alsoChanges: result.alsoChanges,
    skipped: result.skipped.map(({ file, line, tag, kind, reason, diff }) => ({
      file,
      ...(line > 0 ? { line } : {}),
      ...(tag === undefined ? {} : { tag }),
      kind,
      reason,
      ...(diff === undefined ? {} : { diff }),
    })),
  };
}

function adoptAnnotations(result: AdoptResult, dryRun: boolean, quiet: boolean): string {
  const blocked = result.skipped.length > 0;
  const notices = quiet || (blocked && !dryRun) ? [] : result.writes.map((write) => annotation("notice", { file: write.shown, title: `llmsgen ${writeVerb(write.before === null, dryRun)}` }, write.note));
  const errors = result.skipped.map((skip) =>
    annotation("error", { file: skip.file, ...(skip.line > 0 ? { line: skip.line, endLine: endLine(skip) } : {}), title: `llmsgen not adopted: ${skip.kind}${skip.tag ? ` ${skip.tag}` : ""}` }, skip.reason),
  );
  return [...notices, ...errors].join("");
}

function writeVerb(create: boolean, dryRun: boolean): string {
  return create ? (dryRun ? "would create" : "created") : dryRun ? "would update" : "updated";
}

function where(skip: AdoptionSkip): string {
  return skip.line > 0 ? `${skip.file}:${skip.line}` : skip.file;
}

function indent(text: string): string[] {
  return text.replace(/\n$/, "").split("\n").map((line) => `    ${line}`);
}
