import { cpSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach } from "vitest";
import { openCaches } from "../src/cache/open-caches.js";
import { main } from "../src/cli/main.js";
import { loadProject } from "../src/load/load-project.js";
import type { Layout, Project, WriteFault } from "../src/model.js";
import { type BuildPlan, planBuild } from "../src/plan-build.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Creates a temporary project from `files` (path → content) and removes it after the test. */
export function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "llmsgen-test-"));
  made.push(dir);
  writeFiles(dir, files);
  return dir;
}

const templates = new Map<string, Promise<{ dir: string; build: CliRun }>>();
afterAll(async () => {
  for (const template of templates.values()) rmSync((await template).dir, { recursive: true, force: true });
  templates.clear();
});

/**
 * A temporary project made from `files` after `llmsgen build` ran in it, and
 * that build's run. The build runs once per test file for the same files;
 * each call gets a fresh copy of the built tree (a build is deterministic,
 * so the copy holds the very bytes a build of its own would write).
 */
export async function builtCopy(files: Record<string, string>): Promise<{ project: string; build: CliRun }> {
  const key = JSON.stringify(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  let template = templates.get(key);
  if (!template) {
    const dir = mkdtempSync(path.join(tmpdir(), "llmsgen-built-"));
    writeFiles(dir, files);
    template = runCli(["build"], { cwd: dir }).then((build) => ({ dir, build }));
    templates.set(key, template);
  }
  const { dir, build } = await template;
  const project = mkdtempSync(path.join(tmpdir(), "llmsgen-test-"));
  made.push(project);
  cpSync(dir, project, { recursive: true });
  return { project, build };
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process with captured streams. `tty` makes both streams
 * terminals; `stderrTty` only stderr (where progress is drawn), `now` is its
 * clock (by default one that stands still).
 */
export async function runCli(
  argv: readonly string[],
  options: { cwd: string; env?: Record<string, string>; tty?: boolean; stderrTty?: boolean; now?: () => number; fault?: WriteFault },
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.stderrTty ?? options.tty ?? false, columns: 100 },
    cwd: options.cwd,
    env: options.env ?? {},
    // A clock that stands still unless a test moves it: no progress bar appears just because a machine is slow.
    now: options.now ?? (() => 0),
    ...(options.fault ? { fault: options.fault } : {}),
  });
  return { code, stdout, stderr };
}

/** Every file below `dir` with its bytes, for asserting that nothing changed (`skipSpecial`: FIFOs and the like shown as "(special)", never read). */
export function snapshotTree(dir: string, options: { skipSpecial?: boolean } = {}): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const full = path.join(current, entry);
      const stats = statSync(full);
      if (stats.isDirectory()) walk(full);
      else if (options.skipSpecial && !stats.isFile()) files[path.relative(dir, full).split(path.sep).join("/")] = "(special)";
      else files[path.relative(dir, full).split(path.sep).join("/")] = readFileSync(full, "latin1");
    }
  };
  walk(dir);
  return files;
}

/** An atom file with the given frontmatter fields and body. */
export function atom(fields: Record<string, string | number | boolean>, body: string): string {
  const lines = Object.entries(fields).map(([key, value]) => `${key}: ${typeof value === "string" ? JSON.stringify(value) : String(value)}`);
  return `---\n${lines.join("\n")}\n---\n${body}\n`;
}

/** Loads and plans a project as build and sync-check do (caches read, never saved). */
export function loadAndPlan(layout: Layout): { project: Project; plan: BuildPlan } {
  const caches = openCaches(layout, () => {});
  const project = loadProject(layout, {}, caches);
  return { project, plan: planBuild(project, caches) };
}
