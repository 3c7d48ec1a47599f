import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeProject, runCli, snapshotTree } from "../helpers.js";

// Moving an existing hand-written llms-*.txt under llmsgen: a profile with nothing in it yet, then one adopt.

const HAND_WRITTEN = [
  "<GUIDE>",
  "",
  "<INSTALL>",
  "Install the tool with your package manager.",
  "</INSTALL>",
  "",
  "<CONFIGURE>",
  "Write a config file next to the project.",
  "",
  "It may hold comments.",
  "</CONFIGURE>",
  "",
  "<RUN>",
  "Run it from the project root.",
  "</RUN>",
  "",
  "<TROUBLESHOOT>",
  "Check the log first.",
  "</TROUBLESHOOT>",
  "",
  "<UNINSTALL>",
  "Remove the package and its cache.",
  "</UNINSTALL>",
  "",
  "</GUIDE>",
  "",
].join("\n");

const EMPTY_PROFILE = "output: llms-guide.txt\nwrapper: GUIDE   # the outer tag\n\nsections: []   # filled by adopt\n";
const WARNING = "llmsgen: warning: profiles/guide.yaml:4: this profile names no atom yet, so a build would render nothing: run llmsgen sync --adopt to make atoms of the sections of llms-guide.txt\n";

/** A project with `profile` and, unless `output` is null, that text as its output file. */
function project(profile = EMPTY_PROFILE, output: string | null = HAND_WRITTEN): string {
  const dir = makeProject({ "profiles/guide.yaml": profile, ...(output === null ? {} : { "out/llms-guide.txt": output }) });
  mkdirSync(path.join(dir, "atoms"));
  return dir;
}

