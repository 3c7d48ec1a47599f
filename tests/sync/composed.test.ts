import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { SyncReport } from "../../src/model.js";
import { runCli, snapshotTree } from "../helpers.js";
import { builtTree, COMBINED } from "./composed-fixture.js";

/*
 * The combined output of the docs-tree fixture, by line: 1-2 the wrapper's opening line and a blank,
 * 3-6 docs/handwritten/QUICKSTART.md, 7-8 blank, 9-26 getting-started, 27 blank, 28-54 tasks,
 * 55 blank, 56-64 plugins, 65 blank, 66-70 docs/handwritten/FAQ.md, 71-72 blank, 73 </TERN_DOCS>.
 */

/** Replaces one exact piece of the combined output and returns its new text. */
function editCombined(project: string, from: string, to: string): string {
  const file = path.join(project, COMBINED);
  const text = readFileSync(file, "utf8");
  expect(text.includes(from)).toBe(true);
  const edited = text.replace(from, to);
  writeFileSync(file, edited);
  return edited;
}

async function check(project: string): Promise<{ code: number; report: SyncReport }> {
  const run = await runCli(["sync-check", "--format", "json", "--profile", "combined"], { cwd: project });
  return { code: run.code, report: JSON.parse(run.stdout) as SyncReport };
}

/** `build` refuses, and writes nothing at all. */
async function expectBuildRefuses(project: string): Promise<void> {
  const before = snapshotTree(project);
  const run = await runCli(["build"], { cwd: project });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`llmsgen: nothing written: ${COMBINED} holds hand-written text a build would destroy`);
  expect(snapshotTree(project)).toEqual(before);
}

