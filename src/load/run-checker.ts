import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ExampleCheck } from "../model.js";

/**
 * What a checker said about one block. This is llmsgen's one call out to
 * another program; like reading a file it asks the world about an atom, so it
 * lives at the edge with the other reads. It writes only a temp file outside
 * the project, removed afterwards.
 */
export type CheckerOutcome = { passed: true } | { passed: false; why: string; output: string };

/** Per-block time limit by default; a checker that takes longer fails that block. */
export const CHECKER_TIMEOUT_MS = 60_000;
/** Output kept from a checker (more is cut off, and the checker stopped). */
const MAX_OUTPUT = 1024 * 1024;

/**
 * Where the checker's program is: a word with a `/` is a path (relative ones
 * from the project root), any other word is looked up on PATH. When it cannot
 * be found or run, `missing` says why and how to fix it.
 */
export function locateChecker(program: string, root: string, env: NodeJS.ProcessEnv = process.env): { file: string } | { missing: string } {
  if (program.includes("/") || program.includes(path.sep)) {
    const file = path.resolve(root, program);
    if (!isFile(file)) return { missing: `${program} does not exist (relative paths start at the project root): fix the path, or change the command` };
    if (!isExecutable(file)) return { missing: `${program} is not executable: chmod +x it, or name its interpreter first (node ${program} {file})` };
    return { file };
  }
  const dirs = (env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "");
  const extensions = process.platform === "win32" ? ["", ...(env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const file = path.join(dir, program + extension);
      if (isFile(file) && isExecutable(file)) return { file: program };
    }
  }
  return { missing: `'${program}' is not installed (not found on PATH): install it, or change the command` };
}

/**
 * Writes the block's body to `<atom-id>-<line>.<language>` in a fresh temp
 * dir, runs the checker there with the project root as its working directory
 * (no shell: `{file}` and `{info}` words are replaced, nothing else is read),
 * and removes the dir. A non-zero exit, a signal or the time limit fails the block.
 */
export function runChecker(check: ExampleCheck, program: string, root: string, timeoutMs = CHECKER_TIMEOUT_MS): CheckerOutcome {
  const dir = mkdtempSync(path.join(tmpdir(), "llmsgen-example-"));
  try {
    const name = `${check.atomId}-${check.line}.${check.language}`;
    const file = path.join(dir, name);
    writeFileSync(file, check.body);
    const args = check.checker.command.slice(1).map((word) => (word === "{file}" ? file : word === "{info}" ? check.info : word));
    const result = spawnSync(program, args, { cwd: root, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: MAX_OUTPUT, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    // The checker's messages name the temp file; show the name a reader can place instead of a path that is gone.
    const output = `${result.stdout?.toString("utf8") ?? ""}${result.stderr?.toString("utf8") ?? ""}`.split(file).join(name);
    const code = result.error && "code" in result.error ? result.error.code : undefined;
    if (code === "ETIMEDOUT") return { passed: false, why: `timed out after ${timeoutMs / 1000} s`, output };
    if (code === "ENOBUFS") return { passed: false, why: `printed more than ${MAX_OUTPUT / 1024 / 1024} MB and was stopped`, output };
    if (result.error) return { passed: false, why: `could not be started (${code ?? result.error.message})`, output };
    if (result.signal) return { passed: false, why: `was killed by ${result.signal}`, output };
    if (result.status !== 0) return { passed: false, why: `exited with ${result.status}`, output };
    return { passed: true };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
