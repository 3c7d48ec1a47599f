import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeProject, runCli } from "../helpers.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** Runs a command to completion; npm's own chatter is kept for the failure message. */
function run(command: string, args: readonly string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false", NO_COLOR: "1" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function filesBelow(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesBelow(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

describe("the npm package", () => {
  it("runs from a clone's sources, packs with its prepack build, installs into an empty folder, and runs there", async () => {
    // Pack a copy of the sources (with this checkout's node_modules for tsc), so the prepack build never touches the dist/ other tests run.
    const work = makeProject({});
    const source = path.join(work, "source");
    mkdirSync(source);
    for (const entry of ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "README.md", "LICENSE", "bin", "src"]) {
      cpSync(path.join(REPO, entry), path.join(source, entry), { recursive: true });
    }
    symlinkSync(path.join(REPO, "node_modules"), path.join(source, "node_modules"), "dir");

    // A clone has no dist/ until the command first runs: the launcher compiles it then, once.
    const version = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;
    expect(run(process.execPath, ["bin/llmsgen.js", "--version"], source)).toEqual({
      status: 0,
      stdout: `${version}\n`,
      stderr: "llmsgen: compiling the TypeScript sources into dist/ (missing or older than src/)\n",
    });
    expect(run(process.execPath, ["bin/llmsgen.js", "--version"], source)).toEqual({ status: 0, stdout: `${version}\n`, stderr: "" });

    const pack = run("npm", ["pack", "--json", "--pack-destination", work], source);
    expect(pack.status, pack.stderr).toBe(0);
    const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = (packed?.files ?? []).map((file) => file.path).sort();
    const compiled = filesBelow(path.join(source, "dist")).map((file) => `dist/${file}`);
    expect(files).toEqual(["LICENSE", "README.md", "bin/llmsgen.js", ...compiled, "package.json"].sort());
    expect(compiled).toEqual(expect.arrayContaining(["dist/index.js", "dist/index.d.ts", "dist/cli/bin.js", "dist/pack/count-worker.js"]));

    // Type declarations speak only of what ships: no pointer to documents that stay in the repository.
    const outside = compiled
      .filter((file) => file.endsWith(".d.ts"))
      .flatMap((file) => readFileSync(path.join(source, file), "utf8").split("\n").map((line, index) => ({ file, line: index + 1, text: line })))
      .filter(({ text }) => /\bSPEC\b|\bSTYLE\b|shared\//.test(text));
    expect(outside).toEqual([]);

    const manifest = JSON.parse(readFileSync(path.join(source, "package.json"), "utf8")) as { scripts: Record<string, string>; license: string; repository?: { url?: string } };
    expect(manifest.scripts.prepare).toBeUndefined();
    expect(manifest.license).toBe("MIT");
    expect(readFileSync(path.join(source, "LICENSE"), "utf8").split("\n")[0]).toBe("MIT License");
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\//);

    const app = path.join(work, "app");
    mkdirSync(app);
    writeFileSync(path.join(app, "package.json"), '{ "name": "app", "version": "1.0.0", "private": true }\n');
    const install = run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(work, packed?.filename ?? "")], app);
    expect(install.status, install.stderr).toBe(0);
    expect(existsSync(path.join(app, "node_modules/llmsgen/src"))).toBe(false);

    const help = run("npx", ["--no-install", "llmsgen", "--help"], app);
    const inProcess = await runCli(["--help"], { cwd: app });
    expect(help).toEqual({ status: 0, stdout: inProcess.stdout, stderr: "" });

    const init = run("npx", ["--no-install", "llmsgen", "init"], app);
    expect({ status: init.status, stderr: init.stderr }).toEqual({ status: 0, stderr: "" });
    const check = run("npx", ["--no-install", "llmsgen", "sync-check"], app);
    expect(check).toEqual({ status: 0, stdout: "sync-check: clean: 1 output matches what a build writes\n", stderr: "" });
  }, 180_000);
});
