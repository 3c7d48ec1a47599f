/**
 * Names llmsgen keeps for itself in the out dir: no output or composed part
 * may take them, since llmsgen would remove or replace what stands there.
 */

/**
 * Temporary files are named `.<name>.llmsgen-<pid>-<random>.tmp` beside their
 * target, so that a later run (holding the project's lock, when no other
 * llmsgen writes) recognises the leftovers of a killed one and removes them.
 */
export const TEMP_NAME = /^\..*\.llmsgen-\d+-[0-9a-f]{8}\.tmp$/;

/** The out dir's folder for the lock and the journal. */
export const STATE_DIR_NAME = ".llmsgen";

/** Why a path relative to the out dir (`/` separators, normalised) is reserved, if it is. */
export function reservedInOut(relative: string): string | undefined {
  const parts = relative.split("/");
  if (parts[0] === STATE_DIR_NAME) return `lies under ${STATE_DIR_NAME}/, which llmsgen keeps for its lock and journal: choose another path`;
  if (parts.some((part) => TEMP_NAME.test(part))) return "is named like llmsgen's temporary files (.NAME.llmsgen-PID-XXXXXXXX.tmp), which are removed as leftovers: choose another name";
  return undefined;
}

/** The first control character in `text` (NUL, a newline, …) as U+XXXX, if any: no file name may hold one. */
export function controlCharacter(text: string): string | undefined {
  const found = /[\u0000-\u001f\u007f]/.exec(text)?.[0];
  return found === undefined ? undefined : `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}
