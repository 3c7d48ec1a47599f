import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding, SyncReport } from "../../src/model.js";
import { atom, builtCopy, makeProject, runCli, snapshotTree, writeFiles } from "../helpers.js";

// ---- the fixture: three sections, one with an intro, under a wrapper -------

const PROFILE = [
  "output: security.txt",
  "wrapper: SECURITY",
  "sections:",
  "  - tag: KEYS",
  "    intro: How keys are handled.",
  "    atoms: [key-rotation]",
  "  - tag: AUDIT",
  "    atoms: [audit-log]",
  "  - tag: NETWORK",
  "    atoms: [egress]",
  "",
].join("\n");

const ATOMS = {
  "atoms/keys/key-rotation.md": atom(
    { id: "key-rotation", title: "Key rotation", brief: "Rotate signing keys on a schedule." },
    "Rotate signing keys every ninety days.\n\nKeep the retired key for one week so late checks still pass.",
  ),
  "atoms/audit-log.md": atom({ id: "audit-log", title: "Audit log", brief: "Log every change." }, "Every change is logged with its author."),
  "atoms/egress.md": atom({ id: "egress", title: "Egress", brief: "Outbound traffic rules." }, "Outbound calls go through the proxy."),
};

/** What the first build writes, line by line (1-based line numbers in the comments). */
const BUILT = [
  "<SECURITY>", // 1
  "", // 2
  "<KEYS>", // 3
  "How keys are handled.", // 4
  "", // 5
  "Rotate signing keys every ninety days.", // 6
  "", // 7
  "Keep the retired key for one week so late checks still pass.", // 8
  "</KEYS>", // 9
  "", // 10
  "<AUDIT>", // 11
  "Every change is logged with its author.", // 12
  "</AUDIT>", // 13
  "", // 14
  "<NETWORK>", // 15
  "Outbound calls go through the proxy.", // 16
  "</NETWORK>", // 17
  "", // 18
  "</SECURITY>", // 19
];
const OUT = "out/security.txt";

/** Builds the fixture and checks that the first build wrote exactly BUILT. */
async function builtProject(extra: Record<string, string> = {}): Promise<string> {
  const { project, build: run } = await builtCopy({ ...ATOMS, "profiles/sec.yaml": PROFILE, ...extra });
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  expect(readOut(project)).toBe(`${BUILT.join("\n")}\n`);
  return project;
}

function readOut(project: string, file = OUT): string {
  return readFileSync(path.join(project, file), "utf8");
}

/** Replaces the output with BUILT edited by `edit` (which gets and returns the lines). */
function editOut(project: string, edit: (lines: string[]) => string[]): string {
  const text = `${edit([...BUILT]).join("\n")}\n`;
  writeFileSync(path.join(project, OUT), text);
  return text;
}

function editAtom(project: string, file: string, from: string, to: string): void {
  const full = path.join(project, file);
  const before = readFileSync(full, "utf8");
  expect(before).toContain(from);
  writeFileSync(full, before.replace(from, to));
}

async function checkJson(project: string, extra: readonly string[] = []): Promise<{ code: number; report: SyncReport; stderr: string }> {
  const run = await runCli(["sync-check", "--format", "json", ...extra], { cwd: project });
  return { code: run.code, report: JSON.parse(run.stdout) as SyncReport, stderr: run.stderr };
}

const HEAD = `--- ${OUT}\tbuild\n+++ ${OUT}\tfile\n`;

