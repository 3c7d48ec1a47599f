import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { atom, makeProject, runCli, snapshotTree } from "../helpers.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const PROFILE = "output: out.txt\nsections:\n  - tag: NOTES\n    atoms: [first]\n";
const first = atom({ id: "first", title: "First", brief: "The first note." }, "Some text.");

/** Runs `llmsgen lint` on a project made of `files` plus a valid profile and atom. */
async function lintOf(files: Record<string, string>) {
  const project = makeProject({ "profiles/p.yaml": PROFILE, "atoms/first.md": first, ...files });
  const before = snapshotTree(project);
  const run = await runCli(["lint"], { cwd: project });
  expect(snapshotTree(project)).toEqual(before);
  return run;
}

describe("llmsgen lint", () => {
  it("passes a clean project with exit 0", async () => {
    expect(await lintOf({})).toEqual({ code: 0, stdout: "lint: 0 errors, 0 warnings\n", stderr: "" });
  });

  it("passes the repo's own atoms and profiles with zero errors and zero warnings", async () => {
    expect(await runCli(["lint"], { cwd: REPO })).toEqual({ code: 0, stdout: "lint: 0 errors, 0 warnings\n", stderr: "" });
  });

  it("reports frontmatter schema errors", async () => {
    const run = await lintOf({ "atoms/bad.md": "---\nid: Bad_Id\ntitle: T\nbrief: B\npriority: 101\n---\nText.\n" });
    expect(run).toEqual({
      code: 1,
      stdout: [
        "atoms/bad.md:2: error: frontmatter.id must be kebab-case like 'sign-verify', got \"Bad_Id\"",
        "atoms/bad.md:5: error: frontmatter.priority must be a whole number from 0 to 100, got 101",
        "lint: 2 errors, 0 warnings",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("reports duplicate ids, naming both files", async () => {
    const run = await lintOf({ "atoms/again.md": atom({ id: "first", title: "Again", brief: "Same id." }, "Other text.") });
    expect(run).toEqual({
      code: 1,
      stdout: [
        "atoms/again.md:2: warning: file name 'again.md' and id 'first' differ: rename the file to first.md (an order prefix such as 10- may stand before the id) so both find the same atom",
        "atoms/first.md:2: error: duplicate atom id 'first', also used by atoms/again.md: ids must be unique",
        "lint: 1 error, 1 warning",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("reports duplicate section tags within a profile", async () => {
    const run = await lintOf({ "profiles/p.yaml": `${PROFILE}  - tag: NOTES\n    atoms: []\n` });
    expect(run).toEqual({
      code: 1,
      stdout: "profiles/p.yaml:5: error: sections[1].tag 'NOTES' is used twice (also sections[0]): section tags must be unique\nlint: 1 error, 0 warnings\n",
      stderr: "",
    });
  });

  it("warns about related ids that do not exist, at their line", async () => {
    const run = await lintOf({ "atoms/first.md": "---\nid: first\ntitle: First\nbrief: The first note.\nrelated:\n  - nowhere\n---\nSome text.\n" });
    expect(run).toEqual({
      code: 0,
      stdout: "atoms/first.md:6: warning: related atom 'nowhere' does not exist: fix the id or remove it from related\nlint: 0 errors, 1 warning\n",
      stderr: "",
    });
  });

  it("warns when the file name and the id disagree", async () => {
    const run = await lintOf({ "atoms/first.md": atom({ id: "first", title: "First", brief: "B." }, "Text."), "atoms/misnamed.md": atom({ id: "second", title: "S", brief: "B." }, "Text.") });
    expect(run).toEqual({
      code: 0,
      stdout: "atoms/misnamed.md:2: warning: file name 'misnamed.md' and id 'second' differ: rename the file to second.md (an order prefix such as 10- may stand before the id) so both find the same atom\nlint: 0 errors, 1 warning\n",
      stderr: "",
    });
  });

  it("takes an order prefix before the id as the same name", async () => {
    const run = await lintOf({ "atoms/10-third.md": atom({ id: "third", title: "Third", brief: "B." }, "Text."), "atoms/07b-second.md": atom({ id: "second", title: "S", brief: "B." }, "Text.") });
    expect(run).toEqual({ code: 0, stdout: "lint: 0 errors, 0 warnings\n", stderr: "" });
  });

  it("reports an empty body", async () => {
    const run = await lintOf({ "atoms/second.md": "---\nid: second\ntitle: S\nbrief: B.\n---\n\n" });
    expect(run).toEqual({
      code: 1,
      stdout: "atoms/second.md:5: error: the atom has no text after the frontmatter that ends here: write its body, or delete the file\nlint: 1 error, 0 warnings\n",
      stderr: "",
    });
  });

  it("reports a ```mlld fence that never closes, at its line", async () => {
    const run = await lintOf({ "atoms/second.md": atom({ id: "second", title: "S", brief: "B." }, "Intro.\n\n```mlld\nvar @x = 1\n") });
    expect(run).toEqual({
      code: 1,
      stdout: "atoms/second.md:8: error: code fence '```mlld' never closes: add a closing fence line, or the rest of every output would read as code\nlint: 1 error, 0 warnings\n",
      stderr: "",
    });
  });

  it("reports a line that would read as a section tag, but not one inside a fence", async () => {
    const body = "Intro.\n</NOTES>\n\n~~~\n<NOTES>\n~~~";
    const run = await lintOf({ "atoms/second.md": atom({ id: "second", title: "S", brief: "B." }, body) });
    expect(run).toEqual({
      code: 1,
      stdout: "atoms/second.md:7: error: line '</NOTES>' would read as a section tag in every output: indent it, or put it inside a code fence\nlint: 1 error, 0 warnings\n",
      stderr: "",
    });
  });

  it("reports every problem of every kind at once", async () => {
    const run = await lintOf({
      "atoms/second.md": "---\nid: second\ntitle: S\nbrief: B.\n---\n",
      "atoms/third.md": "---js\n{ id: 'third' }\n---\nText.\n",
      "profiles/p.yaml": `${PROFILE}  - tag: MORE\n    atoms: [missing-one]\n`,
    });
    expect(run).toEqual({
      code: 1,
      stdout: [
        "atoms/second.md:5: error: the atom has no text after the frontmatter that ends here: write its body, or delete the file",
        "atoms/third.md:1: error: frontmatter language 'js' is refused: only YAML frontmatter is read (first line exactly '---'); the block was not evaluated",
        "profiles/p.yaml:6: error: sections[1].atoms[0]: no atom has id 'missing-one'",
        "lint: 3 errors, 0 warnings",
        "",
      ].join("\n"),
      stderr: "",
    });
  });
});

describe("llmsgen lint on index profiles", () => {
  it("reports an index that names a profile that does not exist", async () => {
    const run = await lintOf({ "profiles/idx.yaml": "output: llms.txt\nindex:\n  title: T\n  summary: S\n  profiles: [p, nope]\n" });
    expect(run).toEqual({
      code: 1,
      stdout: "profiles/idx.yaml:5: error: index.profiles[1]: no profile named 'nope' to list (an index lists the other, non-index profiles: p)\nlint: 1 error, 0 warnings\n",
      stderr: "",
    });
  });
});

describe("llmsgen lint where it cannot look", () => {
  it("exits 2 for an unknown --profile, naming the flag", async () => {
    const project = makeProject({ "profiles/p.yaml": PROFILE, "atoms/first.md": first });
    expect(await runCli(["lint", "--profile", "q"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "--profile q: no profile named 'q' in profiles (did you mean 'p'?); available: p\n",
    });
  });

  it("exits 2 when the atoms dir does not exist", async () => {
    const project = makeProject({ "profiles/p.yaml": PROFILE });
    expect(await runCli(["lint"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: "atoms: atoms dir not found: create it, or point --atoms or --root at it\n" });
  });
});

describe("llmsgen lint and the docs-tree keys", () => {
  const tree = {
    "atoms/guide/_index.md": atom({ id: "guide-index", title: "Guide", brief: "Landing page." }, "Navigation only."),
    "atoms/guide/01-setup--install.md": atom({ id: "install", title: "Install", brief: "Install it." }, "Run the installer."),
    "atoms/guide/02-setup--configure.md": atom({ id: "setup-configure", title: "Configure", brief: "Configure it." }, "Edit the config."),
    "atoms/guide/03b-usage.md": atom({ id: "usage", title: "Usage", brief: "Use it." }, "Call it."),
    "atoms/guide/04-faq.md": atom({ id: "questions", title: "FAQ", brief: "Questions." }, "Ask away."),
    "notes/extra.md": "Kept by hand.\n",
  };

  it("takes file names by the convention for their ids, warns about the one that is not, and about an exclude that excludes nothing", async () => {
    const run = await lintOf({
      ...tree,
      "profiles/guide.yaml": 'output: guide.txt\ninclude: ["guide/*.md"]\nexclude: ["**/_*.md", "**/drafts/**"]\ntags_from: filename\n',
      "profiles/all.yaml": "output: all.txt\nparts:\n  - profile: guide\n  - file: notes/extra.md\n",
    });
    expect(run).toEqual({
      code: 0,
      stdout: [
        "atoms/guide/04-faq.md:2: warning: file name '04-faq.md' and id 'questions' differ: rename the file to questions.md (an order prefix such as 10- may stand before the id) so both find the same atom",
        "profiles/guide.yaml:3: warning: exclude[1] '**/drafts/**' matches no atom file, so it excludes nothing: fix the pattern, or remove it",
        "lint: 0 errors, 2 warnings",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("reports the new keys' errors with every other problem, at their lines", async () => {
    const run = await lintOf({
      ...tree,
      "profiles/guide.yaml": 'output: guide.txt\ninclude: ["guide/*.md"]\ntags_from: file\nfinal_newline: maybe\n',
      "profiles/all.yaml": "output: all.txt\nparts:\n  - profile: guide\n  - file: notes/missing.md\n",
    });
    expect(run).toEqual({
      code: 1,
      stdout: [
        "atoms/guide/04-faq.md:2: warning: file name '04-faq.md' and id 'questions' differ: rename the file to questions.md (an order prefix such as 10- may stand before the id) so both find the same atom",
        'profiles/all.yaml:4: error: parts[1].file "notes/missing.md" does not exist: create the file, or fix the path (it is relative to the project root)',
        'profiles/guide.yaml:3: error: tags_from must be \'frontmatter\' (each atom\'s tag, the default) or \'filename\' (the file name convention NN-parent--child.md), got "file"',
        'profiles/guide.yaml:4: error: final_newline must be true or false, got "maybe"',
        "lint: 3 errors, 1 warning",
        "",
      ].join("\n"),
      stderr: "",
    });
  });
});
