import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { adopt } from "../../src/adopt.js";
import { ConcurrentEditError } from "../../src/errors.js";
import type { SyncReport } from "../../src/model.js";
import { atom, builtCopy, makeProject, runCli, snapshotTree, writeFiles } from "../helpers.js";

// ---- the fixture -------------------------------------------------------------

const PROFILE = `# Security bundle for agents: sections in reading order.
output: security.txt
wrapper: SECURITY

sections:
  # Keys first: everything else builds on them.
  - tag: KEYS
    intro: How keys are handled.
    atoms: [key-rotation]

  - tag: AUDIT   # who did what, and when
    atoms: [audit-log]

  - tag: NETWORK
    atoms: [egress, "net/*.md"]
`;

const KEY_ROTATION = [
  "---",
  "id: key-rotation",
  "title: Key rotation",
  "brief: Rotate signing keys on a schedule.",
  "category: keys   # unknown keys are kept",
  "---",
  "",
  "Rotate signing keys every ninety days.",
  "",
  "Keep the retired key for one week so late checks still pass.",
  "",
].join("\n");

/** Written on Windows: a byte order mark and CRLF line ends. */
const AUDIT_LOG = "\uFEFF---\r\nid: audit-log\r\ntitle: Audit log\r\nbrief: Log every change.\r\n---\r\nEvery change is logged with its author.\r\nLogs are kept for a year.\r\n";

const FILES = {
  "atoms/keys/key-rotation.md": KEY_ROTATION,
  "atoms/audit-log.md": AUDIT_LOG,
  "atoms/egress.md": atom({ id: "egress", title: "Egress", brief: "Outbound traffic rules." }, "Outbound calls go through the proxy."),
  "atoms/net/dns.md": atom({ id: "dns", title: "DNS", brief: "Name resolution." }, "Names resolve through the internal resolver."),
  "profiles/sec.yaml": PROFILE,
};

const OUT = "out/security.txt";

const BUILT = [
  "<SECURITY>",
  "",
  "<KEYS>", // 3
  "How keys are handled.",
  "",
  "Rotate signing keys every ninety days.",
  "",
  "Keep the retired key for one week so late checks still pass.",
  "</KEYS>",
  "",
  "<AUDIT>", // 11
  "Every change is logged with its author.",
  "Logs are kept for a year.",
  "</AUDIT>",
  "",
  "<NETWORK>", // 16
  "Outbound calls go through the proxy.",
  "",
  "Names resolve through the internal resolver.",
  "</NETWORK>",
  "",
  "</SECURITY>",
];

const SIGN_VERIFY = [
  "<SIGN_VERIFY>",
  "Check every release signature against the pinned key.",
  "",
  "An artifact that fails the check is deleted, not quarantined.",
  "</SIGN_VERIFY>",
];

const text = (lines: readonly string[]): string => `${lines.join("\n")}\n`;

/** Replaces one line of BUILT (found by its text) with others. */
function replaceLine(lines: readonly string[], from: string, ...to: string[]): string[] {
  const at = lines.indexOf(from);
  if (at === -1) throw new Error(`no line '${from}'`);
  return [...lines.slice(0, at), ...to, ...lines.slice(at + 1)];
}

async function builtProject(files: Record<string, string> = FILES): Promise<string> {
  const { project, build } = await builtCopy(files);
  expect({ code: build.code, stderr: build.stderr }).toEqual({ code: 0, stderr: "" });
  return project;
}

function read(project: string, file: string): string {
  return readFileSync(path.join(project, file), "utf8");
}

async function expectRoundTrip(project: string, handEdited: string, outputs = 1): Promise<void> {
  const build = await runCli(["build"], { cwd: project });
  expect({ code: build.code, stderr: build.stderr }).toEqual({ code: 0, stderr: "" });
  expect(read(project, OUT)).toBe(handEdited);
  const check = await runCli(["sync-check", "--format", "json"], { cwd: project });
  const report = JSON.parse(check.stdout) as SyncReport;
  expect({ code: check.code, ok: report.ok, files: report.files.length, findings: report.files.flatMap((file) => file.findings) }).toEqual({
    code: 0,
    ok: true,
    files: outputs,
    findings: [],
  });
}

// ---- round trips -------------------------------------------------------------