describe("sync-check of a composed output", () => {
  it("is clean after a build, though the per-folder outputs end without a newline", async () => {
    const project = await builtTree();
    const run = await runCli(["sync-check"], { cwd: project });
    expect(run).toEqual({ code: 0, stdout: "sync-check: clean: 5 outputs match what a build writes\n", stderr: "" });
  });

  it("reports an edited hand-maintained part as edited, naming the file, with its diff at the composed lines", async () => {
    const project = await builtTree();
    editCombined(project, "run a task. The sections", "run one task. The sections");

    const { code, report } = await check(project);

    expect(code).toBe(1);
    expect(report.files[0]?.findings).toEqual([
      {
        kind: "edited",
        file: COMBINED,
        line: 5,
        message:
          "the hand-maintained part docs/handwritten/QUICKSTART.md was edited here since the last build: keep the edit with llmsgen sync --adopt (it is written back into docs/handwritten/QUICKSTART.md), or discard it with llmsgen build --force",
        diff: [
          `--- ${COMBINED}\tbuild`,
          `+++ ${COMBINED}\tfile`,
          "@@ -3,4 +3,4 @@",
          " # tern in two minutes",
          " ",
          "-Install it, write a ternfile, run a task. The sections below are generated from the docs tree;",
          "+Install it, write a ternfile, run one task. The sections below are generated from the docs tree;",
          " this page and the FAQ at the end are kept by hand.",
          "",
        ].join("\n"),
        part: { file: "docs/handwritten/QUICKSTART.md" },
      },
    ]);
    await expectBuildRefuses(project);
  });

  it("reports a changed profile part as that profile's own findings, at the composed file's lines", async () => {
    const project = await builtTree();
    // An edit inside <SHELL> of the tasks part, and a section written by hand into the plugins part.
    editCombined(project, "for example `shell: bash`.", "for example `shell: zsh`.");
    editCombined(project, "</HOOKS>\n", "</HOOKS>\n\n<PUBLISHING>\nPublish a plugin to npm under the tern-plugin- prefix.\n</PUBLISHING>\n");

    const { report } = await check(project);
    const findings = report.files[0]?.findings ?? [];

    expect(findings.map(({ kind, tag, line, part }) => ({ kind, tag, line, part }))).toEqual([
      { kind: "edited", tag: "SHELL", line: 50, part: { profile: "tasks" } },
      { kind: "unbacked", tag: "PUBLISHING", line: 66, part: { profile: "plugins" } },
    ]);
    expect(findings[0]?.message).toBe("part tasks: <SHELL> was edited by hand since the last build: keep the edit with llmsgen sync --adopt, or discard it with llmsgen build --force");
    expect(findings[0]?.diff).toBe(
      [`--- ${COMBINED}\tbuild`, `+++ ${COMBINED}\tfile`, "@@ -50,3 +50,3 @@", " <SHELL>", "-Each command runs in `sh -c`. A task's `shell:` key picks another, for example `shell: bash`.", "+Each command runs in `sh -c`. A task's `shell:` key picks another, for example `shell: zsh`.", " </SHELL>", ""].join("\n"),
    );
    expect(findings[1]?.diff).toBe(
      [`--- ${COMBINED}\tbuild`, `+++ ${COMBINED}\tfile`, "@@ -65,0 +66,3 @@", "+<PUBLISHING>", "+Publish a plugin to npm under the tern-plugin- prefix.", "+</PUBLISHING>", ""].join("\n"),
    );
    await expectBuildRefuses(project);
  });

  it("reports the wrapper's attributes, the text between parts and the final newline as stray", async () => {
    const project = await builtTree();
    editCombined(project, 'version="2.4.1"', 'version="2.5.0"');
    editCombined(project, "</GETTING_STARTED>\n\n<TERN_TASKS>", "</GETTING_STARTED>\n\nSee also the tasks below.\n\n<TERN_TASKS>");
    editCombined(project, "</TERN_DOCS>\n", "</TERN_DOCS>");

    const { report } = await check(project);
    const findings = report.files[0]?.findings ?? [];

    expect(findings.map(({ kind, line, part }) => ({ kind, line, part }))).toEqual([
      { kind: "stray", line: 1, part: undefined },
      { kind: "stray", line: 28, part: undefined },
      { kind: "stray", line: 75, part: undefined },
    ]);
    expect(findings.map((finding) => finding.message)).toEqual([
      "the wrapper's opening line or the preamble differs from what a build writes: they come from the profile (wrapper, attributes, preamble), so change it there by hand, or undo the edit",
      "the text between the parts profile getting-started and profile tasks differs from what a build writes (one blank line joins two parts): move it into a part, or remove it",
      "the file does not end with a newline, as a build writes it",
    ]);
    await expectBuildRefuses(project);
  });

  it("a part's own preamble and final newline are judged as in its own output", async () => {
    const project = await builtTree();
    editCombined(project, "How tern tasks are defined, ordered and cached.", "How tern tasks are defined and cached.");

    const { report } = await check(project);

    expect(report.files[0]?.findings.map(({ kind, line, part, message }) => ({ kind, line, part, message }))).toEqual([
      { kind: "stray", line: 30, part: { profile: "tasks" }, message: "part tasks: text outside any section differs from what a build writes: put it inside a section, or remove it" },
    ]);
  });

  it("rebuilds without asking when only a hand-maintained file changed since the last build", async () => {
    const project = await builtTree();
    writeFileSync(path.join(project, "docs/handwritten/FAQ.md"), "## FAQ\n\n**Is tern free?** Yes.\n");

    const { report } = await check(project);
    expect(report.files[0]?.findings.map(({ kind, line, part }) => ({ kind, line, part }))).toEqual([{ kind: "stale", line: 68, part: { file: "docs/handwritten/FAQ.md" } }]);

    const run = await runCli(["build"], { cwd: project });
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(project, COMBINED), "utf8").endsWith("## FAQ\n\n**Is tern free?** Yes.\n\n\n</TERN_DOCS>\n")).toBe(true);
  });

  it("checks another copy of the composed file with --file", async () => {
    const project = await builtTree();
    const copy = readFileSync(path.join(project, COMBINED), "utf8").replace("## FAQ", "## Questions");
    writeFileSync(path.join(project, "downloaded.txt"), copy);

    const run = await runCli(["sync-check", "--profile", "combined", "--file", "downloaded.txt", "--format", "github"], { cwd: project });

    expect(run.code).toBe(1);
    expect(run.stdout.startsWith("::error file=downloaded.txt,line=66,endLine=69,title=llmsgen edited::the hand-maintained part docs/handwritten/FAQ.md was edited here")).toBe(true);
  });

  it("refuses a manifest whose part records are not what a build writes, as bad input", async () => {
    const project = await builtTree();
    const lock = path.join(project, "public/llm/llmsgen.lock.json");
    writeFileSync(lock, readFileSync(lock, "utf8").replace('"parts": [', '"parts": [7, '));

    const run = await runCli(["sync-check"], { cwd: project });

    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: "public/llm/llmsgen.lock.json: not a valid llmsgen manifest (unexpected shape): restore it from version control, or delete it (sync-check then reports drift instead of edits)\n",
    });
  });

  it("reports a file rewritten wholesale as one stray finding, not a cascade", async () => {
    const project = await builtTree();
    writeFileSync(path.join(project, COMBINED), Array.from({ length: 200_000 }, (_, index) => `line ${index}`).join("\n"));

    const { report } = await check(project);

    expect(report.files[0]?.findings).toEqual([
      {
        kind: "stray",
        file: COMBINED,
        line: 1,
        message: "the file differs from what a build writes in too many lines (more than 2000, or fewer in a file this large) to attribute each change to a part: restore it from version control, or rebuild it with llmsgen build --force",
      },
    ]);
    await expectBuildRefuses(project);
  });
});
