import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeProject, runCli, snapshotTree, writeFiles } from "../helpers.js";
import { SMALL_ATOMS, SMALL_PROFILE, smallProject, under } from "./small-project.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const ALPHA_LONGER = { "atoms/alpha.md": "---\nid: alpha\ntitle: Alpha\nbrief: Alpha, briefly.\n---\nAlpha is the first atom of this small project, now longer.\n" };

describe("--quiet prints only problems", () => {
  it("build: nothing when it writes; --check: only the files that would change, one a line", async () => {
    const project = smallProject();

    expect(await runCli(["build", "--quiet"], { cwd: project })).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(await runCli(["build", "--check", "-q"], { cwd: project })).toEqual({ code: 0, stdout: "", stderr: "" });
    writeFiles(project, ALPHA_LONGER);
    expect(await runCli(["build", "--check", "-q"], { cwd: project })).toEqual({ code: 1, stdout: "out/small.txt\nout/tags.txt\nout/llmsgen.lock.json\n", stderr: "" });
  });

  it("sync-check: nothing when clean; the findings alone, without the count, when not", async () => {
    const project = smallProject();
    await runCli(["build", "--profile", "tags"], { cwd: project });

    expect(await runCli(["sync-check", "--profile", "tags", "-q"], { cwd: project })).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(await runCli(["sync-check", "--profile", "tags", "--json"], { cwd: project })).toEqual({
      code: 0,
      stdout: json({ ok: true, files: [{ file: "out/tags.txt", profile: "tags", findings: [] }] }),
      stderr: "",
    });
    writeFileSync(path.join(project, "out/tags.txt"), readFileSync(path.join(project, "out/tags.txt"), "utf8").replace("least important", "most important"));
    expect(await runCli(["sync-check", "--profile", "tags", "-q"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        "out/tags.txt:9: edited GAMMA: <GAMMA> was edited by hand since the last build: keep the edit with llmsgen sync --adopt, or discard it with llmsgen build --force",
        "    --- out/tags.txt\tbuild",
        "    +++ out/tags.txt\tfile",
        "    @@ -9,3 +9,3 @@",
        "     <GAMMA>",
        "    -Gamma is the least important atom here.",
        "    +Gamma is the most important atom here.",
        "     </GAMMA>",
        "",
      ].join("\n"),
    });
  });
});

