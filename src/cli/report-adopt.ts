import type { AdoptResult } from "../adopt.js";
import { writeDiff, type AdoptionSkip } from "../sync/plan-adoption.js";
import { annotation, json, type ReportOptions } from "./report-format.js";
import type { Style } from "./style.js";

/** What adopt did (or, with --dry-run, would do), what it left alone and why. `--quiet` keeps only what it left alone. */
export function formatAdoptReport(result: AdoptResult, dryRun: boolean, options: ReportOptions, style: Style): string {
  if (options.format === "json") return json(adoptJson(result, dryRun));
  if (options.format === "github") return adoptAnnotations(result, dryRun, options.quiet);
  const lines: string[] = [];
  if (!options.quiet) {
    for (const write of result.writes) {
      lines.push(`${style.green(writeVerb(write.before === null, dryRun))} ${write.shown}: ${write.note}`);
      if (dryRun) lines.push(...indent(writeDiff(write)));
    }
    for (const file of result.recorded) {
      lines.push(`${style.green(dryRun ? "would record" : "recorded")} ${file} in the manifest: it matched its atoms before, so the next build rebuilds it`);
    }
    for (const file of result.alsoChanges) lines.push(`${style.yellow("also changes")} ${file} on the next build`);
  }
  if (result.skipped.length > 0) {
    lines.push(style.red("not adopted:"));
    for (const skip of result.skipped) {
      lines.push(`${where(skip)}: ${skip.line > 0 ? `${skip.kind}${skip.tag ? ` ${skip.tag}` : ""}: ` : ""}${skip.reason}`);
      if (skip.diff) lines.push(...indent(skip.diff));
    }
  }
  if (!options.quiet) {
    if (result.writes.length === 0 && result.skipped.length === 0) lines.push("nothing to adopt: no hand-written text found");
    else if (result.writes.length > 0 && !dryRun) lines.push("next: llmsgen build, then llmsgen sync-check");
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
  const notices = quiet ? [] : result.writes.map((write) => annotation("notice", { file: write.shown, title: `llmsgen ${writeVerb(write.before === null, dryRun)}` }, write.note));
  const errors = result.skipped.map((skip) =>
    annotation("error", { file: skip.file, ...(skip.line > 0 ? { line: skip.line } : {}), title: `llmsgen not adopted: ${skip.kind}${skip.tag ? ` ${skip.tag}` : ""}` }, skip.reason),
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
