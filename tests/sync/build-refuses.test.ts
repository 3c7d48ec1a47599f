import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { atom, builtCopy, makeProject, runCli, snapshotTree } from "../helpers.js";

const PROFILE = [
  "output: llms-security.txt",
  "wrapper: RELEASE_SECURITY",
  "sections:",
  "  - tag: AUTOSIGN",
  "    atoms: [autosign]",
  "  - tag: ENV_GUARDS",
  "    atoms: [env-guards]",
  "",
].join("\n");

const FILES = {
  "atoms/autosign.md": atom(
    { id: "autosign", title: "Automatic signing", brief: "CI signs every release artifact." },
    "The release job signs each artifact with the project key as soon as it is built.",
  ),
  "atoms/env-guards.md": atom(
    { id: "env-guards", title: "Environment guards", brief: "Secrets stay out of logs." },
    "Secrets come from the environment and are masked in every log line.",
  ),
  "profiles/release.yaml": PROFILE,
};

const OUT = "out/llms-security.txt";

const BUILT = [
  "<RELEASE_SECURITY>",
  "",
  "<AUTOSIGN>",
  "The release job signs each artifact with the project key as soon as it is built.",
  "</AUTOSIGN>",
  "",
  "<ENV_GUARDS>",
  "Secrets come from the environment and are masked in every log line.",
  "</ENV_GUARDS>",
  "",
  "</RELEASE_SECURITY>",
  "",
].join("\n");

/** The hand-written section of the story, placed between the two generated ones. */
const SIGN_VERIFY = [
  "<SIGN_VERIFY>",
  "Before installing a release, check its signature against the key published on the website.",
  "",
  "A release whose signature does not verify is never installed.",
  "</SIGN_VERIFY>",
  "",
  "",
].join("\n");

const HAND_EDITED = BUILT.replace("<ENV_GUARDS>", `${SIGN_VERIFY}<ENV_GUARDS>`);

const REPORT = (delta: string) =>
  [
    "release → out/llms-security.txt  62 tokens, no budget (o200k_base)",
    "  section / atom  tokens  budget  delta  state",
    `  AUTOSIGN            27       -  ${delta.padStart(5)}`,
    "    autosign          17                 full",
    `  ENV_GUARDS          25       -  ${delta.padStart(5)}`,
    "    env-guards        13                 full",
  ].join("\n");

const KEEP_OR_DISCARD = "Keep it: llmsgen sync --adopt (preview with --dry-run) brings unbacked, edited and moved sections into atoms and profiles (drift needs --section TAG; other findings need a hand). Discard it: llmsgen build --force.";

async function builtProject(): Promise<string> {
  const { project, build } = await builtCopy(FILES);
  expect(build).toEqual({
    code: 0,
    stderr: "",
    stdout: `${REPORT("-")}\n\nwrote ${OUT}, out/llmsgen.lock.json\n`,
  });
  expect(read(project)).toBe(BUILT);
  return project;
}

function read(project: string): string {
  return readFileSync(path.join(project, OUT), "utf8");
}

