import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { get_encoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { makeProject, runCli, snapshotTree } from "../helpers.js";

const NEXT = [
  "",
  "next:",
  "  npx llmsgen lint                  check atoms and profiles as you write them",
  "  npx llmsgen build --profile full  rebuild the output after editing atoms",
  "  npx llmsgen sync-check            in CI: fail when someone edits a generated file by hand",
  "",
].join("\n");

function tokens(text: string): number {
  const encoding = get_encoding("o200k_base");
  try {
    return encoding.encode_ordinary(text).length;
  } finally {
    encoding.free();
  }
}

describe("llmsgen init", () => {
  it("scaffolds a project in an empty folder, builds it once, and leaves it clean for build, sync-check and lint", async () => {
    const project = makeProject({});

    const run = await runCli(["init"], { cwd: project });

    const output = readFileSync(path.join(project, "out/llms-full.txt"), "utf8");
    expect(run).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "created llmsgen.config.yaml",
        "created atoms/10-start-here.md",
        "created atoms/20-writing-atoms.md",
        "created profiles/full.yaml",
        `built out/llms-full.txt (${tokens(output)} tokens), recorded in out/llmsgen.lock.json`,
        "",
      ].join("\n") + NEXT,
    });
    expect(Object.keys(snapshotTree(project)).filter((file) => !file.startsWith(".llmsgen-cache/"))).toEqual([
      "atoms/10-start-here.md",
      "atoms/20-writing-atoms.md",
      "llmsgen.config.yaml",
      "out/llms-full.txt",
      "out/llmsgen.lock.json",
      "profiles/full.yaml",
    ]);
    expect(output.split("\n").filter((line) => /^<\/?[A-Z_]+>$/.test(line))).toEqual(["<START_HERE>", "</START_HERE>", "<WRITING_ATOMS>", "</WRITING_ATOMS>"]);
    expect(readFileSync(path.join(project, "llmsgen.config.yaml"), "utf8")).toContain("\natoms: atoms     ");

    const built = snapshotTree(project);
    expect((await runCli(["build", "--check", "--quiet"], { cwd: project })).code).toBe(0);
    expect(await runCli(["sync-check"], { cwd: project })).toEqual({ code: 0, stderr: "", stdout: "sync-check: clean: 1 output matches what a build writes\n" });
    expect(await runCli(["lint"], { cwd: project })).toEqual({ code: 0, stderr: "", stdout: "lint: 0 errors, 0 warnings\n" });
    expect(snapshotTree(project)).toEqual(built);
  });

  it("records other dirs in the config, so later runs from any subfolder find them", async () => {
    const project = makeProject({});

    const run = await runCli(["init", "--atoms", "docs/atoms", "--profiles", "docs/profiles", "--out", "public/llm"], { cwd: project });

    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").slice(0, 4)).toEqual(["created llmsgen.config.yaml", "created docs/atoms/10-start-here.md", "created docs/atoms/20-writing-atoms.md", "created docs/profiles/full.yaml"]);
    const config = readFileSync(path.join(project, "llmsgen.config.yaml"), "utf8");
    expect(config.split("\n").filter((line) => /^(atoms|profiles|out):/.test(line)).map((line) => line.replace(/\s+#.*$/, ""))).toEqual([
      "atoms: docs/atoms",
      "profiles: docs/profiles",
      "out: public/llm",
    ]);
    expect(await runCli(["sync-check"], { cwd: path.join(project, "docs/atoms") })).toEqual({ code: 0, stderr: "", stdout: "sync-check: clean: 1 output matches what a build writes\n" });
  });

  it("starts the project in --root, a folder it creates", async () => {
    const project = makeProject({});

    const run = await runCli(["init", "--root", "site"], { cwd: project });

    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").slice(0, 4)).toEqual(["created llmsgen.config.yaml", "created atoms/10-start-here.md", "created atoms/20-writing-atoms.md", "created profiles/full.yaml"]);
    expect(Object.keys(snapshotTree(project)).filter((file) => !file.includes(".llmsgen-cache/"))).toEqual([
      "site/atoms/10-start-here.md",
      "site/atoms/20-writing-atoms.md",
      "site/llmsgen.config.yaml",
      "site/out/llms-full.txt",
      "site/out/llmsgen.lock.json",
      "site/profiles/full.yaml",
    ]);
    const explained = await runCli(["explain", "start-here", "--json"], { cwd: path.join(project, "site/atoms") });
    expect({ code: explained.code, stderr: explained.stderr }).toEqual({ code: 0, stderr: "" });
    expect((JSON.parse(explained.stdout) as { placements: { output: string; section: string; state: string }[] }).placements.map(({ output, section, state }) => ({ output, section, state }))).toEqual([
      { output: "out/llms-full.txt", section: "START_HERE", state: "full" },
    ]);
  });

  it("overwrites nothing: lists everything in the way, exits 2 and writes nothing", async () => {
    const project = makeProject({ "atoms/mine.md": "my own notes\n", "llmsgen.config.yaml": "atoms: atoms\n", "package.json": '{ "name": "site", "llmsgen": { "out": "public" } }\n' });
    mkdirSync(path.join(project, "out"));
    const before = snapshotTree(project);

    expect(await runCli(["init"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: [
        "atoms: exists already, and init never overwrites: move it away, or choose another dir with --atoms DIR",
        "out: exists already, and init never overwrites: move it away, or choose another dir with --out DIR",
        "llmsgen.config.yaml: exists already, and init never overwrites: move it away, or start the project in another folder",
        "package.json: exists already, and init never overwrites: this folder has an llmsgen config; edit it instead, or start the project in another folder",
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("refuses to start a project inside another: exit 2 naming the config found above, unless --root says where", async () => {
    const project = makeProject({ "llmsgen.config.yaml": "out: public\n", "docs/notes.md": "mine\n" });
    const before = snapshotTree(project);

    expect(await runCli(["init"], { cwd: path.join(project, "docs") })).toEqual({
      code: 2,
      stdout: "",
      stderr: "../llmsgen.config.yaml: this config already makes a project of a folder that holds the current one: run llmsgen commands there, or give init --root . to start a separate project here anyway\n",
    });
    expect(snapshotTree(project)).toEqual(before);

    const anyway = await runCli(["init", "--root", "."], { cwd: path.join(project, "docs") });
    expect(anyway.code).toBe(0);
    expect(existsSync(path.join(project, "docs/llmsgen.config.yaml"))).toBe(true);
  });

  it("removes what it created when the first build fails", async () => {
    const project = makeProject({ blocker: "a file where the out dir would go\n" });
    const before = snapshotTree(project);

    const run = await runCli(["init", "--out", "blocker/out"], { cwd: project });

    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("blocker/out: ENOTDIR: a part of this path is not a directory\n");
    expect(snapshotTree(project)).toEqual(before);
  });
});

describe("llmsgen init --from", () => {
  const HAND_WRITTEN = [
    "<HANDBOOK>",
    "",
    "<SETUP>",
    "Install with `npm ci`.",
    "",
    "Then copy `.env.example` to `.env`.",
    "</SETUP>",
    "",
    "<USAGE>",
    "Run `make serve` and open port 8080.",
    "</USAGE>",
    "",
    "<RELEASES>",
    "Tag the commit, then push the tag.",
    "```sh",
    "git tag v1.2.3",
    "```",
    "</RELEASES>",
    "",
    "<SUPPORT>",
    "Ask in the team channel first.",
    "</SUPPORT>",
    "",
    "<FAQ>",
    "**Why two configs?** One is for CI.",
    "</FAQ>",
    "",
    "</HANDBOOK>",
    "",
  ].join("\n");

  it("makes atoms and a profile of a hand-written file of five sections, which then builds byte for byte, clean for sync-check and lint", async () => {
    const project = makeProject({ "public/handbook.txt": HAND_WRITTEN });

    const run = await runCli(["init", "--from", "public/handbook.txt"], { cwd: project });

    expect(run).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "created llmsgen.config.yaml",
        "created profiles/handbook.yaml",
        "created atoms/faq.md",
        "created atoms/releases.md",
        "created atoms/setup.md",
        "created atoms/support.md",
        "created atoms/usage.md",
        "created public/llmsgen.lock.json",
        `built public/handbook.txt (${tokens(HAND_WRITTEN)} tokens), recorded in public/llmsgen.lock.json`,
        "",
        "next:",
        "  npx llmsgen lint                      check atoms and profiles as you write them",
        "  npx llmsgen build --profile handbook  rebuild the output after editing atoms",
        "  npx llmsgen sync-check                in CI: fail when someone edits a generated file by hand",
        "",
      ].join("\n"),
    });
    expect(readFileSync(path.join(project, "public/handbook.txt"), "utf8")).toBe(HAND_WRITTEN);
    expect(readFileSync(path.join(project, "profiles/handbook.yaml"), "utf8")).toBe(
      [
        "# The profile of handbook.txt, made from the file by llmsgen init --from: one",
        "# section entry per section of the file, each naming the atom made of its text.",
        "output: handbook.txt",
        "wrapper: HANDBOOK",
        "sections:",
        "  - tag: SETUP",
        "    atoms: [setup]",
        "  - tag: USAGE",
        "    atoms: [usage]",
        "  - tag: RELEASES",
        "    atoms: [releases]",
        "  - tag: SUPPORT",
        "    atoms: [support]",
        "  - tag: FAQ",
        "    atoms: [faq]",
        "",
      ].join("\n"),
    );
    const built = snapshotTree(project);
    expect((await runCli(["build", "--check", "--quiet"], { cwd: project })).code).toBe(0);
    expect(await runCli(["sync-check"], { cwd: project })).toEqual({ code: 0, stderr: "", stdout: "sync-check: clean: 1 output matches what a build writes\n" });
    expect(await runCli(["lint"], { cwd: project })).toEqual({ code: 0, stderr: "", stdout: "lint: 0 errors, 0 warnings\n" });
    expect(snapshotTree(project)).toEqual(built);
  });

  it("keeps nothing when the file holds text no atom can carry: says what and where, exit 1", async () => {
    const project = makeProject({ "public/handbook.txt": HAND_WRITTEN.replace("<USAGE>", "A note between sections.\n\n<USAGE>") });
    const before = snapshotTree(project);

    const run = await runCli(["init", "--from", "public/handbook.txt"], { cwd: project });

    expect({ code: run.code, stderr: run.stderr, first: run.stdout.split("\n")[0], last: run.stdout.trimEnd().split("\n").at(-1) }).toEqual({
      code: 1,
      stderr: "",
      first: "nothing written: adopt carries every hand edit or none, and this one cannot be carried:",
      last: "nothing kept: init --from makes a project only of a file whose every part an atom can carry",
    });
    expect(run.stdout).toContain("public/handbook.txt:9: stray: ");
    expect(snapshotTree(project)).toEqual(before);
  });

  it("is bad input when the file is missing, outside the out dir given, or already an llmsgen output", async () => {
    const project = makeProject({ "notes/handbook.txt": HAND_WRITTEN, "public/llmsgen.lock.json": "{}\n", "public/site.txt": HAND_WRITTEN });
    const before = snapshotTree(project);

    expect(await runCli(["init", "--from", "missing.txt"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: "--from missing.txt: no such file: give the hand-written file of tagged sections to start from\n" });
    expect(await runCli(["init", "--from", "notes/handbook.txt", "--out", "public"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "--from notes/handbook.txt: the file lies outside the out dir public: leave out --out (the file's own folder is taken), or give one that holds it\n",
    });
    expect(await runCli(["init", "--from", "public/site.txt"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "--from public/site.txt: public/llmsgen.lock.json exists already: this out dir is an llmsgen project's; run llmsgen sync --adopt there instead\n",
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  describe("takes the file's frame into the profile, and the rebuild is byte for byte", () => {
    const SECTIONS = "<SETUP>\nInstall it.\n</SETUP>\n\n<USAGE>\nRun it.\n</USAGE>";
    const HEAD = "# The profile of guide.txt, made from the file by llmsgen init --from: one\n# section entry per section of the file, each naming the atom made of its text.\noutput: guide.txt\n";
    const ENTRIES = "sections:\n  - tag: SETUP\n    atoms: [setup]\n  - tag: USAGE\n    atoms: [usage]\n";

    /** Runs init --from on `text`, then checks the rebuild leaves it byte for byte and sync-check is clean; returns the profile made. */
    async function initFrom(text: string): Promise<string> {
      const project = makeProject({ "public/guide.txt": text });
      const run = await runCli(["init", "--from", "public/guide.txt"], { cwd: project });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
      expect(readFileSync(path.join(project, "public/guide.txt"), "utf8")).toBe(text);
      expect((await runCli(["build", "--check", "--quiet"], { cwd: project })).code).toBe(0);
      expect(await runCli(["sync-check"], { cwd: project })).toEqual({ code: 0, stderr: "", stdout: "sync-check: clean: 1 output matches what a build writes\n" });
      return readFileSync(path.join(project, "profiles/guide.yaml"), "utf8");
    }

    it("a wrapper with attributes: written as literal strings, entities decoded", async () => {
      const profile = await initFrom(`<GUIDE version="1" title="Tom &amp; Jerry &quot;2&quot;">\n\n${SECTIONS}\n\n</GUIDE>\n`);
      expect(profile).toBe(`${HEAD}wrapper: GUIDE\nattributes:\n  version: "1"\n  title: "Tom & Jerry \\"2\\""\n${ENTRIES}`);
    });

    it("a preamble between the wrapper and the first section", async () => {
      const profile = await initFrom(`<GUIDE>\n\nRead this first.\n\nIt has: two paragraphs.\n\n${SECTIONS}\n\n</GUIDE>\n`);
      expect(profile).toBe(`${HEAD}wrapper: GUIDE\npreamble: "Read this first.\\n\\nIt has: two paragraphs."\n${ENTRIES}`);
    });

    it("no final newline", async () => {
      const profile = await initFrom(`<GUIDE>\n\n${SECTIONS}\n\n</GUIDE>`);
      expect(profile).toBe(`${HEAD}wrapper: GUIDE\nfinal_newline: false\n${ENTRIES}`);
    });

    it("all three at once, and a file of bare sections with a preamble", async () => {
      expect(await initFrom(`<GUIDE v="2">\n\nFirst.\n\n${SECTIONS}\n\n</GUIDE>`)).toBe(`${HEAD}wrapper: GUIDE\nattributes:\n  v: "2"\npreamble: "First."\nfinal_newline: false\n${ENTRIES}`);
      expect(await initFrom(`First.\n\n${SECTIONS}\n`)).toBe(`${HEAD}preamble: "First."\n${ENTRIES}`);
    });

    it("an attribute holding ${ is no frame a profile writes literally: the wrapper line is reported, nothing kept", async () => {
      const project = makeProject({ "public/guide.txt": `<GUIDE v="\${x}">\n\n${SECTIONS}\n\n</GUIDE>\n` });
      const before = snapshotTree(project);
      const run = await runCli(["init", "--from", "public/guide.txt"], { cwd: project });
      expect({ code: run.code, last: run.stdout.trimEnd().split("\n").at(-1) }).toEqual({
        code: 1,
        last: "nothing kept: init --from makes a project only of a file whose every part an atom can carry",
      });
      expect(snapshotTree(project)).toEqual(before);
    });
  });
});