describe("starting from an existing file", () => {
  it("one sync --adopt turns a hand-written file of five sections into atoms and profile entries; build then reproduces it byte for byte", async () => {
    const dir = project();

    const adopted = await runCli(["sync", "--adopt"], { cwd: dir });

    expect(adopted).toEqual({
      code: 0,
      stderr: WARNING,
      stdout: [
        "created atoms/configure.md: new atom for <CONFIGURE> from out/llms-guide.txt:7",
        "created atoms/install.md: new atom for <INSTALL> from out/llms-guide.txt:3",
        "created atoms/run.md: new atom for <RUN> from out/llms-guide.txt:13",
        "created atoms/troubleshoot.md: new atom for <TROUBLESHOOT> from out/llms-guide.txt:17",
        "created atoms/uninstall.md: new atom for <UNINSTALL> from out/llms-guide.txt:21",
        "updated profiles/guide.yaml: section INSTALL added; section CONFIGURE added; section RUN added; section TROUBLESHOOT added; section UNINSTALL added",
        "next: llmsgen build, then llmsgen sync-check",
        "",
      ].join("\n"),
    });
    expect(readFileSync(path.join(dir, "profiles/guide.yaml"), "utf8")).toBe(
      [
        "output: llms-guide.txt",
        "wrapper: GUIDE   # the outer tag",
        "",
        "sections: # filled by adopt",
        ...["INSTALL", "CONFIGURE", "RUN", "TROUBLESHOOT", "UNINSTALL"].flatMap((tag) => [`  - tag: ${tag}`, `    atoms: [${tag.toLowerCase()}]`]),
        "",
      ].join("\n"),
    );
    expect(readFileSync(path.join(dir, "atoms/configure.md"), "utf8")).toBe(
      "---\nid: configure\ntitle: Configure\nbrief: Write a config file next to the project.\ntag: CONFIGURE\n---\nWrite a config file next to the project.\n\nIt may hold comments.\n",
    );

    const build = await runCli(["build"], { cwd: dir });
    expect({ code: build.code, stderr: build.stderr }).toEqual({ code: 0, stderr: "" });
    expect(readFileSync(path.join(dir, "out/llms-guide.txt"), "utf8")).toBe(HAND_WRITTEN);
    expect(await runCli(["sync-check"], { cwd: dir })).toEqual({ code: 0, stderr: "", stdout: "sync-check: clean: 1 output matches what a build writes\n" });
  });

  it("sync-check reports each section of the file as unbacked, with the warning", async () => {
    const dir = project();

    const run = await runCli(["sync-check"], { cwd: dir });

    expect({ code: run.code, stderr: run.stderr, heads: run.stdout.split("\n").filter((line) => !line.startsWith("    ")) }).toEqual({
      code: 1,
      stderr: WARNING,
      heads: [
        ...[
          ["INSTALL", 3],
          ["CONFIGURE", 7],
          ["RUN", 13],
          ["TROUBLESHOOT", 17],
          ["UNINSTALL", 21],
        ].map(
          ([tag, line]) =>
            `out/llms-guide.txt:${line}: unbacked ${tag}: <${tag}> has no backing atom: it was written by hand and a build would delete it; run llmsgen sync --adopt to turn it into an atom`,
        ),
        "sync-check: 5 findings in 1 of 1 output",
        "",
      ],
    });
  });

  it("build refuses (exit 1, nothing written) and points to adopt; with --force it is an error that nothing would be rendered (exit 2)", async () => {
    const dir = project();
    const before = snapshotTree(dir);

    const build = await runCli(["build"], { cwd: dir });
    expect({ code: build.code, first: build.stderr.split("\n")[1], last: build.stderr.split("\n").at(-2) }).toEqual({
      code: 1,
      first: "llmsgen: nothing written: out/llms-guide.txt holds hand-written text a build would destroy (INSTALL, CONFIGURE, RUN, TROUBLESHOOT, UNINSTALL)",
      last: "Keep it: llmsgen sync --adopt (preview with --dry-run) brings unbacked, edited and moved sections into atoms and profiles (drift needs --section TAG; other findings need a hand). Discard it: llmsgen build --force.",
    });
    expect(snapshotTree(dir)).toEqual(before);

    expect(await runCli(["build", "--force"], { cwd: dir })).toEqual({
      code: 2,
      stdout: "",
      stderr: `${WARNING}profiles/guide.yaml:4: nothing would be rendered into llms-guide.txt: this profile names no atom yet; run llmsgen sync --adopt to make atoms of the file's sections, or add atoms to the profile (--force never writes an empty output)\n`,
    });
    expect(snapshotTree(dir)).toEqual(before);
  });

  it("a file of only its wrapper lines, like a build of nothing would write, is never written by build", async () => {
    const dir = project(EMPTY_PROFILE, "<GUIDE>\n\nNotes to be split into sections.\n\n</GUIDE>\n");
    const before = snapshotTree(dir);

    const build = await runCli(["build"], { cwd: dir });

    expect({ code: build.code, finding: build.stderr.split("\n")[2] }).toEqual({
      code: 1,
      finding: "out/llms-guide.txt:3: stray: text outside any section differs from what a build writes: put it inside a section, or remove it",
    });
    expect(snapshotTree(dir)).toEqual(before);
  });

  it("an empty sections: list without an existing output stays an error (exit 2)", async () => {
    const dir = project(EMPTY_PROFILE, null);

    expect(await runCli(["build"], { cwd: dir })).toEqual({
      code: 2,
      stdout: "",
      stderr: "profiles/guide.yaml:4: 'sections' is empty and llms-guide.txt does not exist: name at least one atom, or put a hand-written file there and run llmsgen sync --adopt\n",
    });
    expect(readdirSync(dir).sort()).toEqual(["atoms", "profiles"]);
  });

  it("an include glob that matches nothing is a warning when the output exists, and adopt puts the new atoms where the glob picks them up", async () => {
    const dir = project('output: llms-guide.txt\nwrapper: GUIDE\ninclude: ["guide/*.md"]\n', "<GUIDE>\n\n<INSTALL>\nInstall it.\n</INSTALL>\n\n</GUIDE>\n");

    const adopted = await runCli(["sync", "--adopt"], { cwd: dir });

    expect(adopted).toEqual({
      code: 0,
      stderr:
        "llmsgen: warning: profiles/guide.yaml:3: include[0] glob 'guide/*.md' matches no atom file yet: run llmsgen sync --adopt to make atoms of the sections of llms-guide.txt\n" +
        "llmsgen: warning: profiles/guide.yaml:3: this profile names no atom yet, so a build would render nothing: run llmsgen sync --adopt to make atoms of the sections of llms-guide.txt\n",
      stdout: "created atoms/guide/install.md: new atom for <INSTALL> from out/llms-guide.txt:3\nnext: llmsgen build, then llmsgen sync-check\n",
    });
    expect((await runCli(["build"], { cwd: dir })).code).toBe(0);
    expect(readFileSync(path.join(dir, "out/llms-guide.txt"), "utf8")).toBe("<GUIDE>\n\n<INSTALL>\nInstall it.\n</INSTALL>\n\n</GUIDE>\n");
  });

  it("an include glob that matches nothing stays an error when the output does not exist", async () => {
    const dir = project('output: llms-guide.txt\ninclude: ["guide/*.md"]\n', null);

    expect(await runCli(["build"], { cwd: dir })).toEqual({
      code: 2,
      stdout: "",
      stderr: "profiles/guide.yaml:2: include[0] glob 'guide/*.md' matches no atom file\n",
    });
  });
});