describe("sync --adopt round trips", () => {
  it("adopts an unbacked section, an edited body and an edited intro at once; build then reproduces the file byte for byte", async () => {
    const project = await builtProject();
    let lines = replaceLine(BUILT, "How keys are handled.", "How signing keys are handled, start to finish.");
    lines = replaceLine(lines, "Keep the retired key for one week so late checks still pass.", "Keep the retired key for two weeks.");
    lines = replaceLine(lines, "Logs are kept for a year.", "Logs are kept for two years.");
    lines = replaceLine(lines, "<AUDIT>", ...SIGN_VERIFY, "", "<AUDIT>");
    const handEdited = text(lines);
    writeFileSync(path.join(project, OUT), handEdited);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `updated atoms/audit-log.md: text of <AUDIT> from ${OUT}:17`,
        `updated atoms/keys/key-rotation.md: text of <KEYS> from ${OUT}:3`,
        `created atoms/keys/sign-verify.md: new atom for <SIGN_VERIFY> from ${OUT}:11`,
        "updated profiles/sec.yaml: intro of KEYS; section SIGN_VERIFY added",
        "next: llmsgen build, then llmsgen sync-check",
        "",
      ].join("\n"),
    });

    // The profile keeps its comments, blank lines, inline comment and flow lists; the new entry sits after KEYS.
    expect(read(project, "profiles/sec.yaml")).toBe(`# Security bundle for agents: sections in reading order.
output: security.txt
wrapper: SECURITY

sections:
  # Keys first: everything else builds on them.
  - tag: KEYS
    intro: How signing keys are handled, start to finish.
    atoms: [key-rotation]
  - tag: SIGN_VERIFY
    atoms: [sign-verify]

  - tag: AUDIT   # who did what, and when
    atoms: [audit-log]

  - tag: NETWORK
    atoms: [egress, "net/*.md"]
`);
    // Frontmatter bytes (unknown key and its comment too) and the blank lines around the body are kept.
    expect(read(project, "atoms/keys/key-rotation.md")).toBe(KEY_ROTATION.replace("Keep the retired key for one week so late checks still pass.", "Keep the retired key for two weeks."));
    // BOM and CRLF line ends are kept, in the frontmatter and in the new body.
    expect(readFileSync(path.join(project, "atoms/audit-log.md"), "latin1")).toBe(
      Buffer.from(AUDIT_LOG.replace("Logs are kept for a year.", "Logs are kept for two years."), "utf8").toString("latin1"),
    );
    expect(read(project, "atoms/keys/sign-verify.md")).toBe(
      [
        "---",
        "id: sign-verify",
        "title: Sign Verify",
        "brief: Check every release signature against the pinned key.",
        "tag: SIGN_VERIFY",
        "---",
        "Check every release signature against the pinned key.",
        "",
        "An artifact that fails the check is deleted, not quarantined.",
        "",
      ].join("\n"),
    );
    await expectRoundTrip(project, handEdited);
  });

  it("--dry-run prints the plan with its diffs and writes nothing", async () => {
    const project = await builtProject();
    const handEdited = text(replaceLine(replaceLine(BUILT, "<AUDIT>", ...SIGN_VERIFY, "", "<AUDIT>"), "Keep the retired key for one week so late checks still pass.", "Keep the retired key for two weeks."));
    writeFileSync(path.join(project, OUT), handEdited);
    const before = snapshotTree(project);

    expect(await runCli(["sync", "--adopt", "--dry-run"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `would update atoms/keys/key-rotation.md: text of <KEYS> from ${OUT}:3`,
        "    --- atoms/keys/key-rotation.md\tcurrent",
        "    +++ atoms/keys/key-rotation.md\tadopted",
        "    @@ -7,4 +7,4 @@",
        "     ",
        "     Rotate signing keys every ninety days.",
        "     ",
        "    -Keep the retired key for one week so late checks still pass.",
        "    +Keep the retired key for two weeks.",
        `would create atoms/keys/sign-verify.md: new atom for <SIGN_VERIFY> from ${OUT}:11`,
        "    --- atoms/keys/sign-verify.md\tcurrent",
        "    +++ atoms/keys/sign-verify.md\tadopted",
        "    @@ -0,0 +1,9 @@",
        "    +---",
        "    +id: sign-verify",
        "    +title: Sign Verify",
        "    +brief: Check every release signature against the pinned key.",
        "    +tag: SIGN_VERIFY",
        "    +---",
        "    +Check every release signature against the pinned key.",
        "    +",
        "    +An artifact that fails the check is deleted, not quarantined.",
        "would update profiles/sec.yaml: section SIGN_VERIFY added",
        "    --- profiles/sec.yaml\tcurrent",
        "    +++ profiles/sec.yaml\tadopted",
        "    @@ -7,6 +7,8 @@",
        "       - tag: KEYS",
        "         intro: How keys are handled.",
        "         atoms: [key-rotation]",
        "    +  - tag: SIGN_VERIFY",
        "    +    atoms: [sign-verify]",
        "     ",
        "       - tag: AUDIT   # who did what, and when",
        "         atoms: [audit-log]",
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("never replaces an existing file: with atoms/keys/sign-verify.md taken, the new atom gets another name", async () => {
    const taken = atom({ id: "verify-legacy", title: "Legacy verification", brief: "The old way." }, "Nobody reads this any more.");
    const project = await builtProject({ ...FILES, "atoms/keys/sign-verify.md": taken });
    const handEdited = text(replaceLine(BUILT, "<AUDIT>", ...SIGN_VERIFY, "", "<AUDIT>"));
    writeFileSync(path.join(project, OUT), handEdited);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `created atoms/keys/sign-verify-2.md: new atom for <SIGN_VERIFY> from ${OUT}:11`,
        "updated profiles/sec.yaml: section SIGN_VERIFY added",
        "next: llmsgen build, then llmsgen sync-check",
        "",
      ].join("\n"),
    });
    expect(read(project, "atoms/keys/sign-verify.md")).toBe(taken);
    expect(read(project, "atoms/keys/sign-verify-2.md").split("\n").slice(0, 2)).toEqual(["---", "id: sign-verify"]);
    await expectRoundTrip(project, handEdited);
  });

  it("never reuses an existing id: with id sign-verify taken, the new atom is sign-verify-2", async () => {
    const taken = atom({ id: "sign-verify", title: "Old verification", brief: "The old way.", tag: "OLD_VERIFY" }, "Nobody reads this any more.");
    const project = await builtProject({ ...FILES, "atoms/old.md": taken });
    const handEdited = text(replaceLine(BUILT, "<AUDIT>", ...SIGN_VERIFY, "", "<AUDIT>"));
    writeFileSync(path.join(project, OUT), handEdited);

    const run = await runCli(["sync", "--adopt"], { cwd: project });

    expect({ code: run.code, first: run.stdout.split("\n")[0] }).toEqual({
      code: 0,
      first: `created atoms/keys/sign-verify-2.md: new atom for <SIGN_VERIFY> from ${OUT}:11`,
    });
    expect(read(project, "atoms/keys/sign-verify-2.md").split("\n").slice(0, 2)).toEqual(["---", "id: sign-verify-2"]);
    expect(read(project, "profiles/sec.yaml")).toContain("  - tag: SIGN_VERIFY\n    atoms: [sign-verify-2]\n");
    await expectRoundTrip(project, handEdited);
  });

  it("splits an edit of one atom in a two-atom section back into that atom", async () => {
    const project = await builtProject();
    const handEdited = text(replaceLine(BUILT, "Names resolve through the internal resolver.", "Names resolve through the internal resolver, never a public one."));
    writeFileSync(path.join(project, OUT), handEdited);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: `updated atoms/net/dns.md: text of <NETWORK> from ${OUT}:16\nnext: llmsgen build, then llmsgen sync-check\n`,
    });
    expect(read(project, "atoms/net/dns.md")).toBe(
      atom({ id: "dns", title: "DNS", brief: "Name resolution." }, "Names resolve through the internal resolver, never a public one."),
    );
    await expectRoundTrip(project, handEdited);
  });

  it("leaves an edit spanning two atoms of one section alone, with its diff: exit 1, nothing written", async () => {
    const project = await builtProject();
    let lines = replaceLine(BUILT, "Outbound calls go through the proxy.", "Outbound calls use the proxy.");
    lines = replaceLine(lines, "Names resolve through the internal resolver.", "Names resolve internally.");
    writeFileSync(path.join(project, OUT), text(lines));
    const before = snapshotTree(project);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        "nothing written: adopt carries every hand edit or none, and this one cannot be carried:",
        `${OUT}:16: edited NETWORK: the edit spans several of its atoms (egress, dns), or adds text between two of them, and cannot be split back unambiguously: edit those atoms by hand`,
        `    --- ${OUT}\tbuild`,
        `    +++ ${OUT}\tfile`,
        "    @@ -16,5 +16,5 @@",
        "     <NETWORK>",
        "    -Outbound calls go through the proxy.",
        "    +Outbound calls use the proxy.",
        "     ",
        "    -Names resolve through the internal resolver.",
        "    +Names resolve internally.",
        "     </NETWORK>",
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("adopts drift only when named with --section", async () => {
    const project = await builtProject();
    rmSync(path.join(project, "out/llmsgen.lock.json"));
    const handEdited = text(replaceLine(BUILT, "Logs are kept for a year.", "Logs are kept for five years."));
    writeFileSync(path.join(project, OUT), handEdited);
    const before = snapshotTree(project);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        "nothing written: adopt carries every hand edit or none, and this one cannot be carried:",
        `${OUT}:11: drift AUDIT: no manifest tells whether the file or the atoms are newer: adopt it with --section AUDIT, or overwrite it with llmsgen build --force`,
        `    --- ${OUT}\tbuild`,
        `    +++ ${OUT}\tfile`,
        "    @@ -11,4 +11,4 @@",
        "     <AUDIT>",
        "     Every change is logged with its author.",
        "    -Logs are kept for a year.",
        "    +Logs are kept for five years.",
        "     </AUDIT>",
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);

    expect(await runCli(["sync", "--adopt", "--section", "AUDIT"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: `updated atoms/audit-log.md: text of <AUDIT> from ${OUT}:11\nnext: llmsgen build, then llmsgen sync-check\n`,
    });
    expect(read(project, "atoms/audit-log.md")).toBe(AUDIT_LOG.replace("a year", "five years"));
    await expectRoundTrip(project, handEdited);
  });

  it("--section adds to what is adopted: unbacked sections are adopted beside the named drift section", async () => {
    const project = await builtProject();
    rmSync(path.join(project, "out/llmsgen.lock.json"));
    const handEdited = text(replaceLine(replaceLine(BUILT, "Logs are kept for a year.", "Logs are kept for five years."), "<NETWORK>", ...SIGN_VERIFY, "", "<NETWORK>"));
    writeFileSync(path.join(project, OUT), handEdited);

    expect(await runCli(["sync", "--adopt", "--section", "AUDIT"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `updated atoms/audit-log.md: text of <AUDIT> from ${OUT}:11`,
        `created atoms/sign-verify.md: new atom for <SIGN_VERIFY> from ${OUT}:16`,
        "updated profiles/sec.yaml: section SIGN_VERIFY added",
        "next: llmsgen build, then llmsgen sync-check",
        "",
      ].join("\n"),
    });
    await expectRoundTrip(project, handEdited);
  });

  it("reports text outside any section (file, line, why) and exits 1, writing nothing for it", async () => {
    const project = await builtProject();
    writeFileSync(path.join(project, OUT), text(replaceLine(BUILT, "<NETWORK>", "Ask the platform team before touching the proxy.", "<NETWORK>")));
    const before = snapshotTree(project);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        "nothing written: adopt carries every hand edit or none, and this one cannot be carried:",
        `${OUT}:16: stray: the output format has no place for this in atoms or profiles: move the text into a section, or undo the change in the file, then adopt again`,
        `    --- ${OUT}\tbuild`,
        `    +++ ${OUT}\tfile`,
        "    @@ -15,1 +15,2 @@",
        "     ",
        "    +Ask the platform team before touching the proxy.",
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  // All or nothing: the section it could adopt is not adopted either, and the report says nothing was written.
  it("writes nothing when one finding cannot be carried, though others could be: exit 1, the whole tree unchanged", async () => {
    const project = await builtProject();
    const lines = replaceLine(replaceLine(BUILT, "<AUDIT>", ...SIGN_VERIFY, "", "<AUDIT>"), "</SECURITY>", "Written by hand, outside every section.", "</SECURITY>");
    writeFileSync(path.join(project, OUT), text(lines));
    const before = snapshotTree(project);

    const run = await runCli(["sync", "--adopt"], { cwd: project });

    expect({ code: run.code, stdout: run.stdout.split("\n").filter((line) => !line.startsWith("    ")) }).toEqual({
      code: 1,
      stdout: [
        "nothing written: adopt carries every hand edit or none, and this one cannot be carried:",
        `${OUT}:28: stray: the output format has no place for this in atoms or profiles: move the text into a section, or undo the change in the file, then adopt again`,
        "",
      ],
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("--dry-run shows what it could carry and what blocks it, and writes nothing", async () => {
    const project = await builtProject();
    const lines = replaceLine(replaceLine(BUILT, "<AUDIT>", ...SIGN_VERIFY, "", "<AUDIT>"), "</SECURITY>", "Written by hand, outside every section.", "</SECURITY>");
    writeFileSync(path.join(project, OUT), text(lines));
    const before = snapshotTree(project);

    const run = await runCli(["sync", "--adopt", "--dry-run"], { cwd: project });

    expect({ code: run.code, stdout: run.stdout.split("\n").filter((line) => !line.startsWith("    ")) }).toEqual({
      code: 1,
      stdout: [
        `would create atoms/keys/sign-verify.md: new atom for <SIGN_VERIFY> from ${OUT}:11`,
        "would update profiles/sec.yaml: section SIGN_VERIFY added",
        "cannot be carried (so adopt would write nothing):",
        `${OUT}:28: stray: the output format has no place for this in atoms or profiles: move the text into a section, or undo the change in the file, then adopt again`,
        "",
      ],
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("reports a hand-added section with blank lines at its edges instead of trimming them silently", async () => {
    const project = await builtProject();
    writeFileSync(path.join(project, OUT), text(replaceLine(BUILT, "<AUDIT>", "<SIGN_VERIFY>", "", "Check every signature.", "</SIGN_VERIFY>", "", "<AUDIT>")));
    const before = snapshotTree(project);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        "nothing written: adopt carries every hand edit or none, and this one cannot be carried:",
        `${OUT}:11: unbacked SIGN_VERIFY: blank lines or spaces at the edges of the section cannot be carried over (an atom's text is trimmed): remove them`,
        `    --- ${OUT}\tbuild`,
        `    +++ ${OUT}\tfile`,
        "    @@ -10,0 +11,4 @@",
        "    +<SIGN_VERIFY>",
        "    +",
        "    +Check every signature.",
        "    +</SIGN_VERIFY>",
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("with nothing written by hand: says so, exit 0, writes nothing", async () => {
    const project = await builtProject();
    const before = snapshotTree(project);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: "nothing to adopt: no hand-written text found\n",
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("sync without --adopt is bad usage: exit 2", async () => {
    const project = await builtProject();

    expect(await runCli(["sync"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "llmsgen: sync needs --adopt (try: llmsgen sync --adopt --dry-run)\n",
    });
  });
});

describe("sync --adopt: profile edits that must not collide", () => {
  const SMALL = {
    "atoms/b.md": atom({ id: "b", title: "B", brief: "B." }, "Keys are rotated."),
    "atoms/c.md": atom({ id: "c", title: "C", brief: "C." }, "Changes are logged."),
  };

  // The intro edit finds its section by tag, so a section inserted above it cannot take the edit.
  it("an unbacked section above a section whose intro was edited: each edit lands on its own section", async () => {
    const project = await builtProject({ ...SMALL, "profiles/p.yaml": "output: security.txt\nsections:\n  - tag: KEYS\n    intro: Read this first.\n    atoms: [b]\n  - tag: AUDIT\n    atoms: [c]\n" });
    const handEdited = `<TOP>\nAn overview written by hand.\n</TOP>\n\n${read(project, OUT).replace("Read this first.", "Read this before anything else.")}`;
    writeFileSync(path.join(project, OUT), handEdited);

    expect((await runCli(["sync", "--adopt"], { cwd: project })).code).toBe(0);
    expect(read(project, "profiles/p.yaml")).toBe(
      "output: security.txt\nsections:\n  - tag: TOP\n    atoms: [top]\n  - tag: KEYS\n    intro: Read this before anything else.\n    atoms: [b]\n  - tag: AUDIT\n    atoms: [c]\n",
    );
    await expectRoundTrip(project, handEdited);
  });

  // An entry spliced into a CRLF profile uses CRLF too: no mixed line ends.
  it("a CRLF profile keeps CRLF line ends for the inserted section", async () => {
    const project = await builtProject({ ...SMALL, "profiles/p.yaml": "output: security.txt\r\nsections:\r\n  - tag: KEYS\r\n    atoms: [b]\r\n  - tag: AUDIT\r\n    atoms: [c]\r\n" });
    const handEdited = read(project, OUT).replace("<AUDIT>", "<MIDDLE>\nWritten by hand.\n</MIDDLE>\n\n<AUDIT>");
    writeFileSync(path.join(project, OUT), handEdited);

    expect((await runCli(["sync", "--adopt"], { cwd: project })).code).toBe(0);
    expect(read(project, "profiles/p.yaml")).toBe(
      "output: security.txt\r\nsections:\r\n  - tag: KEYS\r\n    atoms: [b]\r\n  - tag: MIDDLE\r\n    atoms: [middle]\r\n  - tag: AUDIT\r\n    atoms: [c]\r\n",
    );
    await expectRoundTrip(project, handEdited);
  });

  it("inserts sections at the top and at the bottom of the list, and carries a block-scalar intro edit", async () => {
    const profile = [
      "output: security.txt",
      "sections:",
      "  - tag: KEYS",
      "    intro: |",
      "      Read this first.",
      "      It is short.",
      "    atoms: [b]",
      "  - tag: AUDIT # last one",
      "    atoms: [c]",
      "",
    ].join("\n");
    const project = await builtProject({ ...SMALL, "profiles/p.yaml": profile });
    const handEdited = `${read(project, OUT).replace("It is short.", "It is short and to the point.")}\n<BOTTOM>\nWritten last.\n</BOTTOM>\n`;
    writeFileSync(path.join(project, OUT), handEdited);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `created atoms/bottom.md: new atom for <BOTTOM> from ${OUT}:12`,
        "updated profiles/p.yaml: intro of KEYS; section BOTTOM added",
        "next: llmsgen build, then llmsgen sync-check",
        "",
      ].join("\n"),
    });
    expect(read(project, "profiles/p.yaml")).toBe(
      [
        "output: security.txt",
        "sections:",
        "  - tag: KEYS",
        "    intro: |-",
        "      Read this first.",
        "      It is short and to the point.",
        "    atoms: [b]",
        "  - tag: AUDIT # last one",
        "    atoms: [c]",
        "  - tag: BOTTOM",
        "    atoms: [bottom]",
        "",
      ].join("\n"),
    );
    await expectRoundTrip(project, handEdited);

    const withTop = `<TOP>\nWritten first.\n</TOP>\n\n${handEdited}`;
    writeFileSync(path.join(project, OUT), withTop);
    expect((await runCli(["sync", "--adopt"], { cwd: project })).code).toBe(0);
    expect(read(project, "profiles/p.yaml").split("\n").slice(0, 5)).toEqual(["output: security.txt", "sections:", "  - tag: TOP", "    atoms: [top]", "  - tag: KEYS"]);
    await expectRoundTrip(project, withTop);
  });
});

// ---- include: profiles ---------------------------------------------------------

describe("sync --adopt with an include: profile", () => {
  const GUIDES = {
    "atoms/guides/audit.md": atom({ id: "audit-log", title: "Audit log", brief: "Log every change.", tag: "AUDIT" }, "Every change is logged with its author."),
    "atoms/guides/keys.md": atom({ id: "key-rotation", title: "Key rotation", brief: "Rotate keys.", tag: "KEYS" }, "Rotate signing keys every ninety days."),
    "atoms/misc/egress.md": atom({ id: "egress", title: "Egress", brief: "Egress rules." }, "Outbound calls go through the proxy."),
    "profiles/guides.yaml": 'output: security.txt\ninclude: ["guides/**/*.md"]\n',
    "profiles/all.yaml": 'output: all.txt\nwrapper: ALL\ninclude: ["**/*.md"]\n',
  };
  const GUIDES_BUILT = ["<AUDIT>", "Every change is logged with its author.", "</AUDIT>", "", "<KEYS>", "Rotate signing keys every ninety days.", "</KEYS>"];
  const NEW_SECTION = ["<SIGN_VERIFY>", "Check every release signature.", "</SIGN_VERIFY>"];

  it("puts the new atom in a folder the globs pick up, where path order keeps its place, and names the other output that changes", async () => {
    const project = await builtProject(GUIDES);
    expect(read(project, OUT)).toBe(text(GUIDES_BUILT));
    const handEdited = text([...GUIDES_BUILT, "", ...NEW_SECTION]);
    writeFileSync(path.join(project, OUT), handEdited);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `created atoms/guides/sign-verify.md: new atom for <SIGN_VERIFY> from ${OUT}:9`,
        "also changes out/all.txt on the next build",
        "next: llmsgen build, then llmsgen sync-check",
        "",
      ].join("\n"),
    });
    expect(read(project, "profiles/guides.yaml")).toBe(GUIDES["profiles/guides.yaml"]);
    expect(read(project, "atoms/guides/sign-verify.md")).toBe(
      "---\nid: sign-verify\ntitle: Sign Verify\nbrief: Check every release signature.\ntag: SIGN_VERIFY\n---\nCheck every release signature.\n",
    );
    await expectRoundTrip(project, handEdited, 2);
    expect(read(project, "out/all.txt")).toBe(
      text([
        "<ALL>",
        "",
        ...GUIDES_BUILT,
        "",
        ...NEW_SECTION,
        "",
        "<EGRESS>",
        "Outbound calls go through the proxy.",
        "</EGRESS>",
        "",
        "</ALL>",
      ]),
    );
  });

  // With an include profile, the new atom goes where path order keeps its section in
  // place, or adopt says it cannot (exit 1); it never exits 0 with a round trip that breaks.
  it("a section added between two include sections: adopt keeps its place, or says it cannot", async () => {
    const project = await builtProject(GUIDES);
    const handEdited = text([...GUIDES_BUILT.slice(0, 4), ...NEW_SECTION, "", ...GUIDES_BUILT.slice(4)]);
    writeFileSync(path.join(project, OUT), handEdited);

    const run = await runCli(["sync", "--adopt"], { cwd: project });

    if (run.code === 0) {
      await expectRoundTrip(project, handEdited, 2);
    } else {
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`${OUT}:5: unbacked SIGN_VERIFY: the new atom atoms/guides/`);
    }
  });

  it("names the new atom with an order prefix between its neighbours' when they carry prefixes, so path order keeps its place", async () => {
    const files = {
      "atoms/guides/10-audit.md": GUIDES["atoms/guides/audit.md"],
      "atoms/guides/20-keys.md": GUIDES["atoms/guides/keys.md"],
      "profiles/guides.yaml": GUIDES["profiles/guides.yaml"],
    };
    const project = await builtProject(files);
    const between = text([...GUIDES_BUILT.slice(0, 4), ...NEW_SECTION, "", ...GUIDES_BUILT.slice(4)]);
    writeFileSync(path.join(project, OUT), between);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: `created atoms/guides/15-sign-verify.md: new atom for <SIGN_VERIFY> from ${OUT}:5\nnext: llmsgen build, then llmsgen sync-check\n`,
    });
    await expectRoundTrip(project, between);

    const last = text([...between.trimEnd().split("\n"), "", "<RELEASES>", "Tag every release.", "</RELEASES>"]);
    writeFileSync(path.join(project, OUT), last);
    expect((await runCli(["sync", "--adopt"], { cwd: project })).stdout).toBe(`created atoms/guides/30-releases.md: new atom for <RELEASES> from ${OUT}:13\nnext: llmsgen build, then llmsgen sync-check\n`);
    await expectRoundTrip(project, last);
  });

  it("says so, and writes nothing, when the globs would not pick the new atom up", async () => {
    const files = { ...GUIDES, "profiles/guides.yaml": 'output: security.txt\ninclude: ["guides/keys.md", "guides/audit.md"]\n' };
    const project = await builtProject(files);
    const handEdited = text([...GUIDES_BUILT, "", ...NEW_SECTION]);
    writeFileSync(path.join(project, OUT), handEdited);
    const before = snapshotTree(project);

    const run = await runCli(["sync", "--adopt"], { cwd: project });

    expect({ code: run.code, stdout: run.stdout.split("\n").filter((line) => !line.startsWith("    ")) }).toEqual({
      code: 1,
      stdout: [
        "nothing written: adopt carries every hand edit or none, and this one cannot be carried:",
        `${OUT}:9: unbacked SIGN_VERIFY: the new atom atoms/guides/sign-verify.md would be left out by this profile's include globs: add a glob, or create the atom by hand where path order places it as it stands in the file`,
        "",
      ],
    });
    expect(snapshotTree(project)).toEqual(before);
  });
});

describe("sync --adopt with a sections: profile whose glob covers a folder", () => {
  it("puts the new atom where no glob of the profile picks it up a second time", async () => {
    const files = {
      "atoms/notes/first.md": atom({ id: "first", title: "First", brief: "The first note." }, "Notes come first."),
      "atoms/setup.md": atom({ id: "setup", title: "Setup", brief: "How to set up." }, "Install, then configure."),
      "profiles/notes.yaml": 'output: security.txt\nsections:\n  - tag: NOTES\n    atoms: ["notes/*.md"]\n  - tag: SETUP\n    atoms: [setup]\n',
    };
    const project = await builtProject(files);
    const built = read(project, OUT).trimEnd().split("\n");
    const handEdited = text([...built.slice(0, 4), ...NEW_SECTION_TEXT, "", ...built.slice(4)]);
    writeFileSync(path.join(project, OUT), handEdited);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: `created atoms/sign-verify.md: new atom for <SIGN_VERIFY> from ${OUT}:5\nupdated profiles/notes.yaml: section SIGN_VERIFY added\nnext: llmsgen build, then llmsgen sync-check\n`,
    });
    await expectRoundTrip(project, handEdited);
  });
});

const NEW_SECTION_TEXT = ["<SIGN_VERIFY>", "Check every release signature.", "</SIGN_VERIFY>"];

describe("sync --adopt writes only what it reports", () => {
  it("changes exactly the new atom and the profile, nothing else in the project", async () => {
    const project = await builtProject();
    writeFiles(project, { "notes/keep.txt": "untouched\n" });
    writeFileSync(path.join(project, OUT), text(replaceLine(BUILT, "<AUDIT>", ...SIGN_VERIFY, "", "<AUDIT>")));
    const before = snapshotTree(project);

    expect((await runCli(["sync", "--adopt"], { cwd: project })).code).toBe(0);

    const after = snapshotTree(project);
    const changed = Object.keys({ ...before, ...after })
      .filter((file) => before[file] !== after[file])
      .sort();
    expect(changed).toEqual(["atoms/keys/sign-verify.md", "profiles/sec.yaml"]);
  });

  it("never replaces a file that appears where it creates an atom after it planned: it stops, and that file stays", async () => {
    const project = await builtProject();
    writeFileSync(path.join(project, OUT), text(replaceLine(BUILT, "<AUDIT>", ...SIGN_VERIFY, "", "<AUDIT>")));
    const appeared = path.join(project, "atoms/keys/sign-verify.md");
    // The journal goes in place before the first file: a file made now appeared after adopt checked the tree.
    const afterWrite = (file: string) => {
      if (file.endsWith(".json") && !existsSync(appeared)) writeFileSync(appeared, "written meanwhile\n");
    };
    expect(() => adopt({ root: project, afterWrite })).toThrow(ConcurrentEditError);
    expect(read(project, "atoms/keys/sign-verify.md")).toBe("written meanwhile\n");
  });
});

describe("adopting the same atom from two outputs", () => {
  const TWO = {
    "atoms/keys.md": atom({ id: "keys", title: "Keys", brief: "Keys." }, "Keys rotate every ninety days."),
    "profiles/one.yaml": "output: one.txt\nsections:\n  - tag: KEYS\n    atoms: [keys]\n",
    "profiles/two.yaml": "output: two.txt\nsections:\n  - tag: KEYS\n    atoms: [keys]\n",
  };

  it("leaves an atom alone, and says where, when two outputs edited it differently", async () => {
    const project = makeProject(TWO);
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    writeFileSync(path.join(project, "out/one.txt"), "<KEYS>\nKeys rotate every thirty days.\n</KEYS>\n");
    writeFileSync(path.join(project, "out/two.txt"), "<KEYS>\nKeys rotate every sixty days.\n</KEYS>\n");
    const atoms = readFileSync(path.join(project, "atoms/keys.md"), "utf8");

    const run = await runCli(["sync", "--adopt"], { cwd: project });

    expect(run.code).toBe(1);
    expect(run.stdout.split("\n").filter((line) => !line.startsWith("    "))).toEqual([
      "nothing written: adopt carries every hand edit or none, and these 2 cannot be carried:",
      "out/one.txt:1: edited KEYS: atoms/keys.md was edited differently in out/one.txt:1 and out/two.txt:1: make the edits agree, then adopt again",
      "out/two.txt:1: edited KEYS: atoms/keys.md was edited differently in out/one.txt:1 and out/two.txt:1: make the edits agree, then adopt again",
      "",
    ]);
    expect(readFileSync(path.join(project, "atoms/keys.md"), "utf8")).toBe(atoms);
  });

  it("adopts the same edit made in two outputs once", async () => {
    const project = makeProject(TWO);
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    for (const name of ["one", "two"]) writeFileSync(path.join(project, `out/${name}.txt`), "<KEYS>\nKeys rotate every thirty days.\n</KEYS>\n");

    expect((await runCli(["sync", "--adopt"], { cwd: project })).code).toBe(0);
    expect(readFileSync(path.join(project, "atoms/keys.md"), "utf8")).toBe(atom({ id: "keys", title: "Keys", brief: "Keys." }, "Keys rotate every thirty days."));
    expect(await runCli(["build"], { cwd: project })).toMatchObject({ code: 0 });
    expect((await runCli(["sync-check"], { cwd: project })).code).toBe(0);
  });
});

describe("adopting a drift section when the manifest is gone", () => {
  const FILES = {
    "atoms/keys.md": atom({ id: "keys", title: "Keys", brief: "Keys." }, "Keys rotate every ninety days."),
    "atoms/audit.md": atom({ id: "audit", title: "Audit", brief: "Audit." }, "Every change is logged."),
    "profiles/one.yaml": "output: one.txt\nsections:\n  - tag: KEYS\n    atoms: [keys]\n  - tag: AUDIT\n    atoms: [audit]\n",
    "profiles/two.yaml": "output: two.txt\nsections:\n  - tag: KEYS\n    atoms: [keys]\n",
  };

  it("records the outputs that matched their atoms, so the next build rebuilds them instead of refusing", async () => {
    const project = makeProject(FILES);
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    rmSync(path.join(project, "out/llmsgen.lock.json"));
    const edited = read(project, "out/one.txt").replace("ninety", "thirty");
    writeFileSync(path.join(project, "out/one.txt"), edited);

    const run = await runCli(["sync", "--adopt", "--section", "KEYS"], { cwd: project });

    expect(run).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "updated atoms/keys.md: text of <KEYS> from out/one.txt:1",
        "recorded out/two.txt in the manifest: it matched its atoms before, so the next build rebuilds it",
        "also changes out/two.txt on the next build",
        "next: llmsgen build, then llmsgen sync-check",
        "",
      ].join("\n"),
    });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    expect(read(project, "out/one.txt")).toBe(edited);
    expect(read(project, "out/two.txt")).toBe("<KEYS>\nKeys rotate every thirty days.\n</KEYS>\n");
    expect((await runCli(["sync-check"], { cwd: project })).code).toBe(0);
  });

  it("says so when --section names a tag that differs nowhere", async () => {
    const project = makeProject(FILES);
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);

    expect(await runCli(["sync", "--adopt", "--section", "NOPE"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: "nothing written: adopt carries every hand edit or none, and this one cannot be carried:\n--section NOPE: no section with this tag differs from what a build writes, in any output\n",
    });
  });
});

describe("adopting with --profile", () => {
  it("records outputs of other profiles that render the adopted atom, so the next build does not refuse them", async () => {
    const project = makeProject({
      "atoms/alpha.md": atom({ id: "alpha", title: "Alpha", brief: "Alpha." }, "Alpha text."),
      "profiles/one.yaml": "output: one.txt\nsections:\n  - tag: ALPHA\n    atoms: [alpha]\n",
      "profiles/all.yaml": 'output: all.txt\ninclude: ["**/*.md"]\n',
    });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    rmSync(path.join(project, "out/llmsgen.lock.json"));
    writeFileSync(path.join(project, "out/one.txt"), "<ALPHA>\nAlpha text, edited.\n</ALPHA>\n");

    const run = await runCli(["sync", "--adopt", "--profile", "one", "--section", "ALPHA"], { cwd: project });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("recorded out/all.txt in the manifest");
    expect(run.stdout).toContain("also changes out/all.txt on the next build");
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    expect(read(project, "out/all.txt")).toBe("<ALPHA>\nAlpha text, edited.\n</ALPHA>\n");
  });
});
