import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { SyncReport } from "../../src/model.js";
import { atom, builtCopy, runCli, snapshotTree } from "../helpers.js";

// Order is content: a section at another position, or outside the wrapper, is a hand edit.

const PROFILE = [
  "# Release security, in reading order.",
  "output: llms-release.txt",
  "wrapper: RELEASE",
  "sections:",
  "  # Signing comes first.",
  "  - tag: SIGN",
  "    atoms: [sign]",
  "",
  "  - tag: VERIFY   # checked by every installer",
  "    atoms: [verify]",
  "",
  "  - tag: ROTATE",
  "    atoms: [rotate]",
  "",
].join("\n");

const FILES = {
  "atoms/sign.md": atom({ id: "sign", title: "Sign", brief: "Sign releases." }, "Every release artifact is signed in CI."),
  "atoms/verify.md": atom({ id: "verify", title: "Verify", brief: "Verify releases." }, "Installers verify the signature before unpacking."),
  "atoms/rotate.md": atom({ id: "rotate", title: "Rotate", brief: "Rotate keys." }, "Keys rotate every ninety days."),
  "profiles/release.yaml": PROFILE,
};

const OUT = "out/llms-release.txt";
const SIGN = ["<SIGN>", "Every release artifact is signed in CI.", "</SIGN>"];
const VERIFY = ["<VERIFY>", "Installers verify the signature before unpacking.", "</VERIFY>"];
const ROTATE = ["<ROTATE>", "Keys rotate every ninety days.", "</ROTATE>"];
const file = (...blocks: string[][]): string => `${["<RELEASE>", "", ...blocks.flatMap((block, index) => (index === 0 ? block : ["", ...block])), "", "</RELEASE>"].join("\n")}\n`;

async function built(files: Record<string, string> = FILES): Promise<string> {
  const { project, build: run } = await builtCopy(files);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  expect(read(project, OUT)).toBe(file(SIGN, VERIFY, ROTATE));
  return project;
}

function read(project: string, name: string): string {
  return readFileSync(path.join(project, name), "utf8");
}

async function findings(project: string): Promise<{ kind: string; tag?: string; line: number; message: string }[]> {
  const run = await runCli(["sync-check", "--format", "json"], { cwd: project });
  expect(run.code).toBe(1);
  return (JSON.parse(run.stdout) as SyncReport).files.flatMap((check) => check.findings.map(({ kind, tag, line, message }) => ({ kind, line, message, ...(tag ? { tag } : {}) })));
}

const MOVED = (tag: string, place: string) =>
  `<${tag}> stands at another position than a build writes it (${place}), and order is content: keep this order with llmsgen sync --adopt, or restore the build's with llmsgen build --force`;

describe("a swap of two sections", () => {
  it("is one moved finding, build refuses it and leaves the file byte for byte, adopt reorders the profile keeping its comments", async () => {
    const project = await built();
    const swapped = file(SIGN, ROTATE, VERIFY);
    writeFileSync(path.join(project, OUT), swapped);

    expect(await findings(project)).toEqual([{ kind: "moved", tag: "ROTATE", line: 7, message: MOVED("ROTATE", "right after <VERIFY>") }]);

    const before = snapshotTree(project);
    const refused = await runCli(["build"], { cwd: project });
    expect({ code: refused.code, first: refused.stderr.split("\n")[0] }).toEqual({
      code: 1,
      first: `llmsgen: nothing written: ${OUT} holds hand-written text a build would destroy (ROTATE)`,
    });
    expect(snapshotTree(project)).toEqual(before);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: "updated profiles/release.yaml: sections reordered as in the file (ROTATE moved)\nnext: llmsgen build, then llmsgen sync-check\n",
    });
    // Each entry's own lines (its inline comment too) move with it; blank lines and comments between entries stay put.
    expect(read(project, "profiles/release.yaml")).toBe(
      [
        "# Release security, in reading order.",
        "output: llms-release.txt",
        "wrapper: RELEASE",
        "sections:",
        "  # Signing comes first.",
        "  - tag: SIGN",
        "    atoms: [sign]",
        "",
        "  - tag: ROTATE",
        "    atoms: [rotate]",
        "",
        "  - tag: VERIFY   # checked by every installer",
        "    atoms: [verify]",
        "",
      ].join("\n"),
    );
    const rebuilt = await runCli(["build"], { cwd: project });
    expect({ code: rebuilt.code, stderr: rebuilt.stderr }).toEqual({ code: 0, stderr: "" });
    expect(read(project, OUT)).toBe(swapped);
    expect((await runCli(["sync-check"], { cwd: project })).code).toBe(0);
  });
});

