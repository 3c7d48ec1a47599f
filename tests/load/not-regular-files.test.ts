import { execFileSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { atom, makeProject, runCli, snapshotTree } from "../helpers.js";

const ATOM = atom({ id: "a", title: "A", brief: "B." }, "Text.");
const PROFILE = "output: a.txt\nsections:\n  - tag: A\n    atoms: [a]\n";

function mkfifo(file: string): void {
  execFileSync("mkfifo", [file]);
}

describe("a FIFO where llmsgen reads is never opened (it would block forever)", () => {
  it("at a cache file: build and sync-check warn, ignore it, and finish", async () => {
    const root = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE });
    expect((await runCli(["build", "-q"], { cwd: root })).code).toBe(0);
    const cacheFiles = readdirSync(path.join(root, ".llmsgen-cache")).filter((name) => name.endsWith(".json"));
    expect(cacheFiles.length).toBeGreaterThan(0);
    for (const name of cacheFiles) {
      rmSync(path.join(root, ".llmsgen-cache", name));
      mkfifo(path.join(root, ".llmsgen-cache", name));
    }

    const check = await runCli(["sync-check", "-q"], { cwd: root });
    const build = await runCli(["build", "-q"], { cwd: root });

    const warnings = cacheFiles.map((name) => `llmsgen: warning: .llmsgen-cache/${name}: not a regular file, so not a cache file llmsgen wrote; ignoring it\n`);
    expect(check.code).toBe(0);
    expect(build.code).toBe(0);
    for (const warning of warnings) expect(build.stderr).toContain(warning);
  });

  it("an atom file that is a FIFO: exit 2 naming it, nothing written", async () => {
    const root = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE });
    mkfifo(path.join(root, "atoms/fifo.md"));
    const before = snapshotTree(root, { skipSpecial: true });

    const run = await runCli(["build"], { cwd: root });

    expect(run).toEqual({ code: 2, stdout: "", stderr: "atoms/fifo.md: not a regular file (a FIFO): llmsgen reads only regular files here: remove it, or put a file in its place\n" });
    expect(snapshotTree(root, { skipSpecial: true })).toEqual(before);
  });

  it("a package.json that is a FIFO, where the config search and a wrapper attribute read: exit 2 naming it, never a hang", async () => {
    const profile = `wrapper: DOCS\nattributes:\n  version: "\${package.version}"\n${PROFILE}`;
    const root = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": profile });
    mkfifo(path.join(root, "package.json"));
    const before = snapshotTree(root, { skipSpecial: true });

    // The config search looks at package.json first; without it, the attribute's reader does.
    const run = await runCli(["build"], { cwd: root });
    const withoutConfig = await runCli(["build", "--no-config"], { cwd: root });

    expect(run).toEqual({ code: 2, stdout: "", stderr: "package.json: not a regular file (a FIFO): llmsgen reads only regular files here: remove it, or put a file in its place\n" });
    expect(withoutConfig.code).toBe(2);
    expect(withoutConfig.stderr).toContain("package.json is not a regular file (a FIFO)");
    expect(snapshotTree(root, { skipSpecial: true })).toEqual(before);
  });

  it("a profile that is a FIFO: exit 2 naming it", async () => {
    const root = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE });
    mkfifo(path.join(root, "profiles/q.yaml"));

    const run = await runCli(["build"], { cwd: root });

    expect(run).toEqual({ code: 2, stdout: "", stderr: "profiles/q.yaml: not a regular file (a FIFO): llmsgen reads only regular files here: remove it, or put a file in its place\n" });
  });

  it("the manifest a FIFO: exit 2 naming it", async () => {
    const root = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE });
    execFileSync("mkdir", [path.join(root, "out")]);
    mkfifo(path.join(root, "out/llmsgen.lock.json"));

    const run = await runCli(["sync-check"], { cwd: root });

    expect(run).toEqual({ code: 2, stdout: "", stderr: "out/llmsgen.lock.json: not a regular file (a FIFO): llmsgen reads only regular files here: remove it, or put a file in its place\n" });
  });

  it("sync-check --file naming a FIFO: exit 2 naming it, never a hang", async () => {
    const root = makeProject({ "atoms/a.md": ATOM, "profiles/p.yaml": PROFILE });
    mkfifo(path.join(root, "copy.txt"));

    const run = await runCli(["sync-check", "--profile", "p", "--file", "copy.txt"], { cwd: root });

    expect(run).toEqual({ code: 2, stdout: "", stderr: "llmsgen: copy.txt: something other than a regular file (a FIFO) stands where an output goes: move it away\n" });
  });
});
