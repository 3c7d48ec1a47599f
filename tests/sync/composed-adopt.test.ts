import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, snapshotTree, writeFiles } from "../helpers.js";
import { builtTree, COMBINED } from "./composed-fixture.js";

function edit(project: string, file: string, from: string, to: string): string {
  const full = path.join(project, file);
  const text = readFileSync(full, "utf8");
  expect(text.includes(from)).toBe(true);
  const edited = text.replace(from, to);
  writeFileSync(full, edited);
  return edited;
}

/** After adopt: build reproduces the hand-edited composed file byte for byte, and sync-check is clean. */
async function expectRoundTrip(project: string, edited: string): Promise<void> {
  const build = await runCli(["build"], { cwd: project });
  expect({ code: build.code, stderr: build.stderr }).toEqual({ code: 0, stderr: "" });
  expect(readFileSync(path.join(project, COMBINED), "utf8")).toBe(edited);
  expect(await runCli(["sync-check"], { cwd: project })).toEqual({ code: 0, stdout: "sync-check: clean: 5 outputs match what a build writes\n", stderr: "" });
}

describe("sync --adopt of a composed output", () => {
  it("writes an edited hand-maintained part back into its file byte for byte, and an edited profile part into its atom", async () => {
    const project = await builtTree();
    edit(project, COMBINED, "kept by hand.\n", "kept by hand.\n\nEverything else is generated: edit the atoms, not this file.\n");
    const edited = edit(project, COMBINED, "stops at the first one that fails.", "stops at the first command that fails.");

    const run = await runCli(["sync", "--adopt"], { cwd: project });

    expect(run).toEqual({
      code: 0,
      stdout: [
        `updated docs/handwritten/QUICKSTART.md: hand-maintained part, as edited in ${COMBINED}:7`,
        `updated docs/topics/01-getting-started/03-first-run--run.md: text of <FIRST_RUN> from ${COMBINED}:22`,
        "also changes public/llm/getting-started.txt on the next build",
        "also changes public/llm/llms.txt on the next build",
        "next: llmsgen build, then llmsgen sync-check",
        "",
      ].join("\n"),
      stderr: "",
    });
    expect(readFileSync(path.join(project, "docs/handwritten/QUICKSTART.md"), "utf8")).toBe(
      "# tern in two minutes\n\nInstall it, write a ternfile, run a task. The sections below are generated from the docs tree;\nthis page and the FAQ at the end are kept by hand.\n\nEverything else is generated: edit the atoms, not this file.\n",
    );
    expect(readFileSync(path.join(project, "docs/topics/01-getting-started/03-first-run--run.md"), "utf8")).toContain("\n---\nRun a task by name: `tern run hello`. tern prints each command before it runs it and stops at the first command that fails.\n");
    await expectRoundTrip(project, edited);
  });

  it("turns a section written into a part without a wrapper into an atom of that profile", async () => {
    const project = await builtTree();
    const edited = edit(project, COMBINED, "</HOOKS>\n", "</HOOKS>\n\n<PUBLISHING>\nPublish a plugin to npm under the tern-plugin- prefix.\n</PUBLISHING>\n");

    const run = await runCli(["sync", "--adopt"], { cwd: project });

    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe(`created docs/topics/03-plugins/20-publishing.md: new atom for <PUBLISHING> from ${COMBINED}:66`);
    await expectRoundTrip(project, edited);
  });

  it("writes nothing and exits 1 when the wrapper or the text between parts was edited, and says what to change by hand", async () => {
    const project = await builtTree();
    edit(project, COMBINED, 'version="2.4.1"', 'version="3.0.0"');
    edit(project, COMBINED, "kept by hand.\n", "kept by hand, mostly.\n");
    const before = snapshotTree(project);

    const run = await runCli(["sync", "--adopt"], { cwd: project });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        "nothing written: adopt carries every hand edit or none, and this one cannot be carried:",
        `${COMBINED}:1: stray: the wrapper, its attributes, the preamble and the blank lines between parts come from the composed profile: change the profile by hand (or undo the edit in the file), then adopt again`,
        `    --- ${COMBINED}\tbuild`,
        `    +++ ${COMBINED}\tfile`,
        "    @@ -1,2 +1,2 @@",
        '    -<TERN_DOCS version="2.4.1" package="tern-cli" audience="agents &amp; people">',
        '    +<TERN_DOCS version="3.0.0" package="tern-cli" audience="agents &amp; people">',
        "     ",
        "",
      ].join("\n"),
    );
    expect(snapshotTree(project)).toEqual(before);
  });

  it("refuses one hand-maintained file edited differently in two composed outputs, and writes nothing", async () => {
    const project = await builtTree();
    writeFiles(project, { "docs/profiles/faq.yaml": "output: faq.txt\nparts:\n  - file: docs/handwritten/FAQ.md\n" });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    edit(project, COMBINED, "one process.", "one short process.");
    edit(project, "public/llm/faq.txt", "one process.", "one long process.");
    const before = snapshotTree(project);

    const run = await runCli(["sync", "--adopt", "--quiet"], { cwd: project });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`docs/handwritten/FAQ.md was edited differently in ${COMBINED}:68 and public/llm/faq.txt:3: make the edits agree, then adopt again`);
    expect(snapshotTree(project)).toEqual(before);
  });

  it("attributes and adopts an edit in a part of a part: a composed output inside a composed output", async () => {
    const project = await builtTree();
    writeFiles(project, { "docs/profiles/outer.yaml": "output: outer.txt\nwrapper: OUTER\nparts:\n  - profile: combined\n  - file: docs/handwritten/FAQ.md\n" });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    const edited = edit(project, "public/llm/outer.txt", "picks another, for example", "picks another one, for example");

    const check = await runCli(["sync-check", "--profile", "outer", "--format", "json"], { cwd: project });
    const findings = (JSON.parse(check.stdout) as { files: { findings: { kind: string; tag?: string; line: number; part?: unknown; message: string }[] }[] }).files[0]?.findings ?? [];
    expect(findings.map(({ kind, tag, line, part }) => ({ kind, tag, line, part }))).toEqual([{ kind: "edited", tag: "SHELL", line: 52, part: { profile: "tasks" } }]);
    expect(findings[0]?.message.startsWith("part combined: part tasks: <SHELL> was edited by hand")).toBe(true);

    expect((await runCli(["sync", "--adopt", "--profile", "outer"], { cwd: project })).code).toBe(0);
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    expect(readFileSync(path.join(project, "public/llm/outer.txt"), "utf8")).toBe(edited);
    expect((await runCli(["sync-check"], { cwd: project })).code).toBe(0);
  });
});
