import { rmSync } from "node:fs";

/**
 * Undoes what a failed command created: the files it made, then the dirs it
 * made (which did not exist before it ran, so nothing else lives in them).
 */
export function removeCreated(files: readonly string[], dirs: readonly string[]): void {
  for (const file of files) rmSync(file, { force: true });
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