describe("a section appended after the wrapper's closing line", () => {
  const NEW = ["<REVOKE>", "A leaked key is revoked within the hour.", "</REVOKE>"];

  it("is one unbacked finding (no cascade), and adopt puts it last in the profile", async () => {
    const project = await built();
    writeFileSync(path.join(project, OUT), `${file(SIGN, VERIFY, ROTATE)}\n${NEW.join("\n")}\n`);

    expect(await findings(project)).toEqual([
      {
        kind: "unbacked",
        tag: "REVOKE",
        line: 17,
        message:
          "<REVOKE> has no backing atom: it was written by hand and a build would delete it; run llmsgen sync --adopt to turn it into an atom (it stands after the wrapper's closing line: adopted, it goes last inside the wrapper)",
      },
    ]);

    const adopted = await runCli(["sync", "--adopt"], { cwd: project });
    expect(adopted).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `created atoms/revoke.md: new atom for <REVOKE> from ${OUT}:17`,
        "updated profiles/release.yaml: section REVOKE added",
        `recorded ${OUT} in the manifest: its hand edits are all carried, and the next build rewrites it with the sections outside the wrapper moved inside`,
        "next: llmsgen build, then llmsgen sync-check",
        "",
      ].join("\n"),
    });
    expect(read(project, "profiles/release.yaml")).toBe(`${PROFILE}  - tag: REVOKE\n    atoms: [revoke]\n`);
    // The grammar has no place after the wrapper: the section is rebuilt last inside it.
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    expect(read(project, OUT)).toBe(file(SIGN, VERIFY, ROTATE, NEW));
    expect((await runCli(["sync-check"], { cwd: project })).code).toBe(0);
  });

  it("a generated section moved after the wrapper is one moved finding; adopt puts it last", async () => {
    const project = await built();
    writeFileSync(path.join(project, OUT), `${file(VERIFY, ROTATE)}\n${SIGN.join("\n")}\n`);

    expect(await findings(project)).toEqual([
      {
        kind: "moved",
        tag: "SIGN",
        line: 13,
        message: "<SIGN> stands after the wrapper's closing line </RELEASE>, but a build writes it inside the wrapper: keep this order with llmsgen sync --adopt, or restore the build's with llmsgen build --force",
      },
    ]);
    expect((await runCli(["sync", "--adopt"], { cwd: project })).code).toBe(0);
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    expect(read(project, OUT)).toBe(file(VERIFY, ROTATE, SIGN));
  });
});

describe("moved sections of an include: profile", () => {
  it("cannot be adopted by editing the profile: a skip naming the files to rename, and nothing written", async () => {
    const project = await built({
      "atoms/1-sign.md": atom({ id: "sign", title: "Sign", brief: "Sign." }, "Every release artifact is signed in CI."),
      "atoms/2-verify.md": atom({ id: "verify", title: "Verify", brief: "Verify." }, "Installers verify the signature before unpacking."),
      "atoms/3-rotate.md": atom({ id: "rotate", title: "Rotate", brief: "Rotate." }, "Keys rotate every ninety days."),
      "profiles/release.yaml": 'output: llms-release.txt\nwrapper: RELEASE\ninclude: ["*.md"]\n',
    });
    writeFileSync(path.join(project, OUT), file(SIGN, ROTATE, VERIFY));
    const before = snapshotTree(project);

    expect(await runCli(["sync", "--adopt"], { cwd: project })).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        "nothing written: adopt carries every hand edit or none, and this one cannot be carried:",
        `${OUT}:7: moved ROTATE: this profile orders its sections by the atoms' paths (include:): rename or move atoms/3-rotate.md so that path order puts <ROTATE> right after <SIGN>, as in the file`,
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });
});