const MESSAGE = {
  unbacked: (tag: string) =>
    `<${tag}> has no backing atom: it was written by hand and a build would delete it; run llmsgen sync --adopt to turn it into an atom`,
  edited: (tag: string) =>
    `<${tag}> was edited by hand since the last build: keep the edit with llmsgen sync --adopt, or discard it with llmsgen build --force`,
  stale: (tag: string) => `<${tag}> is out of date: its atoms or profile changed since the last build; run llmsgen build`,
  conflict: (tag: string) =>
    `<${tag}> was edited by hand and its atoms or profile changed since the last build: carry the edit into the atoms by hand, then run llmsgen build --force`,
  drift: (tag: string) =>
    `<${tag}> differs from what a build writes, and no manifest entry tells which side changed: adopt it with llmsgen sync --adopt --section ${tag}, or overwrite it with llmsgen build --force`,
  missing: (tag: string) => `<${tag}> is missing from the file: run llmsgen build to restore it`,
  extra: (tag: string) =>
    `<${tag}> is in the file but a build would not write it here: add its atoms to this profile, or remove the section`,
  stray: "text outside any section differs from what a build writes: put it inside a section, or remove it",
};

/** The JSON report of one output with these findings. */
function report(findings: Finding[], file = OUT, profile = "sec"): SyncReport {
  return { ok: findings.length === 0, files: [{ file, profile, findings }] };
}

// ---- the scenarios ---------------------------------------------------------

