import type { Issue } from "./model.js";

/** The base of every error llmsgen throws on purpose. */
export class LlmsgenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad atoms, profiles or flags: exit 2, with every problem found listed at once. */
export class InputError extends LlmsgenError {
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[], options?: { cause?: unknown }) {
    super(issues.map(formatIssue).join("\n"), options);
    this.issues = issues;
  }
}

/**
 * A file changed on disk while the command ran, after the command judged it:
 * the command refuses (exit 1) and writes nothing more, so no edit made
 * meanwhile is lost.
 */
export class ConcurrentEditError extends LlmsgenError {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** The file system refused a write (no space, read-only, no permission): exit 2, the message says what was changed. */
export class WriteFailedError extends LlmsgenError {}

/** Another llmsgen process is writing the same project: nothing was done (its own exit code, see cli/main.ts). */
export class BusyError extends LlmsgenError {}

/** `file:line: message`, the form editors and terminals make clickable. */
export function formatIssue(issue: Issue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return `${where}: ${issue.message}`;
}

/** Throws an InputError when any issue was collected, grouped by file (first seen first) and by line within each. */
export function throwIfIssues(issues: readonly Issue[]): void {
  if (issues.length === 0) return;
  const fileOrder = new Map<string, number>();
  for (const issue of issues) if (!fileOrder.has(issue.file)) fileOrder.set(issue.file, fileOrder.size);
  const sorted = [...issues].sort((a, b) => (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || (a.line ?? 0) - (b.line ?? 0));
  throw new InputError(sorted);
}
