import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../src/hash.js";
import { makeProject, runCli, snapshotTree } from "../helpers.js";

// Adopt's promise: exit 0 means build reproduces the hand-edited file and sync-check is clean; otherwise exit 1 and nothing written.

const GUIDE = [
  "<GUIDE>",
  "",
  ...[
    ["INTRO", "What the tool is for."],
    ["INSTALL", "Install it with your package manager."],
    ["USAGE", "Run it from the project root."],
    ["FAQ", "Ask in the tracker."],
    ["LICENSE_INFO", "MIT licensed."],
  ].flatMap(([tag, text]) => [`<${tag}>`, text, `</${tag}>`, ""]),
  "</GUIDE>",
  "",
].join("\n");

function includeProject(output: string = GUIDE): string {
  const dir = makeProject({ "profiles/guide.yaml": 'output: llms-guide.txt\nwrapper: GUIDE\ninclude: ["guide/*.md"]\n', "out/llms-guide.txt": output });
  mkdirSync(path.join(dir, "atoms"));
  return dir;
}

describe("starting from an existing file with an include: profile", () => {
  it("numbers the new atoms so that path order is the file's order; build then reproduces the file and sync-check is clean", async () => {
    const dir = includeProject();

    const adopted = await runCli(["sync", "--adopt"], { cwd: dir });

    expect(adopted.code).toBe(0);
    expect(readdirSync(path.join(dir, "atoms/guide")).sort()).toEqual(["10-intro.md", "20-install.md", "30-usage.md", "40-faq.md", "50-license-info.md"]);
    const build = await runCli(["build"], { cwd: dir });
    expect({ code: build.code, stderr: build.stderr }).toEqual({ code: 0, stderr: "" });
    expect(readFileSync(path.join(dir, "out/llms-guide.txt"), "utf8")).toBe(GUIDE);
    expect(await runCli(["sync-check"], { cwd: dir })).toEqual({ code: 0, stderr: "", stdout: "sync-check: clean: 1 output matches what a build writes\n" });
  });

  it("judges two new sections after an unprefixed atom together: when path order cannot hold both, it refuses with nothing written", async () => {
    const dir = makeProject({
      "profiles/guide.yaml": 'output: llms-guide.txt\nwrapper: GUIDE\ninclude: ["guide/*.md"]\n',
      "atoms/guide/a.md": "---\nid: a\ntitle: A\nbrief: A.\ntag: A\n---\nAlpha.\n",
    });
    expect((await runCli(["build"], { cwd: dir })).code).toBe(0);
    const file = path.join(dir, "out/llms-guide.txt");
    const built = readFileSync(file, "utf8");
    const edited = built.replace("</A>\n", "</A>\n\n<ZED>\nZed.\n</ZED>\n\n<BETA>\nBeta.\n</BETA>\n");
    writeFileSync(file, edited);
    const before = snapshotTree(dir);

    const adopted = await runCli(["sync", "--adopt"], { cwd: dir });

    // zed.md alone would fit, but beta.md sorts before it: judged together, the second cannot be placed.
    expect({ code: adopted.code, reason: adopted.stdout.split("\n")[1] }).toEqual({
      code: 1,
      reason:
        "out/llms-guide.txt:11: unbacked BETA: the new atom atoms/guide/beta.md would be put at another position by this profile's include globs: add a glob, or create the atom by hand where path order places it as it stands in the file",
    });
    expect(snapshotTree(dir)).toEqual(before);
  });
});

const DOCS_PROFILE = "output: llms-docs.txt\nwrapper: DOCS\nsections:\n  - tag: SETUP\n    atoms: [setup]\n  - tag: ON_CALL\n    atoms: [on-call]\n  - tag: WRITING\n    atoms: [style, tone]\n";

/** A built project of three sections (WRITING of two atoms), its output then replaced by `edit` of it. */
async function builtProject(edit: (built: string) => string): Promise<{ dir: string; file: string; edited: string; before: Record<string, string> }> {
  const dir = makeProject({
    "profiles/docs.yaml": DOCS_PROFILE,
    "atoms/setup.md": "---\nid: setup\ntitle: Setup\nbrief: Setup.\ntag: SETUP\n---\nInstall it.\n",
    "atoms/on-call.md": "---\nid: on-call\ntitle: On call\nbrief: On call.\ntag: ON_CALL\n---\nPage the rota.\n",
    "atoms/style.md": "---\nid: style\ntitle: Style\nbrief: Style.\ntag: WRITING\n---\nWrite plainly.\n",
    "atoms/tone.md": "---\nid: tone\ntitle: Tone\nbrief: Tone.\ntag: WRITING\n---\nBe kind.\n",
  });
  expect((await runCli(["build"], { cwd: dir })).code).toBe(0);
  const file = path.join(dir, "out/llms-docs.txt");
  const edited = edit(readFileSync(file, "utf8"));
  writeFileSync(file, edited);
  return { dir, file, edited, before: snapshotTree(dir) };
}

