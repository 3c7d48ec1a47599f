import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect } from "vitest";
import { syncCheck } from "../../src/sync-check.js";
import { atom, makeProject, runCli, writeFiles } from "../helpers.js";

/**
 * The fault tests' project: a field guide to tide pools in three outputs
 * (a sections profile with a wrapper and a budget, an include profile
 * written into a subdirectory of out/, and an llms.txt index), so a build
 * makes eight writes: the manifest marking three outputs pending, the three
 * outputs, the final manifest, and three cache files.
 */
export const PROFILES = {
  "profiles/guide.yaml": [
    "output: tidepool-guide.txt",
    "wrapper: TIDEPOOL_GUIDE",
    "budget: 400",
    "description: The field guide",
    "sections:",
    "  - tag: SAFETY",
    "    required: true",
    "    atoms: [footing]",
    "  - tag: TIDES",
    "    intro: When to go.",
    "    atoms: [\"tides/*.md\"]",
    "  - tag: LIFE",
    "    atoms: [anemones, crabs]",
    "",
  ].join("\n"),
  "profiles/topics.yaml": "output: topics/all.txt\ndescription: Every topic\ninclude: [\"**/*.md\"]\n",
  "profiles/llms.yaml": "output: llms.txt\nindex:\n  title: Tide pools\n  summary: Where to look and how to stay dry.\n",
};

/** The atoms at `version`: every one says which version it is, and one grows with it, so each new version changes every output and its token count. */
export function atomsAt(version: number): Record<string, string> {
  return {
    "atoms/safety/footing.md": atom(
      { id: "footing", title: "Footing", brief: "Wet rock is slippery.", tag: "SAFETY" },
      `Step only on bare rock, never on weed (edition ${version}${", checked once more".repeat(version)}).\n\nKeep one hand free and face the sea.`,
    ),
    "atoms/tides/low-tide.md": atom(
      { id: "low-tide", title: "Low tide", brief: "Go an hour before low water.", tag: "TIDES", priority: 70 },
      `Arrive an hour before low water and leave as it turns (edition ${version}).`,
    ),
    "atoms/tides/spring-tides.md": atom(
      { id: "spring-tides", title: "Spring tides", brief: "New and full moons uncover the most.", tag: "TIDES", priority: 30 },
      `Around new and full moons the sea draws back furthest, and the lowest pools open (edition ${version}).`,
    ),
    "atoms/life/anemones.md": atom(
      { id: "anemones", title: "Anemones", brief: "Look, do not poke.", tag: "LIFE", priority: 60 },
      `Anemones close when touched; a closed one has been disturbed (edition ${version}).`,
    ),
    "atoms/life/crabs.md": atom(
      { id: "crabs", title: "Crabs", brief: "Lift stones slowly, put them back.", tag: "LIFE", priority: 20 },
      `Turn a stone toward you, so a crab runs away from your fingers, and put it back as it lay (edition ${version}).`,
    ),
  };
}

/**
 * A project at atoms `version`, built once when `built`. With `warm`, its
 * cache already holds the counts and plans of versions 1 to 3, made by the
 * compiled code the child processes run, as if built before: the runs the
 * tests start and kill then spend their time writing, not loading the
 * tokenizer (what they test is the same either way).
 */
export function tidepools(version: number, built: boolean, warm = true): string {
  const key = `${version} ${built} ${warm}`;
  let template = templates.get(key);
  if (template === undefined) {
    template = mkdtempSync(path.join(tmpdir(), "llmsgen-test-"));
    writeFiles(template, { ...PROFILES, ...atomsAt(version) });
    if (warm) cpSync(path.join(warmed(), ".llmsgen-cache"), path.join(template, ".llmsgen-cache"), { recursive: true });
    if (built) expect(runChild("build", template).lines.at(-1)).toBe("exit 0");
    templates.set(key, template);
  }
  return copyOf(template);
}

/** Projects made once per test file and copied for each use. */
const templates = new Map<string, string>();
let warmProject: string | undefined;
afterAll(() => {
  for (const dir of [...templates.values(), ...(warmProject === undefined ? [] : [warmProject])]) rmSync(dir, { recursive: true, force: true });
});

function warmed(): string {
  if (warmProject === undefined) {
    warmProject = mkdtempSync(path.join(tmpdir(), "llmsgen-test-"));
    writeFiles(warmProject, PROFILES);
    for (const version of [3, 2, 1]) {
      writeFiles(warmProject, atomsAt(version));
      expect(runChild("build", warmProject).lines.at(-1)).toBe("exit 0");
    }
  }
  return warmProject;
}

/** A copy of `project` in a fresh temporary dir (removed after the test). */
export function copyOf(project: string): string {
  const copy = makeProject({});
  cpSync(project, copy, { recursive: true, verbatimSymlinks: true });
  return copy;
}

export function nextVersion(project: string, version: number): void {
  writeFiles(project, atomsAt(version));
}

/** Every file of out/ with its bytes. */
export function outTree(project: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else files[path.relative(project, full).split(path.sep).join("/")] = readFileSync(full, "latin1");
    }
  };
  if (existsSync(path.join(project, "out"))) walk(path.join(project, "out"));
  return files;
}

/** What a clean build of atoms `version` writes into out/, from scratch and without a cache (made once per test file). */
export async function reference(version: number): Promise<Record<string, string>> {
  let tree = references.get(version);
  if (tree === undefined) {
    const project = makeProject({ ...PROFILES, ...atomsAt(version) });
    expect((await runCli(["build", "--no-cache"], { cwd: project })).code).toBe(0);
    tree = outTree(project);
    references.set(version, tree);
  }
  return tree;
}

const references = new Map<number, Record<string, string>>();

/** Temporary files of llmsgen anywhere in the project (there must be none after a run that finished). */
export function leftovers(project: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.llmsgen-\d+-[0-9a-f]{8}\.tmp$/.test(entry.name)) found.push(path.relative(project, full));
    }
  };
  walk(project);
  return found;
}

/** The kinds of finding sync-check reports now. */
export function findingKinds(project: string): string[] {
  return syncCheck({ root: project }).files.flatMap((file) => file.findings.map((finding) => finding.kind));
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "child.mjs");

export interface ChildRun {
  lines: string[];
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs child.mjs to the end (or its kill). */
export function runChild(command: "build" | "adopt", project: string, ...actions: string[]): ChildRun {
  const run = spawnSync(process.execPath, [CHILD, command, project, ...actions], { encoding: "utf8", env: process.env });
  return { lines: run.stdout.split("\n").filter((line) => line !== ""), signal: run.signal, stderr: run.stderr };
}

/** Starts child.mjs; resolves when it ends. */
export function startChild(command: "build" | "adopt", project: string, ...actions: string[]): { done: Promise<ChildRun>; kill: () => void; firstWrite: Promise<void> } {
  const child = spawn(process.execPath, [CHILD, command, project, ...actions], { env: process.env });
  let stdout = "";
  let stderr = "";
  let wrote: () => void = () => {};
  const firstWrite = new Promise<void>((resolve) => (wrote = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    if (stdout.includes("wrote ")) wrote();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const done = new Promise<ChildRun>((resolve) => child.on("close", (_code, signal) => resolve({ lines: stdout.split("\n").filter((line) => line !== ""), signal, stderr })));
  return { done, kill: () => child.kill("SIGKILL"), firstWrite };
}

/** Starts the compiled CLI; resolves with its exit code and output when it ends. */
export function startCli(args: readonly string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../dist/cli/bin.js");
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: process.env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}
