import { diffPackage } from "./diff-package.js";

export interface DiffSide {
  lines: readonly string[];
  /** 1-based line of the file where `lines` start, so hunks point at real lines. */
  start: number;
}

/**
 * A unified diff from what a build would write (`---`) to what the file holds
 * (`+++`), with hunk line numbers in file coordinates. Both sides are taken as
 * whole lines, so no "No newline at end of file" marker is ever printed.
 */
export function unifiedDiff(file: string, build: DiffSide, actual: DiffSide, labels: readonly [string, string] = ["build", "file"]): string {
  const { FILE_HEADERS_ONLY, formatPatch, structuredPatch } = diffPackage();
  const patch = structuredPatch(file, file, joinLines(build.lines), joinLines(actual.lines), labels[0], labels[1], { context: 3 });
  for (const hunk of patch.hunks) {
    hunk.oldStart += build.start - 1;
    hunk.newStart += actual.start - 1;
  }
  return formatPatch(patch, FILE_HEADERS_ONLY);
}

function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