/** Runs adopt and returns its exit code and the reason lines (the indented diffs left out). */
async function adoptReasons(dir: string): Promise<{ code: number; lines: string[] }> {
  const run = await runCli(["sync", "--adopt"], { cwd: dir });
  return { code: run.code, lines: run.stdout.split("\n").filter((line) => line !== "" && !line.startsWith("    ")) };
}

const NOTHING_WRITTEN = "nothing written: adopt carries every hand edit or none, and this one cannot be carried:";

describe("text an atom cannot hold is a reported skip, with nothing written", () => {
  it("a lone CR inside an edited section's line", async () => {
    const { dir, before } = await builtProject((built) => built.replace("Install it.\n", "Install\rit.\n"));

    expect(await adoptReasons(dir)).toEqual({
      code: 1,
      lines: [
        NOTHING_WRITTEN,
        "out/llms-docs.txt:3: edited SETUP: a lone CR (carriage return) in the text cannot be carried: an atom reads it as a line end, so a build would write a new line there; remove it, then adopt again",
      ],
    });
    expect(snapshotTree(dir)).toEqual(before);
  });

  it("a lone CR inside a hand-added section", async () => {
    const { dir, before } = await builtProject((built) => built.replace("</SETUP>\n", "</SETUP>\n\n<CRX>\na\rb\n</CRX>\n"));

    expect(await adoptReasons(dir)).toEqual({
      code: 1,
      lines: [
        NOTHING_WRITTEN,
        "out/llms-docs.txt:7: unbacked CRX: a lone CR (carriage return) in the text cannot be carried: an atom reads it as a line end, so a build would write a new line there; remove it, then adopt again",
      ],
    });
    expect(snapshotTree(dir)).toEqual(before);
  });
});

describe("what a build could not write back is a reported skip, with nothing written", () => {
  it("a hand-added section whose tag is the wrapper's", async () => {
    const { dir, before } = await builtProject((built) => built.replace("</SETUP>\n", "</SETUP>\n\n<DOCS>\nMore docs.\n</DOCS>\n"));

    expect(await adoptReasons(dir)).toEqual({
      code: 1,
      lines: [NOTHING_WRITTEN, "out/llms-docs.txt:7: unbacked DOCS: <DOCS> is the wrapper's tag, and a section may not share it (a build refuses the profile): rename the section, then adopt again"],
    });
    expect(snapshotTree(dir)).toEqual(before);
  });
});

describe("a section deleted by hand", () => {
  it("is reported as not carried, with what to do, beside an edit elsewhere: exit 1, nothing written", async () => {
    const { dir, before } = await builtProject((built) => built.replace("<ON_CALL>\nPage the rota.\n</ON_CALL>\n\n", "").replace("Install it.", "Install it first."));

    expect(await adoptReasons(dir)).toEqual({
      code: 1,
      lines: [
        "nothing written: adopt carries every hand edit or none, and this one cannot be carried:",
        "out/llms-docs.txt:7: missing ON_CALL: deleted by hand, and adopt does not carry a deletion (a build restores the section): remove <ON_CALL> from profiles/docs.yaml, or delete its atoms, then adopt again; or run llmsgen build to restore it",
      ],
    });
    expect(snapshotTree(dir)).toEqual(before);
  });

  it("in an include profile names the atoms to delete", async () => {
    const dir = makeProject({
      "profiles/guide.yaml": 'output: llms-guide.txt\nwrapper: GUIDE\ninclude: ["guide/*.md"]\n',
      "atoms/guide/10-a.md": "---\nid: a\ntitle: A\nbrief: A.\ntag: A\n---\nAlpha.\n",
      "atoms/guide/20-b.md": "---\nid: b\ntitle: B\nbrief: B.\ntag: B\n---\nBeta.\n",
    });
    expect((await runCli(["build"], { cwd: dir })).code).toBe(0);
    const file = path.join(dir, "out/llms-guide.txt");
    writeFileSync(file, readFileSync(file, "utf8").replace("<B>\nBeta.\n</B>\n\n", ""));

    expect(await adoptReasons(dir)).toEqual({
      code: 1,
      lines: [
        "nothing written: adopt carries every hand edit or none, and this one cannot be carried:",
        "out/llms-guide.txt:7: missing B: deleted by hand, and adopt does not carry a deletion (a build restores the section): delete its atoms (atoms/guide/20-b.md), then adopt again; or run llmsgen build to restore it",
      ],
    });
  });

  it("an output file that does not exist is no hand edit: adopt has nothing to carry", async () => {
    const { dir, file } = await builtProject((built) => built);
    rmSync(file);

    expect(await runCli(["sync", "--adopt"], { cwd: dir })).toMatchObject({ code: 0 });
  });
});

describe("an ambiguous split", () => {
  it("a new paragraph between the two atoms of one section is reported with its diff: exit 1, nothing written", async () => {
    const { dir, before } = await builtProject((built) => built.replace("Write plainly.\n\nBe kind.", "Write plainly.\n\nShort sentences.\n\nBe kind."));

    expect(await adoptReasons(dir)).toEqual({
      code: 1,
      lines: [NOTHING_WRITTEN, "out/llms-docs.txt:11: edited WRITING: the edit spans several of its atoms (style, tone), or adds text between two of them, and cannot be split back unambiguously: edit those atoms by hand"],
    });
    expect(snapshotTree(dir)).toEqual(before);
  });
});

