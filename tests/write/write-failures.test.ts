import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { WriteFault } from "../../src/model.js";
import { makeProject, runCli, snapshotTree, writeFiles } from "../helpers.js";
import { atomsAt, PROFILES } from "../fault/tidepools.js";

/** A built project whose atoms then changed: the next build writes the pending manifest, three outputs, the final manifest. */
async function changedProject(): Promise<string> {
  const root = makeProject({ ...PROFILES, ...atomsAt(1) });
  expect((await runCli(["build", "-q"], { cwd: root })).code).toBe(0);
  writeFiles(root, atomsAt(2));
  return root;
}

/** A file-system error as node throws it. */
function fsError(code: string, syscall: string): Error {
  return Object.assign(new Error(`${code}: injected, ${syscall}`), { code, syscall });
}

/** Fails the given step for the file whose path ends with `suffix`. */
function failAt(step: "temp" | "rename", suffix: string, code: string): WriteFault {
  return (at, file) => {
    if (at === step && file.endsWith(suffix)) throw fsError(code, step === "temp" ? "write" : "rename");
  };
}

const noTemps = (tree: Record<string, string>) => Object.keys(tree).filter((file) => file.endsWith(".tmp"));

describe("a write the file system refuses", () => {
  it("no space for one output's temp file: exit 2 with a clear message, and no output, manifest or cache changed", async () => {
    const root = await changedProject();
    const before = snapshotTree(root);

    const run = await runCli(["build", "-q"], { cwd: root, fault: failAt("temp", "topics/all.txt", "ENOSPC") });

    expect(run).toEqual({ code: 2, stdout: "", stderr: "llmsgen: no space left on device (ENOSPC) writing out/topics/all.txt: free space and run again; nothing was changed\n" });
    expect(snapshotTree(root)).toEqual(before);
    expect(existsSync(path.join(root, "out/.llmsgen"))).toBe(false);
  });

  it("a first build that fails for space leaves no out dir, and no empty out/topics, behind", async () => {
    const root = makeProject({ ...PROFILES, ...atomsAt(1) });

    const run = await runCli(["build", "-q", "--no-cache"], { cwd: root, fault: failAt("temp", "out/llms.txt", "ENOSPC") });

    expect(run).toEqual({ code: 2, stdout: "", stderr: "llmsgen: no space left on device (ENOSPC) writing out/llms.txt: free space and run again; nothing was changed\n" });
    expect(existsSync(path.join(root, "out"))).toBe(false);
  });

  it.each([
    ["EDQUOT", "disk quota exceeded (EDQUOT) writing out/llms.txt: free space (or raise the quota) and run again"],
    ["EROFS", "read-only file system (EROFS) writing out/llms.txt: make it writable and run again"],
    ["EACCES", "permission denied (EACCES) writing out/llms.txt: change the permissions and run again"],
    ["EPERM", "operation not permitted (EPERM) writing out/llms.txt: check the file's permissions and attributes (an immutable file: chattr -i) and run again"],
  ])("%s writing a temp file: exit 2, nothing changed", async (code, message) => {
    const root = await changedProject();
    const before = snapshotTree(root);

    const run = await runCli(["build", "-q"], { cwd: root, fault: failAt("temp", "out/llms.txt", code) });

    expect(run).toEqual({ code: 2, stdout: "", stderr: `llmsgen: ${message}; nothing was changed\n` });
    expect(snapshotTree(root)).toEqual(before);
  });

  it("a rename refused after other files were renamed: exit 2 saying so, the pending manifest left, and the next build recovers", async () => {
    const root = await changedProject();
    const clean = makeProject({ ...PROFILES, ...atomsAt(2) });
    expect((await runCli(["build", "-q", "--no-cache"], { cwd: clean })).code).toBe(0);

    const run = await runCli(["build", "-q"], { cwd: root, fault: failAt("rename", "topics/all.txt", "EPERM") });

    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "llmsgen: operation not permitted (EPERM) writing out/topics/all.txt: check the file's permissions and attributes (an immutable file: chattr -i) and run again; " +
        "out/llmsgen.lock.json, out/tidepool-guide.txt, out/llms.txt had already been written, and the manifest records the outputs being written as pending, so the next build finds which were written and writes the rest\n",
    });
    const tree = snapshotTree(root);
    expect(noTemps(tree)).toEqual([]);
    expect(Object.keys(JSON.parse(tree["out/llmsgen.lock.json"] ?? "{}") as object)).toContain("pending");
    expect(existsSync(path.join(root, "out/.llmsgen"))).toBe(false);

    expect((await runCli(["build", "-q"], { cwd: root })).code).toBe(0);
    const out = (dir: string) => Object.fromEntries(Object.entries(snapshotTree(path.join(dir, "out"))));
    expect(out(root)).toEqual(out(clean));
  });

  it("an immutable output (chattr +i): exit 2 naming it, no temp file left, and after chattr -i the next build recovers", async (context) => {
    const root = await changedProject();
    const output = path.join(root, "out/topics/all.txt");
    if (spawnSync("chattr", ["+i", output]).status !== 0) return context.skip();
    let run;
    try {
      run = await runCli(["build", "-q"], { cwd: root });
    } finally {
      spawnSync("chattr", ["-i", output]);
    }

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^llmsgen: operation not permitted \(EPERM\) writing out\/topics\/all\.txt: .*; out\/llmsgen\.lock\.json, out\/tidepool-guide\.txt, out\/llms\.txt had already been written, and the manifest records/);
    expect(noTemps(snapshotTree(root))).toEqual([]);
    expect(readFileSync(output, "utf8")).toContain("(edition 1)");
    expect(await runCli(["build", "-q"], { cwd: root })).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(output, "utf8")).toContain("(edition 2)");
  });

  describe("in sync --adopt", () => {
    /** A built project whose guide holds a hand-written section and a hand-edited atom text. */
    async function handEdited(): Promise<{ root: string; edited: string }> {
      const root = makeProject({ ...PROFILES, ...atomsAt(1) });
      expect((await runCli(["build", "-q"], { cwd: root })).code).toBe(0);
      const file = path.join(root, "out/tidepool-guide.txt");
      const edited = readFileSync(file, "utf8")
        .replace("Turn a stone toward you", "Turn a stone slowly toward you")
        .replace("</TIDEPOOL_GUIDE>", "<HAND_WRITTEN>\nWritten by hand: bring a jar of sea water for a closer look.\n</HAND_WRITTEN>\n\n</TIDEPOOL_GUIDE>");
      writeFileSync(file, edited);
      return { root, edited };
    }

    it("no space for a temp file: exit 2, nothing changed", async () => {
      const { root } = await handEdited();
      const before = snapshotTree(root);

      const run = await runCli(["sync", "--adopt", "-q"], { cwd: root, fault: failAt("temp", "profiles/guide.yaml", "ENOSPC") });

      expect(run).toEqual({ code: 2, stdout: "", stderr: "llmsgen: no space left on device (ENOSPC) writing profiles/guide.yaml: free space and run again; nothing was changed\n" });
      expect(snapshotTree(root)).toEqual(before);
    });

    it("a rename refused among its renames: exit 2, the journal kept, and the next build finishes the adoption", async () => {
      const { root, edited } = await handEdited();

      const run = await runCli(["sync", "--adopt", "-q"], { cwd: root, fault: failAt("rename", "profiles/guide.yaml", "EROFS") });

      expect(run).toEqual({
        code: 2,
        stdout: "",
        stderr:
          "llmsgen: read-only file system (EROFS) writing profiles/guide.yaml: make it writable and run again; atoms/life/crabs.md, atoms/life/hand-written.md had already been written, " +
          "and the next llmsgen command that writes finishes the rest from out/.llmsgen/journal.json\n",
      });
      expect(existsSync(path.join(root, "out/.llmsgen/journal.json"))).toBe(true);
      expect(existsSync(path.join(root, "out/.llmsgen/lock"))).toBe(false);

      const next = await runCli(["build", "-q"], { cwd: root });
      expect(next).toEqual({ code: 0, stdout: "", stderr: "llmsgen: warning: finished the writes a killed run had begun: profiles/guide.yaml\n" });
      expect(readFileSync(path.join(root, "out/tidepool-guide.txt"), "utf8")).toBe(edited);
      expect(noTemps(snapshotTree(root))).toEqual([]);
    });
  });
});