describe("build refuses to destroy hand-written text", () => {
  it("the story: a hand-added SIGN_VERIFY section stops the build, --force overwrites it", async () => {
    const project = await builtProject();
    writeFileSync(path.join(project, OUT), HAND_EDITED);
    const before = snapshotTree(project);

    expect(await runCli(["build"], { cwd: project })).toEqual({
      code: 1,
      stdout: `${REPORT("±0")}\n\nnothing written: hand-written text found (details on stderr)\n`,
      stderr: [
        `llmsgen: nothing written: ${OUT} holds hand-written text a build would destroy (SIGN_VERIFY)`,
        `${OUT}:7: unbacked SIGN_VERIFY: <SIGN_VERIFY> has no backing atom: it was written by hand and a build would delete it; run llmsgen sync --adopt to turn it into an atom`,
        `    --- ${OUT}\tbuild`,
        `    +++ ${OUT}\tfile`,
        "    @@ -6,0 +7,5 @@",
        "    +<SIGN_VERIFY>",
        "    +Before installing a release, check its signature against the key published on the website.",
        "    +",
        "    +A release whose signature does not verify is never installed.",
        "    +</SIGN_VERIFY>",
        KEEP_OR_DISCARD,
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);

    // The atoms changed too: the build still refuses, and still writes nothing.
    writeFileSync(path.join(project, "atoms/autosign.md"), FILES["atoms/autosign.md"].replace("project key", "release key"));
    const withAtomChange = snapshotTree(project);
    expect((await runCli(["build"], { cwd: project })).code).toBe(1);
    expect(snapshotTree(project)).toEqual(withAtomChange);
    writeFileSync(path.join(project, "atoms/autosign.md"), FILES["atoms/autosign.md"]);

    expect(await runCli(["build", "--force"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: `${REPORT("±0")}\n\nwrote ${OUT}\n`,
    });
    expect(read(project)).toBe(BUILT);
    expect(await runCli(["sync-check", "--format", "json"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: `${JSON.stringify({ ok: true, files: [{ file: OUT, profile: "release", findings: [] }] }, null, 2)}\n`,
    });
  });

  it("build --check with hand-written text writes nothing and exits 1", async () => {
    const project = await builtProject();
    writeFileSync(path.join(project, OUT), HAND_EDITED);
    const before = snapshotTree(project);

    const run = await runCli(["build", "--check"], { cwd: project });

    expect({ code: run.code, stdout: run.stdout }).toEqual({
      code: 1,
      stdout: `${REPORT("±0")}\n\nholds hand-written text: build would refuse (see llmsgen sync-check):\n  ${OUT}\n`,
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("build --check --quiet lists the hand-edited file on stdout too, and --diff says build would refuse it", async () => {
    const project = await builtProject();
    writeFileSync(path.join(project, OUT), HAND_EDITED);

    const quiet = await runCli(["build", "--check", "--quiet"], { cwd: project });
    const diff = await runCli(["build", "--diff"], { cwd: project });

    expect({ code: quiet.code, stdout: quiet.stdout }).toEqual({ code: 1, stdout: `${OUT}\n` });
    expect(diff.code).toBe(1);
    expect(diff.stdout.endsWith(`1 file would change (nothing written; run llmsgen build to write them)\nholds hand-written text: build would refuse (see llmsgen sync-check):\n  ${OUT}\n`)).toBe(true);
  });

  it("an edited generated section stops the build too", async () => {
    const project = await builtProject();
    writeFileSync(path.join(project, OUT), BUILT.replace("masked in every log line.", "masked in every log line and error report."));
    const before = snapshotTree(project);

    expect(await runCli(["build"], { cwd: project })).toEqual({
      code: 1,
      stdout: `${REPORT("±0")}\n\nnothing written: hand-written text found (details on stderr)\n`,
      stderr: [
        `llmsgen: nothing written: ${OUT} holds hand-written text a build would destroy (ENV_GUARDS)`,
        `${OUT}:7: edited ENV_GUARDS: <ENV_GUARDS> was edited by hand since the last build: keep the edit with llmsgen sync --adopt, or discard it with llmsgen build --force`,
        `    --- ${OUT}\tbuild`,
        `    +++ ${OUT}\tfile`,
        "    @@ -7,3 +7,3 @@",
        "     <ENV_GUARDS>",
        "    -Secrets come from the environment and are masked in every log line.",
        "    +Secrets come from the environment and are masked in every log line and error report.",
        "     </ENV_GUARDS>",
        KEEP_OR_DISCARD,
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("text outside any section stops the build too", async () => {
    const project = await builtProject();
    writeFileSync(path.join(project, OUT), BUILT.replace("</AUTOSIGN>\n\n", "</AUTOSIGN>\n\nSee also the release runbook.\n"));
    const before = snapshotTree(project);

    const run = await runCli(["build"], { cwd: project });

    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 1,
      stderr: [
        `llmsgen: nothing written: ${OUT} holds hand-written text a build would destroy`,
        `${OUT}:7: stray: text outside any section differs from what a build writes: put it inside a section, or remove it`,
        `    --- ${OUT}\tbuild`,
        `    +++ ${OUT}\tfile`,
        "    @@ -6,1 +6,2 @@",
        "     ",
        "    +See also the release runbook.",
        KEEP_OR_DISCARD,
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("a stale file (atom changed, file untouched) is simply rebuilt", async () => {
    const project = await builtProject();
    writeFileSync(path.join(project, "atoms/env-guards.md"), FILES["atoms/env-guards.md"].replace("every log line", "every log"));

    expect(await runCli(["build"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "release → out/llms-security.txt  61 tokens, no budget (o200k_base)",
        "  section / atom  tokens  budget  delta  state",
        "  AUTOSIGN            27       -     ±0",
        "    autosign          17                 full",
        "  ENV_GUARDS          24       -     -1",
        "    env-guards        12                 full",
        "",
        `wrote ${OUT}, out/llmsgen.lock.json`,
        "",
      ].join("\n"),
    });
    expect(read(project)).toBe(BUILT.replace("every log line", "every log"));
  });

  it("a missing output is simply rebuilt", async () => {
    const project = await builtProject();
    rmSync(path.join(project, OUT));

    const run = await runCli(["build"], { cwd: project });

    expect({ code: run.code, stderr: run.stderr, last: run.stdout.split("\n").at(-2) }).toEqual({ code: 0, stderr: "", last: `wrote ${OUT}` });
    expect(read(project)).toBe(BUILT);
  });

  it("a file that matches the last build is left as it is", async () => {
    const project = await builtProject();
    // The project was built elsewhere and copied here, so the stat index (absolute paths, inodes) learns its files again: that alone may be rewritten.
    const withoutStatIndex = () => {
      const { [".llmsgen-cache/files.json"]: _statIndex, ...rest } = snapshotTree(project);
      return rest;
    };
    const before = withoutStatIndex();

    expect(await runCli(["build"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: `${REPORT("±0")}\n\nup to date: every output matches its atoms and profile\n`,
    });
    expect(withoutStatIndex()).toEqual(before);
  });

  it("refuses on one output and writes none of the others", async () => {
    const project = makeProject({ ...FILES, "profiles/short.yaml": "output: short.txt\nsections:\n  - tag: AUTOSIGN\n    atoms: [autosign]\n" });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    writeFileSync(path.join(project, OUT), HAND_EDITED);
    writeFileSync(path.join(project, "atoms/autosign.md"), FILES["atoms/autosign.md"].replace("project key", "release key"));
    const before = snapshotTree(project);

    const run = await runCli(["build"], { cwd: project });

    expect({ code: run.code, firstLine: run.stderr.split("\n")[0] }).toEqual({
      code: 1,
      firstLine: `llmsgen: nothing written: ${OUT} holds hand-written text a build would destroy (SIGN_VERIFY)`,
    });
    expect(snapshotTree(project)).toEqual(before);
  });
});
