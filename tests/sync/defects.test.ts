import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { SyncReport } from "../../src/model.js";
import { atom, builtCopy, makeProject, runCli, snapshotTree } from "../helpers.js";

// Defects once found by reading the code, each held by a test that failed before its fix.

const FILES = {
  "atoms/keys.md": atom({ id: "keys", title: "Keys", brief: "Keys." }, "Keys rotate every ninety days."),
  "atoms/audit.md": atom({ id: "audit", title: "Audit", brief: "Audit." }, "Every change is logged."),
  "profiles/sec.yaml": "output: sec.txt\nwrapper: SEC\nsections:\n  - tag: KEYS\n    atoms: [keys]\n  - tag: AUDIT\n    atoms: [audit]\n",
};
const OUT = "out/sec.txt";
const BUILT = "<SEC>\n\n<KEYS>\nKeys rotate every ninety days.\n</KEYS>\n\n<AUDIT>\nEvery change is logged.\n</AUDIT>\n\n</SEC>\n";
const HAND_ADDED = BUILT.replace("<AUDIT>", "<REVOKE>\nLeaked keys are revoked at once.\n</REVOKE>\n\n<AUDIT>");

async function built(): Promise<string> {
  const { project, build: run } = await builtCopy(FILES);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  expect(readFileSync(path.join(project, OUT), "utf8")).toBe(BUILT);
  return project;
}

describe("a hand-added section in a CRLF file", () => {
  it("is adopted from the check's own parse: --dry-run plans the new atom and names the line ends as what blocks it; once they are LF, adopt carries it", async () => {
    const project = await built();
    writeFileSync(path.join(project, OUT), HAND_ADDED.replace(/\n/g, "\r\n"));
    const before = snapshotTree(project);

    const dryRun = await runCli(["sync", "--adopt", "--dry-run"], { cwd: project });
    expect({ code: dryRun.code, stdout: dryRun.stdout.split("\n").filter((line) => !line.startsWith("    ")) }).toEqual({
      code: 1,
      stdout: [
        `would create atoms/revoke.md: new atom for <REVOKE> from ${OUT}:7`,
        "would update profiles/sec.yaml: section REVOKE added",
        "cannot be carried (so adopt would write nothing):",
        `${OUT}:1: stray: the file has CRLF line ends (from line 1), but a build writes LF: convert them back, or rebuild with llmsgen build --force`,
        "",
      ],
    });
    expect((await runCli(["sync", "--adopt"], { cwd: project })).code).toBe(1);
    expect(snapshotTree(project)).toEqual(before);

    writeFileSync(path.join(project, OUT), HAND_ADDED);
    expect((await runCli(["sync", "--adopt"], { cwd: project })).code).toBe(0);
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    expect(readFileSync(path.join(project, OUT), "utf8")).toBe(HAND_ADDED);
  });
});

describe("a change of the profile's wrapper only", () => {
  it("is stale for sync-check (the file is as the last build wrote it), and build rebuilds it: one rule for both", async () => {
    const project = await built();
    writeFileSync(path.join(project, "profiles/sec.yaml"), FILES["profiles/sec.yaml"].replace("wrapper: SEC", "wrapper: SECURITY"));

    const check = await runCli(["sync-check", "--format", "json"], { cwd: project });
    const findings = (JSON.parse(check.stdout) as SyncReport).files.flatMap((file) => file.findings.map(({ kind, line, message }) => ({ kind, line, message })));
    expect({ code: check.code, findings }).toEqual({
      code: 1,
      findings: [
        {
          kind: "stale",
          line: 1,
          message: "the file differs from what a build writes now, but the file is exactly as the last build wrote it: its atoms or profile changed since; run llmsgen build",
        },
      ],
    });
    const build = await runCli(["build"], { cwd: project });
    expect({ code: build.code, stderr: build.stderr }).toEqual({ code: 0, stderr: "" });
    expect(readFileSync(path.join(project, OUT), "utf8")).toBe(BUILT.replace("<SEC>", "<SECURITY>").replace("</SEC>", "</SECURITY>"));
    expect((await runCli(["sync-check"], { cwd: project })).code).toBe(0);
  });
});

describe("sync-check in the machine formats on bad input", () => {
  it("--format json --file naming a missing file prints the error as JSON on stdout (exit 2)", async () => {
    const project = await built();

    expect(await runCli(["sync-check", "--format", "json", "--file", "missing.txt", "--profile", "sec"], { cwd: project })).toEqual({
      code: 2,
      stdout: `${JSON.stringify({ ok: false, errors: [{ file: "missing.txt", message: "file not found (--file): give the path of the file to check, relative to the current directory" }] }, null, 2)}\n`,
      stderr: "missing.txt: file not found (--file): give the path of the file to check, relative to the current directory\n",
    });
  });

  it("JSON errors carry only file, line and message: no internal field", async () => {
    const project = makeProject({ "profiles/sec.yaml": FILES["profiles/sec.yaml"] });

    const run = await runCli(["sync-check", "--format", "json"], { cwd: project });

    expect({ code: run.code, stdout: run.stdout }).toEqual({
      code: 2,
      stdout: `${JSON.stringify({ ok: false, errors: [{ file: "atoms", message: "atoms dir not found: create it, or point --atoms or --root at it" }] }, null, 2)}\n`,
    });
  });
});

describe("build and drift", () => {
  it("refuses to overwrite a drift section (no manifest to tell which side is newer): exit 1, nothing written", async () => {
    const project = await built();
    rmSync(path.join(project, "out/llmsgen.lock.json"));
    writeFileSync(path.join(project, OUT), BUILT.replace("every ninety days", "every thirty days"));
    const before = snapshotTree(project);

    const run = await runCli(["build"], { cwd: project });

    expect({ code: run.code, stderr: run.stderr.split("\n").slice(0, 2) }).toEqual({
      code: 1,
      stderr: [
        `llmsgen: nothing written: ${OUT} holds hand-written text a build would destroy (KEYS)`,
        `${OUT}:3: drift KEYS: <KEYS> differs from what a build writes, and no manifest entry tells which side changed: adopt it with llmsgen sync --adopt --section KEYS, or overwrite it with llmsgen build --force`,
      ],
    });
    expect(snapshotTree(project)).toEqual(before);
  });
});