describe("sync-check scenarios", () => {
  it("a clean build: no findings, exit 0", async () => {
    const project = await builtProject();

    expect(await checkJson(project)).toEqual({ code: 0, report: report([]), stderr: "" });
  });

  it("a section added by hand between two generated ones: exactly one unbacked finding at its open line", async () => {
    const project = await builtProject();
    editOut(project, (lines) => [
      ...lines.slice(0, 10),
      "<SIGN_VERIFY>",
      "Check each release signature against the pinned key before unpacking.",
      "</SIGN_VERIFY>",
      "",
      ...lines.slice(10),
    ]);

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([
        {
          kind: "unbacked",
          tag: "SIGN_VERIFY",
          file: OUT,
          line: 11,
          message: MESSAGE.unbacked("SIGN_VERIFY"),
          diff: `${HEAD}@@ -10,0 +11,3 @@\n+<SIGN_VERIFY>\n+Check each release signature against the pinned key before unpacking.\n+</SIGN_VERIFY>\n`,
        },
      ]),
    });
  });

  it("prints the unbacked finding as text: file:line, kind, tag, message, the indented diff and a summary", async () => {
    const project = await builtProject();
    editOut(project, (lines) => [...lines.slice(0, 10), "<SIGN_VERIFY>", "Check each signature.", "</SIGN_VERIFY>", "", ...lines.slice(10)]);

    expect(await runCli(["sync-check"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        `${OUT}:11: unbacked SIGN_VERIFY: ${MESSAGE.unbacked("SIGN_VERIFY")}`,
        `    --- ${OUT}\tbuild`,
        `    +++ ${OUT}\tfile`,
        "    @@ -10,0 +11,3 @@",
        "    +<SIGN_VERIFY>",
        "    +Check each signature.",
        "    +</SIGN_VERIFY>",
        "sync-check: 1 finding in 1 of 1 output",
        "",
      ].join("\n"),
    });
  });

  it("a line edited inside a generated section: edited, with a diff of exactly that line", async () => {
    const project = await builtProject();
    editOut(project, (lines) => lines.map((line) => (line === "Every change is logged with its author." ? "Every change is logged with its author and the time." : line)));

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([
        {
          kind: "edited",
          tag: "AUDIT",
          file: OUT,
          line: 11,
          message: MESSAGE.edited("AUDIT"),
          diff: `${HEAD}@@ -11,3 +11,3 @@\n <AUDIT>\n-Every change is logged with its author.\n+Every change is logged with its author and the time.\n </AUDIT>\n`,
        },
      ]),
    });
  });

  it("prints the edited finding as text, with the hunk in file line numbers", async () => {
    const project = await builtProject();
    editOut(project, (lines) => lines.map((line) => (line.startsWith("Keep the retired key") ? "Keep the retired key for two weeks." : line)));

    expect(await runCli(["sync-check"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        `${OUT}:3: edited KEYS: ${MESSAGE.edited("KEYS")}`,
        `    --- ${OUT}\tbuild`,
        `    +++ ${OUT}\tfile`,
        "    @@ -5,5 +5,5 @@",
        "     ",
        "     Rotate signing keys every ninety days.",
        "     ",
        "    -Keep the retired key for one week so late checks still pass.",
        "    +Keep the retired key for two weeks.",
        "     </KEYS>",
        "sync-check: 1 finding in 1 of 1 output",
        "",
      ].join("\n"),
    });
  });

  it("an atom changed after the build, file untouched: stale and nothing else", async () => {
    const project = await builtProject();
    editAtom(project, "atoms/audit-log.md", "logged with its author.", "logged with its author and reviewer.");

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([
        {
          kind: "stale",
          tag: "AUDIT",
          file: OUT,
          line: 11,
          message: MESSAGE.stale("AUDIT"),
          diff: `${HEAD}@@ -11,3 +11,3 @@\n <AUDIT>\n-Every change is logged with its author and reviewer.\n+Every change is logged with its author.\n </AUDIT>\n`,
        },
      ]),
    });
  });

  it("prints the stale finding as text", async () => {
    const project = await builtProject();
    editAtom(project, "atoms/egress.md", "through the proxy.", "through the egress proxy.");

    expect(await runCli(["sync-check"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        `${OUT}:15: stale NETWORK: ${MESSAGE.stale("NETWORK")}`,
        `    --- ${OUT}\tbuild`,
        `    +++ ${OUT}\tfile`,
        "    @@ -15,3 +15,3 @@",
        "     <NETWORK>",
        "    -Outbound calls go through the egress proxy.",
        "    +Outbound calls go through the proxy.",
        "     </NETWORK>",
        "sync-check: 1 finding in 1 of 1 output",
        "",
      ].join("\n"),
    });
  });

  it("an atom changed and its section edited in the file: conflict", async () => {
    const project = await builtProject();
    editAtom(project, "atoms/audit-log.md", "logged with its author.", "logged with its author and reviewer.");
    editOut(project, (lines) => lines.map((line) => (line === "Every change is logged with its author." ? "Each change is logged." : line)));

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([
        {
          kind: "conflict",
          tag: "AUDIT",
          file: OUT,
          line: 11,
          message: MESSAGE.conflict("AUDIT"),
          diff: `${HEAD}@@ -11,3 +11,3 @@\n <AUDIT>\n-Every change is logged with its author and reviewer.\n+Each change is logged.\n </AUDIT>\n`,
        },
      ]),
    });
  });

  it("no manifest and an edited section: drift", async () => {
    const project = await builtProject();
    rmSync(path.join(project, "out/llmsgen.lock.json"));
    editOut(project, (lines) => lines.map((line) => (line === "Outbound calls go through the proxy." ? "Outbound calls go through the proxy on port 3128." : line)));

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([
        {
          kind: "drift",
          tag: "NETWORK",
          file: OUT,
          line: 15,
          message: MESSAGE.drift("NETWORK"),
          diff: `${HEAD}@@ -15,3 +15,3 @@\n <NETWORK>\n-Outbound calls go through the proxy.\n+Outbound calls go through the proxy on port 3128.\n </NETWORK>\n`,
        },
      ]),
    });
  });

  it("no manifest and a file that matches the build: clean", async () => {
    const project = await builtProject();
    rmSync(path.join(project, "out/llmsgen.lock.json"));

    expect(await checkJson(project)).toEqual({ code: 0, report: report([]), stderr: "" });
  });

  it("a section deleted: missing, at the line where it would go", async () => {
    const project = await builtProject();
    editOut(project, (lines) => [...lines.slice(0, 10), ...lines.slice(14)]);

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([
        {
          kind: "missing",
          tag: "AUDIT",
          file: OUT,
          line: 11,
          message: MESSAGE.missing("AUDIT"),
          diff: `${HEAD}@@ -11,3 +10,0 @@\n-<AUDIT>\n-Every change is logged with its author.\n-</AUDIT>\n`,
        },
      ]),
    });
  });

  it("the first section deleted: missing at the first line after the wrapper", async () => {
    const project = await builtProject();
    editOut(project, (lines) => [...lines.slice(0, 2), ...lines.slice(10)]);

    const { report: result } = await checkJson(project);

    expect(result.files[0]?.findings.map(({ kind, tag, line }) => ({ kind, tag, line }))).toEqual([{ kind: "missing", tag: "KEYS", line: 3 }]);
  });

  it("text added between sections: stray, at the first line that differs", async () => {
    const project = await builtProject();
    editOut(project, (lines) => [...lines.slice(0, 14), "Ask the security team before changing the proxy.", ...lines.slice(14)]);

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([
        {
          kind: "stray",
          file: OUT,
          line: 15,
          message: MESSAGE.stray,
          diff: `${HEAD}@@ -14,1 +14,2 @@\n \n+Ask the security team before changing the proxy.\n`,
        },
      ]),
    });
  });

  it("trailing spaces after a section: stray, and the message says so", async () => {
    const project = await builtProject();
    editOut(project, (lines) => lines.map((line, index) => (index === 13 ? "  " : line)));

    const { report: result } = await checkJson(project);

    expect(result.files[0]?.findings.map(({ kind, line, message }) => ({ kind, line, message }))).toEqual([
      {
        kind: "stray",
        line: 14,
        message: "text outside any section differs from what a build writes (trailing white space): put it inside a section, or remove it",
      },
    ]);
  });

  // The unclosed block runs to the wrapper's close line and takes the blank line before it: the
  // blank lines beside a broken block are not judged, so one deletion is not also a stray finding.
  it("a section's close line deleted: malformed at its open line and at the section it swallows, and nothing else", async () => {
    const project = await builtProject();
    editOut(project, (lines) => lines.filter((_, index) => index !== 12));

    const { code, report: result } = await checkJson(project);
    const findings = result.files[0]?.findings ?? [];

    expect(code).toBe(1);
    expect(findings.map(({ kind, tag, line, message }) => ({ kind, tag, line, message }))).toEqual([
      { kind: "malformed", tag: "AUDIT", line: 11, message: "<AUDIT> is never closed" },
      { kind: "malformed", tag: "NETWORK", line: 14, message: "<NETWORK> opens inside <AUDIT> (opened on line 11): sections cannot nest" },
    ]);
  });

  it("a section whose tag an atom carries but this profile does not write: extra", async () => {
    const project = await builtProject({
      "atoms/other/dns.md": atom({ id: "dns", title: "DNS", brief: "Name resolution.", tag: "DNS" }, "Names resolve through the internal resolver."),
    });
    editOut(project, (lines) => [...lines.slice(0, 18), "<DNS>", "Names resolve through the internal resolver.", "</DNS>", "", ...lines.slice(18)]);

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([
        {
          kind: "extra",
          tag: "DNS",
          file: OUT,
          line: 19,
          message: MESSAGE.extra("DNS"),
          diff: `${HEAD}@@ -18,0 +19,3 @@\n+<DNS>\n+Names resolve through the internal resolver.\n+</DNS>\n`,
        },
      ]),
    });
  });

  it("a section whose atom carries its tag, taken out of the profile, file untouched: stale, and build rebuilds", async () => {
    const dns = atom({ id: "dns", title: "DNS", brief: "Name resolution.", tag: "DNS" }, "Names resolve through the internal resolver.");
    const withDns = `${PROFILE}  - tag: DNS\n    atoms: [dns]\n`;
    const project = makeProject({ ...ATOMS, "atoms/dns.md": dns, "profiles/sec.yaml": withDns });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    writeFiles(project, { "profiles/sec.yaml": PROFILE });

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([
        {
          kind: "stale",
          tag: "DNS",
          file: OUT,
          line: 19,
          message: "<DNS> is no longer written by a build (it left the profile, or its atoms were dropped by a budget); run llmsgen build",
          diff: `${HEAD}@@ -18,0 +19,3 @@\n+<DNS>\n+Names resolve through the internal resolver.\n+</DNS>\n`,
        },
      ]),
    });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    expect(readOut(project)).toBe(`${BUILT.join("\n")}\n`);
  });

  // A section taken out of the profile whose text still matches the manifest is `stale`,
  // even when no atom carries its tag any more, so the next build simply rebuilds.
  it("a section taken out of the profile, file untouched: stale, and build rebuilds", async () => {
    const project = await builtProject();
    writeFiles(project, { "profiles/sec.yaml": PROFILE.replace("  - tag: AUDIT\n    atoms: [audit-log]\n", "") });

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([
        {
          kind: "stale",
          tag: "AUDIT",
          file: OUT,
          line: 11,
          message: "<AUDIT> is no longer written by a build (it left the profile, or its atoms were dropped by a budget); run llmsgen build",
          diff: `${HEAD}@@ -10,0 +11,3 @@\n+<AUDIT>\n+Every change is logged with its author.\n+</AUDIT>\n`,
        },
      ]),
    });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
  });

  it("a file saved with a byte order mark: stray at line 1, nothing else", async () => {
    const project = await builtProject();
    writeFileSync(path.join(project, OUT), `\uFEFF${BUILT.join("\n")}\n`);

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([{ kind: "stray", file: OUT, line: 1, message: "the file starts with a byte order mark, which a build never writes" }]),
    });
  });

  it("a file checked out with CRLF line ends: one stray finding for the line ends, nothing else", async () => {
    const project = await builtProject();
    writeFileSync(path.join(project, OUT), `${BUILT.join("\r\n")}\r\n`);

    const { code, report: result } = await checkJson(project);

    expect(code).toBe(1);
    expect(result.files[0]?.findings.map(({ kind, tag, line, message }) => ({ kind, tag, line, message }))).toEqual([
      {
        kind: "stray",
        tag: undefined,
        line: 1,
        message: "the file has CRLF line ends (from line 1), but a build writes LF: convert them back, or rebuild with llmsgen build --force",
      },
    ]);
  });

  it("tag lines inside a code fence of an atom: build, then sync-check finds nothing", async () => {
    const project = makeProject({
      "atoms/format.md": atom(
        { id: "format", title: "Output format", brief: "How sections look." },
        [
          "A section looks like this:",
          "",
          "```text",
          "<AUDIT>",
          "Every change is logged.",
          "</AUDIT>",
          "```",
          "",
          "~~~",
          "</FORMAT>",
          "<OTHER>",
          "~~~",
        ].join("\n"),
      ),
      "atoms/audit-log.md": ATOMS["atoms/audit-log.md"],
      "profiles/fmt.yaml": "output: fmt.txt\nsections:\n  - tag: FORMAT\n    atoms: [format]\n  - tag: AUDIT\n    atoms: [audit-log]\n",
    });
    const build = await runCli(["build"], { cwd: project });

    expect({ code: build.code, stderr: build.stderr }).toEqual({ code: 0, stderr: "" });
    expect(await checkJson(project)).toEqual({ code: 0, stderr: "", report: report([], "out/fmt.txt", "fmt") });
  });

  it("an output file that does not exist: one missing finding without a tag", async () => {
    const project = await builtProject();
    rmSync(path.join(project, OUT));

    expect(await checkJson(project)).toEqual({
      code: 1,
      stderr: "",
      report: report([{ kind: "missing", file: OUT, line: 1, message: "the output does not exist: run llmsgen build to write it" }]),
    });
  });

  // A last context line that is blank (" ") is part of the hunk and must be printed.
  it("prints a diff whose last context line is blank in full", async () => {
    const project = await builtProject();
    editOut(project, (lines) => [...lines.slice(0, 13), "Ask the security team first.", ...lines.slice(13)]);

    expect(await runCli(["sync-check"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        `${OUT}:14: stray: ${MESSAGE.stray}`,
        `    --- ${OUT}\tbuild`,
        `    +++ ${OUT}\tfile`,
        "    @@ -14,1 +14,2 @@",
        "    +Ask the security team first.",
        "     ",
        "sync-check: 1 finding in 1 of 1 output",
        "",
      ].join("\n"),
    });
  });

  it("--format github prints one workflow command per finding, with the message and diff escaped", async () => {
    const project = await builtProject();
    editOut(project, (lines) => [
      ...lines.slice(0, 10),
      "<SIGN_VERIFY>",
      "Verify: 100% of releases, signed.",
      "</SIGN_VERIFY>",
      "",
      ...lines.slice(10).map((line) => (line === "Outbound calls go through the proxy." ? "Outbound calls use the proxy." : line)),
    ]);

    expect(await runCli(["sync-check", "--format", "github"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout:
        `::error file=${OUT},line=11,endLine=13,title=llmsgen unbacked SIGN_VERIFY::${MESSAGE.unbacked("SIGN_VERIFY")}%0A%0A` +
        `--- ${OUT}\tbuild%0A+++ ${OUT}\tfile%0A@@ -10,0 +11,3 @@%0A+<SIGN_VERIFY>%0A+Verify: 100%25 of releases, signed.%0A+</SIGN_VERIFY>\n` +
        `::error file=${OUT},line=19,endLine=21,title=llmsgen edited NETWORK::${MESSAGE.edited("NETWORK")}%0A%0A` +
        `--- ${OUT}\tbuild%0A+++ ${OUT}\tfile%0A@@ -15,3 +19,3 @@%0A <NETWORK>%0A-Outbound calls go through the proxy.%0A+Outbound calls use the proxy.%0A </NETWORK>\n`,
    });
  });

  it("--format github prints nothing and exits 0 when the output is clean", async () => {
    const project = await builtProject();

    expect(await runCli(["sync-check", "--format", "github"], { cwd: project })).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--format github escapes commas and colons in the file property", async () => {
    const project = makeProject({ ...ATOMS, "profiles/sec.yaml": PROFILE.replace("output: security.txt", 'output: "a,b:c.txt"') });
    await runCli(["build"], { cwd: project });
    rmSync(path.join(project, "out/a,b:c.txt"));

    expect(await runCli(["sync-check", "--format", "github"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: "::error file=out/a%2Cb%3Ac.txt,line=1,endLine=1,title=llmsgen missing::the output does not exist: run llmsgen build to write it\n",
    });
  });

  it("--file PATH --profile NAME checks another file against that profile", async () => {
    const project = await builtProject();
    writeFiles(project, {
      "downloaded/llms-security.txt": `${BUILT.map((line) => (line === "Every change is logged with its author." ? "Every change is logged." : line)).join("\n")}\n`,
    });
    const before = snapshotTree(project);

    expect(await checkJson(project, ["--file", "downloaded/llms-security.txt", "--profile", "sec"])).toEqual({
      code: 1,
      stderr: "",
      report: report(
        [
          {
            kind: "edited",
            tag: "AUDIT",
            file: "downloaded/llms-security.txt",
            line: 11,
            message: MESSAGE.edited("AUDIT"),
            diff: "--- downloaded/llms-security.txt\tbuild\n+++ downloaded/llms-security.txt\tfile\n@@ -11,3 +11,3 @@\n <AUDIT>\n-Every change is logged with its author.\n+Every change is logged.\n </AUDIT>\n",
          },
        ],
        "downloaded/llms-security.txt",
      ),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("--file resolves against the current directory and accepts a profile path", async () => {
    const project = await builtProject();
    writeFiles(project, { "elsewhere/copy.txt": `${BUILT.join("\n")}\n` });

    expect(await checkJson(path.join(project, "elsewhere"), ["--root", "..", "--file", "copy.txt", "--profile", "../profiles/sec.yaml"])).toEqual({
      code: 0,
      stderr: "",
      report: report([], "elsewhere/copy.txt"),
    });
  });

  it("--file without a --profile is bad usage: exit 2", async () => {
    const project = await builtProject();
    const before = snapshotTree(project);

    expect(await runCli(["sync-check", "--file", OUT], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "llmsgen: --file checks one file against one profile: give exactly one --profile\n",
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("--file with two --profile flags is bad usage: exit 2", async () => {
    const project = await builtProject({ "profiles/brief.yaml": "output: brief.txt\nsections:\n  - tag: AUDIT\n    atoms: [audit-log]\n" });

    expect(await runCli(["sync-check", "--file", OUT, "--profile", "sec", "--profile", "brief"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "llmsgen: --file checks one file against one profile: give exactly one --profile\n",
    });
  });

  it("--file naming a file that does not exist: exit 2", async () => {
    const project = await builtProject();

    expect(await runCli(["sync-check", "--file", "nowhere.txt", "--profile", "sec"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "nowhere.txt: file not found (--file): give the path of the file to check, relative to the current directory\n",
    });
  });

  it("prints the clean summary with the number of outputs checked", async () => {
    const project = await builtProject({ "profiles/brief.yaml": "output: brief.txt\nsections:\n  - tag: AUDIT\n    atoms: [audit-log]\n" });

    expect(await runCli(["sync-check"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: "sync-check: clean: 2 outputs match what a build writes\n",
    });
  });

  it("says '1 output matches' when one output is clean", async () => {
    const project = await builtProject();

    expect(await runCli(["sync-check"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: "sync-check: clean: 1 output matches what a build writes\n",
    });
  });
});

describe("a file whose wrapper lines were removed", () => {
  it("is one stray finding at line 1, not a wrapper named after its only section", async () => {
    const project = makeProject({
      "atoms/a.md": atom({ id: "a", title: "A", brief: "A." }, "Alpha text."),
      "profiles/p.yaml": "output: o.txt\nwrapper: W\nsections:\n  - tag: A\n    atoms: [a]\n",
    });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    writeFileSync(path.join(project, "out/o.txt"), "<A>\nAlpha text.\n</A>\n");

    expect(await runCli(["sync-check"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: "out/o.txt:1: stray: the wrapper <W> is not on the first and last lines, where a build writes it\nsync-check: 1 finding in 1 of 1 output\n",
    });
  });
});

describe("sync-check on bad input in the machine formats", () => {
  const BAD = { "atoms/a.md": atom({ id: "a", title: "A", brief: "A." }, "Alpha."), "profiles/p.yaml": "output: o.txt\nwraper: W\nsections:\n  - tag: A\n    atoms: [a]\n" };
  const LINE = "unknown key 'wraper' (did you mean 'wrapper'?): expected one of output, wrapper, attributes, preamble, final_newline, encoding, budget, description, sections, include, index, parts, exclude, tags_from, examples";

  it("prints the problems as JSON on stdout, and exits 2", async () => {
    const project = makeProject(BAD);
    expect(await runCli(["sync-check", "--format", "json"], { cwd: project })).toEqual({
      code: 2,
      stdout: `${JSON.stringify({ ok: false, errors: [{ file: "profiles/p.yaml", line: 2, message: LINE }] }, null, 2)}\n`,
      stderr: `profiles/p.yaml:2: ${LINE}\n`,
    });
  });

  it("prints a GitHub annotation per problem, and exits 2", async () => {
    const project = makeProject(BAD);
    expect(await runCli(["sync-check", "--format", "github"], { cwd: project })).toEqual({
      code: 2,
      stdout: `::error file=profiles/p.yaml,line=2,title=llmsgen bad input::${LINE}\n`,
      stderr: `profiles/p.yaml:2: ${LINE}\n`,
    });
  });
});