describe("lint in every format", () => {
  const LINTED = { "atoms/delta.md": "---\nid: delta\ntitle: Delta\nbrief: Delta, briefly.\nrelated: [nope]\n---\nDelta text.\n<OOPS>\nmore.\n" };
  const WARNING = "related atom 'nope' does not exist: fix the id or remove it from related";
  const ERROR = "line '<OOPS>' would read as a section tag in every output: indent it, or put it inside a code fence";

  it("text lists errors and warnings with a count; --quiet keeps the errors alone", async () => {
    const project = makeProject({ ...under("atoms", SMALL_ATOMS), "profiles/small.yaml": SMALL_PROFILE, ...LINTED });

    expect(await runCli(["lint"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: `atoms/delta.md:5: warning: ${WARNING}\natoms/delta.md:8: error: ${ERROR}\nlint: 1 error, 1 warning\n`,
    });
    expect(await runCli(["lint", "--quiet"], { cwd: project })).toEqual({ code: 1, stderr: "", stdout: `atoms/delta.md:8: error: ${ERROR}\n` });
  });

  it("json is one object with each issue's severity and the counts; --json is the same", async () => {
    const project = makeProject({ ...under("atoms", SMALL_ATOMS), "profiles/small.yaml": SMALL_PROFILE, ...LINTED });
    const expected = json({
      ok: false,
      issues: [
        { file: "atoms/delta.md", line: 5, severity: "warning", message: WARNING },
        { file: "atoms/delta.md", line: 8, severity: "error", message: ERROR },
      ],
      summary: { errors: 1, warnings: 1 },
    });

    expect(await runCli(["lint", "--format", "json"], { cwd: project })).toEqual({ code: 1, stderr: "", stdout: expected });
    expect(await runCli(["lint", "--json", "--quiet"], { cwd: project })).toEqual({ code: 1, stderr: "", stdout: expected });
  });

  it("github prints ::warning and ::error annotations with line, endLine and title", async () => {
    const project = makeProject({ ...under("atoms", SMALL_ATOMS), "profiles/small.yaml": SMALL_PROFILE, ...LINTED });

    expect(await runCli(["lint", "--format", "github"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout:
        `::warning file=atoms/delta.md,line=5,endLine=5,title=llmsgen lint warning::${WARNING}\n` +
        `::error file=atoms/delta.md,line=8,endLine=8,title=llmsgen lint error::${ERROR}\n`,
    });
  });

  it("a clean project: the count in text, nothing in github, ok in json", async () => {
    const project = smallProject();

    expect(await runCli(["lint"], { cwd: project })).toEqual({ code: 0, stderr: "", stdout: "lint: 0 errors, 0 warnings\n" });
    expect(await runCli(["lint", "--format", "github"], { cwd: project })).toEqual({ code: 0, stderr: "", stdout: "" });
    expect(await runCli(["lint", "--json"], { cwd: project })).toEqual({ code: 0, stderr: "", stdout: json({ ok: true, issues: [], summary: { errors: 0, warnings: 0 } }) });
  });
});

describe("build in the machine formats", () => {
  it("a usage error at a flag has no file: annotated with the flag in the message", async () => {
    const project = smallProject();
    expect(await runCli(["build", "--format", "github", "--profile", "nope"], { cwd: project })).toEqual({
      code: 2,
      stderr: "--profile nope: no profile named 'nope' in profiles; available: small, tags\n",
      stdout: "::error title=llmsgen::--profile nope: no profile named 'nope' in profiles; available: small, tags\n",
    });
  });

  it("--check --format github annotates each file that would change", async () => {
    const project = smallProject();
    await runCli(["build"], { cwd: project });
    writeFiles(project, ALPHA_LONGER);

    const annotation = (file: string) => `::error file=${file},title=llmsgen build --check::${file} is not what a build writes now: run llmsgen build and commit the result\n`;
    expect(await runCli(["build", "--check", "--format", "github"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: annotation("out/small.txt") + annotation("out/tags.txt") + annotation("out/llmsgen.lock.json"),
    });
    expect(await runCli(["build", "--format", "github"], { cwd: project })).toEqual({ code: 0, stderr: "", stdout: "" });
  });

  it("a refusal: ok false with the findings in json, an annotation per finding in github, the refusal on stderr", async () => {
    const project = smallProject();
    await runCli(["build", "--profile", "tags"], { cwd: project });
    const file = path.join(project, "out/tags.txt");
    writeFileSync(file, readFileSync(file, "utf8").replace("least important", "most important"));
    const before = snapshotTree(project);

    const asJson = await runCli(["build", "--profile", "tags", "--format", "json"], { cwd: project });
    expect(asJson.code).toBe(1);
    expect(asJson.stderr.split("\n")[0]).toBe("llmsgen: nothing written: out/tags.txt holds hand-written text a build would destroy (GAMMA)");
    const parsed = JSON.parse(asJson.stdout) as { ok: boolean; refused: { file: string; findings: { kind: string; tag: string; line: number }[] }[]; written: boolean };
    expect({ ok: parsed.ok, written: parsed.written, refused: parsed.refused.map((check) => ({ file: check.file, findings: check.findings.map(({ kind, tag, line }) => ({ kind, tag, line })) })) }).toEqual({
      ok: false,
      written: false,
      refused: [{ file: "out/tags.txt", findings: [{ kind: "edited", tag: "GAMMA", line: 9 }] }],
    });

    const asGithub = await runCli(["build", "--profile", "tags", "--format", "github"], { cwd: project });
    expect(asGithub.code).toBe(1);
    expect(asGithub.stdout).toBe(
      "::error file=out/tags.txt,line=9,endLine=11,title=llmsgen edited GAMMA::<GAMMA> was edited by hand since the last build: keep the edit with llmsgen sync --adopt, or discard it with llmsgen build --force" +
        "%0A%0A--- out/tags.txt\tbuild%0A+++ out/tags.txt\tfile%0A@@ -9,3 +9,3 @@%0A <GAMMA>%0A-Gamma is the least important atom here.%0A+Gamma is the most important atom here.%0A </GAMMA>\n",
    );
    expect(snapshotTree(project)).toEqual(before);
  });

  it("--json cannot be combined with another --format", async () => {
    const project = smallProject();

    expect(await runCli(["build", "--json", "--format", "github"], { cwd: project })).toEqual({
      code: 2,
      stderr: "llmsgen: --json means --format json: give one of --json and --format github\n",
      stdout: "::error title=llmsgen bad input::--json means --format json: give one of --json and --format github\n",
    });
  });
});

describe("sync --adopt in every format", () => {
  /** Ids only in the profile, so the adopted atom's place depends on nothing but its neighbours. */
  const PLAIN = "output: plain.txt\nsections:\n  - tag: FIRST\n    atoms: [alpha]\n  - tag: NOTES\n    atoms: [beta, gamma]\n";

  async function handAdded(): Promise<string> {
    const project = makeProject({ ...under("atoms", SMALL_ATOMS), "profiles/plain.yaml": PLAIN });
    await runCli(["build"], { cwd: project });
    writeFileSync(path.join(project, "out/plain.txt"), `${readFileSync(path.join(project, "out/plain.txt"), "utf8")}\n<EXTRA_TIPS>\nKeep briefs short.\n</EXTRA_TIPS>\n`);
    return project;
  }

  it("json: ok, each write with its action, note and diff; github: a notice per write", async () => {
    const project = await handAdded();
    const before = snapshotTree(project);

    const asJson = await runCli(["sync", "--adopt", "--dry-run", "--format", "json"], { cwd: project });
    expect(asJson.code).toBe(0);
    const parsed = JSON.parse(asJson.stdout) as { ok: boolean; dryRun: boolean; written: boolean; writes: { file: string; action: string; note: string; diff: string }[]; skipped: unknown[] };
    expect({ ...parsed, writes: parsed.writes.map(({ file, action, note }) => ({ file, action, note })) }).toEqual({
      ok: true,
      dryRun: true,
      written: false,
      writes: [
        { file: "atoms/notes/extra-tips.md", action: "create", note: "new atom for <EXTRA_TIPS> from out/plain.txt:11" },
        { file: "profiles/plain.yaml", action: "update", note: "section EXTRA_TIPS added" },
      ],
      recorded: [],
      alsoChanges: [],
      skipped: [],
    });
    expect(parsed.writes[1]?.diff).toBe(
      "--- profiles/plain.yaml\tcurrent\n+++ profiles/plain.yaml\tadopted\n@@ -4,3 +4,5 @@\n     atoms: [alpha]\n   - tag: NOTES\n     atoms: [beta, gamma]\n+  - tag: EXTRA_TIPS\n+    atoms: [extra-tips]\n",
    );

    expect(await runCli(["sync", "--adopt", "--dry-run", "--format", "github"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout:
        "::notice file=atoms/notes/extra-tips.md,title=llmsgen would create::new atom for <EXTRA_TIPS> from out/plain.txt:11\n" +
        "::notice file=profiles/plain.yaml,title=llmsgen would update::section EXTRA_TIPS added\n",
    });
    expect(await runCli(["sync", "--adopt", "--dry-run", "--quiet"], { cwd: project })).toEqual({ code: 0, stderr: "", stdout: "" });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("--quiet keeps what could not be adopted, and why", async () => {
    const project = makeProject({ ...under("atoms", SMALL_ATOMS), "profiles/plain.yaml": PLAIN });
    await runCli(["build"], { cwd: project });
    writeFileSync(path.join(project, "out/plain.txt"), `A line before every section.\n${readFileSync(path.join(project, "out/plain.txt"), "utf8")}`);

    const run = await runCli(["sync", "--adopt", "--dry-run", "-q"], { cwd: project });

    expect(run.code).toBe(1);
    expect(run.stdout.split("\n")[0]).toBe("cannot be carried (so adopt would write nothing):");
    expect(run.stdout.split("\n")[1]).toMatch(/^out\/plain\.txt:1: stray: /);
    expect(run.stdout).not.toContain("would create");
  });
});

describe("bad input and bad usage in the machine formats", () => {
  const NO_ATOMS = "atoms dir not found: create it, or point --atoms or --root at it";

  it.each([["build"], ["sync-check"], ["lint"], ["sync", "--adopt"], ["explain", "alpha"]])("%s prints {ok: false, errors} on stdout, with no internal fields, and exits 2", async (...command) => {
    const project = makeProject({ "profiles/small.yaml": SMALL_PROFILE });

    expect(await runCli([...command, "--format", "json"], { cwd: project })).toEqual({
      code: 2,
      stderr: `atoms: ${NO_ATOMS}\n`,
      stdout: json({ ok: false, errors: [{ file: "atoms", message: NO_ATOMS }] }),
    });
  });

  it("github prints one ::error per problem", async () => {
    const project = makeProject({ "profiles/small.yaml": SMALL_PROFILE });

    expect(await runCli(["sync", "--adopt", "--format", "github"], { cwd: project })).toEqual({
      code: 2,
      stderr: `atoms: ${NO_ATOMS}\n`,
      stdout: `::error file=atoms,title=llmsgen bad input::${NO_ATOMS}\n`,
    });
  });

  it("a usage error is printed in the format asked for too", async () => {
    const project = smallProject();

    expect(await runCli(["build", "--format", "json", "--frob"], { cwd: project })).toEqual({
      code: 2,
      stderr: "error: unknown option '--frob'\n(run with --help for usage)\n",
      stdout: json({ ok: false, errors: [{ message: "unknown option '--frob'" }] }),
    });
    expect(await runCli(["lint", "--frob", "--format=github"], { cwd: project })).toEqual({
      code: 2,
      stderr: "error: unknown option '--frob'\n(run with --help for usage)\n",
      stdout: "::error title=llmsgen usage::unknown option '--frob'\n",
    });
  });

  it("a mistyped flag is never answered with --force, though other suggestions stay", async () => {
    const project = smallProject();

    expect(await runCli(["build", "--forse"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: "error: unknown option '--forse'\n(run with --help for usage)\n" });
    expect(await runCli(["build", "--fromat", "json"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: unknown option '--fromat'\n(Did you mean --format?)\n(run with --help for usage)\n",
    });
  });
});