describe("a hand-added section with a very long tag", () => {
  const TAG = `${"A_".repeat(150)}Z`;

  it("gets an atom whose file name is cut to a length every file system takes, with a hash of the tag; --dry-run plans what the run writes", async () => {
    const { dir, edited } = await builtProject((built) => built.replace("</SETUP>\n", `</SETUP>\n\n<${TAG}>\nLong.\n</${TAG}>\n`));
    const id = `${"a-".repeat(45)}a-${sha256(TAG).slice(0, 8)}`; // 100 characters

    const dry = await runCli(["sync", "--adopt", "--dry-run"], { cwd: dir });
    const run = await runCli(["sync", "--adopt"], { cwd: dir });

    expect({ dry: dry.code, run: run.code, created: run.stdout.split("\n")[0] }).toEqual({ dry: 0, run: 0, created: `created atoms/${id}.md: new atom for <${TAG}> from out/llms-docs.txt:7` });
    expect(dry.stdout.split("\n")[0]).toBe(`would create atoms/${id}.md: new atom for <${TAG}> from out/llms-docs.txt:7`);
    expect((await runCli(["build"], { cwd: dir })).code).toBe(0);
    expect(readFileSync(path.join(dir, "out/llms-docs.txt"), "utf8")).toBe(edited);
  });
});

describe("adopt's messages agree with sync-check's", () => {
  it("a BOM and a changed wrapper line are named as the check names them, not as text to move into a section", async () => {
    const { dir } = await builtProject((built) => `\uFEFF${built.replace("<DOCS>", '<DOCS lang="en">')}`);

    expect(await adoptReasons(dir)).toEqual({
      code: 1,
      lines: [
        "nothing written: adopt carries every hand edit or none, and these 2 cannot be carried:",
        "out/llms-docs.txt:1: stray: the file starts with a byte order mark, which a build never writes: undo the change in the file, then adopt again",
        "out/llms-docs.txt:1: stray: the wrapper's opening line differs from what a build writes (its attributes come from the profile): change the profile's attributes, or undo the edit",
      ],
    });
  });

  it("a moved section of an include profile: sync-check names the atom files to rename, as adopt does", async () => {
    const dir = makeProject({
      "profiles/guide.yaml": 'output: llms-guide.txt\nwrapper: GUIDE\ninclude: ["guide/*.md"]\n',
      "atoms/guide/10-a.md": "---\nid: a\ntitle: A\nbrief: A.\ntag: A\n---\nAlpha.\n",
      "atoms/guide/20-b.md": "---\nid: b\ntitle: B\nbrief: B.\ntag: B\n---\nBeta.\n",
    });
    expect((await runCli(["build"], { cwd: dir })).code).toBe(0);
    writeFileSync(path.join(dir, "out/llms-guide.txt"), "<GUIDE>\n\n<B>\nBeta.\n</B>\n\n<A>\nAlpha.\n</A>\n\n</GUIDE>\n");

    const check = await runCli(["sync-check"], { cwd: dir });

    expect(check.stdout.split("\n")[0]).toBe(
      "out/llms-guide.txt:3: moved B: <B> stands at another position than a build writes it (right after <A>), and order is content: keep this order by renaming guide/20-b.md (under the atoms dir) so that path order puts <B> where the file has it, or restore the build's with llmsgen build --force",
    );
  });

  it("--format github: each annotation of a finding adopt cannot carry spans the lines it is about (endLine)", async () => {
    const { dir } = await builtProject((built) => built.replace("Write plainly.\n\nBe kind.", "Write plainly.\n\nShort sentences.\n\nBe kind."));

    const run = await runCli(["sync", "--adopt", "--format", "github"], { cwd: dir });

    expect({ code: run.code, head: run.stdout.split("\n")[0]?.split("::").slice(0, 2) }).toEqual({
      code: 1,
      head: ["", "error file=out/llms-docs.txt,line=11,endLine=17,title=llmsgen not adopted%3A edited WRITING"],
    });
  });
});

describe("a hand-added section with a code fence that never closes", () => {
  it("is one finding: the section it swallows is no second, missing one", async () => {
    const { dir } = await builtProject((built) => built.replace("</ON_CALL>\n", "</ON_CALL>\n\n<NOTE>\n```sh\nrun it\n</NOTE>\n"));

    expect((await runCli(["sync-check"], { cwd: dir })).stdout).toBe(
      "out/llms-docs.txt:11: malformed NOTE: <NOTE> is never closed (a code fence opened on line 12 never closes, so later tag lines read as code)\nsync-check: 1 finding in 1 of 1 output\n",
    );
    expect(await adoptReasons(dir)).toEqual({ code: 1, lines: [NOTHING_WRITTEN, "out/llms-docs.txt:11: malformed NOTE: broken section structure: fix the tag lines by hand first"] });
  });
});
