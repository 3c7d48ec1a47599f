import { mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeProject, runCli, snapshotTree, writeFiles } from "../helpers.js";
import { atomsAt, PROFILES } from "../fault/tidepools.js";

async function builtProject(): Promise<string> {
  const root = makeProject({ ...PROFILES, ...atomsAt(1) });
  expect((await runCli(["build", "-q"], { cwd: root })).code).toBe(0);
  writeFiles(root, atomsAt(2));
  return root;
}

describe("the lock dir out/.llmsgen", () => {
  it("a link there: exit 2 naming it, nothing written or removed where it points, nothing written in the project", async () => {
    const root = await builtProject();
    const victim = makeProject({ "break/important.txt": "DATA\n", "keep.txt": "kept\n" });
    symlinkSync(victim, path.join(root, "out/.llmsgen"));
    const before = snapshotTree(root);

    const run = await runCli(["build", "-q"], { cwd: root });

    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: `out/.llmsgen: a symbolic link to ${victim} stands on the way to out/.llmsgen/lock, and llmsgen never writes through a link under the root: replace it with a real directory, or remove it\n`,
    });
    expect(snapshotTree(victim)).toEqual({ "break/important.txt": "DATA\n", "keep.txt": "kept\n" });
    expect(snapshotTree(root)).toEqual(before);
  });

  it("what a user put in a real out/.llmsgen (a .gitignore, a break/ folder) stays after a build", async () => {
    const root = await builtProject();
    writeFiles(root, { "out/.llmsgen/.gitignore": "# mine\n", "out/.llmsgen/break/notes.txt": "mine too\n" });

    const run = await runCli(["build", "-q"], { cwd: root });

    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
    const tree = snapshotTree(path.join(root, "out/.llmsgen"));
    expect(tree).toEqual({ ".gitignore": "# mine\n", "break/notes.txt": "mine too\n" });
  });

  it("a stale lock beside an old break/ folder a user filled: exit 2 naming the folder, which is never removed with its content", async () => {
    const root = await builtProject();
    mkdirSync(path.join(root, "out/.llmsgen/break"), { recursive: true });
    writeFileSync(path.join(root, "out/.llmsgen/break/notes.txt"), "mine\n");
    utimesSync(path.join(root, "out/.llmsgen/break"), new Date("2020-01-01"), new Date("2020-01-01"));
    writeFileSync(path.join(root, "out/.llmsgen/lock"), `${JSON.stringify({ pid: 999999999, host: os.hostname(), since: "2020-01-01T00:00:00.000Z", token: "t" })}\n`);

    const run = await runCli(["build", "-q"], { cwd: root });

    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: "out/.llmsgen/break: llmsgen takes over a stale lock through this name, and found something it did not make here: move it away, then run the command again\n",
    });
    expect(readFileSync(path.join(root, "out/.llmsgen/break/notes.txt"), "utf8")).toBe("mine\n");
  });
});
