import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, snapshotTree, writeFiles } from "../helpers.js";
import { smallProject } from "./small-project.js";

const SMALL_TEXT = "<SMALL>\n\n<FIRST>\nRead this first.\n\nAlpha is the first atom of this small project.\n</FIRST>\n\n<NOTES>\nBeta, briefly.\n</NOTES>\n\n</SMALL>\n";
const SHORTER_ALPHA = { "atoms/alpha.md": "---\nid: alpha\ntitle: Alpha\nbrief: Alpha, briefly.\n---\nAlpha is the first atom.\n" };

describe("build --stdout", () => {
  it("prints exactly the bytes a build writes, and writes nothing", async () => {
    const project = smallProject();
    const before = snapshotTree(project);

    expect(await runCli(["build", "--stdout", "--profile", "small"], { cwd: project })).toEqual({ code: 0, stdout: SMALL_TEXT, stderr: "" });
    expect(snapshotTree(project)).toEqual(before);
    await runCli(["build"], { cwd: project });
    expect(readFileSync(path.join(project, "out/small.txt"), "utf8")).toBe(SMALL_TEXT);
  });

  it("needs exactly one --profile, and nothing that would print more", async () => {
    const project = smallProject();

    expect(await runCli(["build", "--stdout"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: "llmsgen: --stdout prints one output: give exactly one --profile (got none)\n" });
    expect(await runCli(["build", "--stdout", "--profile", "small", "--profile", "tags"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "llmsgen: --stdout prints one output: give exactly one --profile (got small, tags)\n",
    });
    expect(await runCli(["build", "--stdout", "--profile", "small", "--check", "--json"], { cwd: project })).toEqual({
      code: 2,
      stdout: `${JSON.stringify({ ok: false, errors: [{ message: "--stdout prints the output alone: drop --check and --format json" }] }, null, 2)}\n`,
      stderr: "llmsgen: --stdout prints the output alone: drop --check and --format json\n",
    });
  });
});

describe("build --diff", () => {
  it("shows each changed output as a git-style diff, names the manifest, and writes nothing", async () => {
    const project = smallProject();
    await runCli(["build"], { cwd: project });
    writeFiles(project, SHORTER_ALPHA);
    const before = snapshotTree(project);

    expect(await runCli(["build", "--diff"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "--- a/out/small.txt",
        "+++ b/out/small.txt",
        "@@ -3,7 +3,7 @@",
        " <FIRST>",
        " Read this first.",
        " ",
        "-Alpha is the first atom of this small project.",
        "+Alpha is the first atom.",
        " </FIRST>",
        " ",
        " <NOTES>",
        "--- a/out/tags.txt",
        "+++ b/out/tags.txt",
        "@@ -1,5 +1,5 @@",
        " <ALPHA>",
        "-Alpha is the first atom of this small project.",
        "+Alpha is the first atom.",
        " </ALPHA>",
        " ",
        " <BETA>",
        "out/llmsgen.lock.json changes with them (the manifest: hashes and counts of what is built)",
        "3 files would change (nothing written; run llmsgen build to write them)",
        "",
      ].join("\n"),
    });
    expect(await runCli(["build", "--diff", "--check", "--quiet", "--profile", "tags"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        "--- a/out/tags.txt",
        "+++ b/out/tags.txt",
        "@@ -1,5 +1,5 @@",
        " <ALPHA>",
        "-Alpha is the first atom of this small project.",
        "+Alpha is the first atom.",
        " </ALPHA>",
        " ",
        " <BETA>",
        "out/llmsgen.lock.json changes with them (the manifest: hashes and counts of what is built)",
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("shows a file never built as new, and says so when nothing would change", async () => {
    const project = smallProject();

    const fresh = await runCli(["build", "--diff", "--profile", "small"], { cwd: project });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout.startsWith(`--- /dev/null\n+++ b/out/small.txt\n@@ -0,0 +1,13 @@\n${SMALL_TEXT.replace(/^/gm, "+").replace(/\+$/, "")}`)).toBe(true);

    await runCli(["build"], { cwd: project });
    expect(await runCli(["build", "--diff"], { cwd: project })).toEqual({ code: 0, stderr: "", stdout: "up to date: every output matches its atoms and profile\n" });
  });

  it("in json, carries every diff, the manifest's too", async () => {
    const project = smallProject();
    await runCli(["build"], { cwd: project });
    writeFiles(project, SHORTER_ALPHA);

    const run = await runCli(["build", "--diff", "--format", "json", "--profile", "tags"], { cwd: project });

    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as { ok: boolean; diffs: { file: string; diff: string }[] };
    expect(parsed.ok).toBe(true);
    expect(parsed.diffs.map((entry) => entry.file)).toEqual(["out/tags.txt", "out/llmsgen.lock.json"]);
    expect(parsed.diffs[0]?.diff).toBe("--- a/out/tags.txt\n+++ b/out/tags.txt\n@@ -1,5 +1,5 @@\n <ALPHA>\n-Alpha is the first atom of this small project.\n+Alpha is the first atom.\n </ALPHA>\n \n <BETA>\n");
    expect(parsed.diffs[1]?.diff).toMatch(/^--- a\/out\/llmsgen\.lock\.json\n\+\+\+ b\/out\/llmsgen\.lock\.json\n@@ /);
    expect(await runCli(["build", "--diff", "--format", "github"], { cwd: project })).toEqual({
      code: 2,
      stdout: "::error title=llmsgen bad input::--diff prints diffs as text or JSON: drop --format github, or use --check for annotations\n",
      stderr: "llmsgen: --diff prints diffs as text or JSON: drop --format github, or use --check for annotations\n",
    });
  });
});
