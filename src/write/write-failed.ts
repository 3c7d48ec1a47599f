import { WriteFailedError } from "../errors.js";
import { hasCode } from "./write-atomic.js";

/** The file-system refusals a user can act on, with what to do about each. */
const REFUSALS = new Map([
  ["ENOSPC", { what: "no space left on device", fix: "free space and run again" }],
  ["EDQUOT", { what: "disk quota exceeded", fix: "free space (or raise the quota) and run again" }],
  ["EROFS", { what: "read-only file system", fix: "make it writable and run again" }],
  ["EACCES", { what: "permission denied", fix: "change the permissions and run again" }],
  ["EPERM", { what: "operation not permitted", fix: "check the file's permissions and attributes (an immutable file: chattr -i) and run again" }],
]);

/**
 * A WriteFailedError for a file-system refusal met writing `shown`, saying
 * what holds now: nothing changed when nothing was placed yet; otherwise which
 * files were, and what the next run does about the rest. Undefined for any
 * other error (a bug, or a concurrent edit with its own message).
 */
export function writeFailed(error: unknown, shown: string, placed: readonly string[], journal: string | undefined): WriteFailedError | undefined {
  const code = [...REFUSALS.keys()].find((known) => hasCode(error, known));
  const refusal = code === undefined ? undefined : REFUSALS.get(code);
  if (!refusal) return undefined;
  const what = `${refusal.what} (${code}) writing ${shown}: ${refusal.fix}`;
  if (placed.length === 0) return new WriteFailedError(`${what}; nothing was changed`, { cause: error });
  const next = journal
    ? `the next llmsgen command that writes finishes the rest from ${journal}`
    : "the manifest records the outputs being written as pending, so the next build finds which were written and writes the rest";
  return new WriteFailedError(`${what}; ${placed.join(", ")} had already been written, and ${next}`, { cause: error });
}
