import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeProject, runCli, snapshotTree, writeFiles } from "../helpers.js";
import { FIRST_BUILD, SMALL_ATOMS, SMALL_PROFILE, SMALL_REPORT, smallProject, TAGS_REPORT, under, UP_TO_DATE } from "./small-project.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const BIN = path.join(REPO, "dist/cli/bin.js");

describe("llmsgen --version and --help", () => {
  it("prints the package version", async () => {
    const version = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;

    expect(await runCli(["--version"], { cwd: REPO })).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("prints build --help with its options and examples", async () => {
    expect(await runCli(["build", "--help"], { cwd: REPO })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "Usage: llmsgen build [options]",
        "",
        "render each profile's output under its budgets and write it with the manifest",
        "",
        "Options:",
        "  --profile <name|path>  profile to use, by name or path; repeatable (default:",
        "                         every profile in the profiles dir)",
        "  --root <dir>           project root (default: the config file's folder, else",
        "                         the current directory)",
        "  --atoms <dir>          atoms dir (default: <root>/atoms)",
        "  --profiles <dir>       profiles dir (default: <root>/profiles)",
        "  --out <dir>            out dir (default: <root>/out)",
        "  --cache <dir>          cache dir for token counts and parsed atoms (default:",
        "                         <root>/.llmsgen-cache)",
        "  --no-cache             neither read nor write the cache",
        "  --config <file>        read settings from this file (default: the nearest",
        "                         llmsgen.config.yaml, or package.json \"llmsgen\" key, at",
        "                         or above the current directory)",
        "  --no-config            read no config file",
        "  --format <format>      output format (choices: \"text\", \"json\", \"github\",",
        "                         default: \"text\")",
        "  --json                 the same as --format json",
        "  -q, --quiet            print only problems",
        "  --check                write nothing; exit 1 if any output or the manifest",
        "                         would change",
        "  --diff                 write nothing; show what would change as unified diffs",
        "                         (exit 1 with --check when anything would)",
        "  --stdout               print the one --profile's output instead of writing it",
        "  --force                overwrite outputs even where they hold hand-written",
        "                         text",
        "  -h, --help             show help for this command",
        "",
        "Examples:",
        "  $ llmsgen build --profile full",
        "  $ llmsgen build --check --quiet",
        "  $ llmsgen build --diff",
        "  $ llmsgen build --stdout --profile brief | less",
        "  $ llmsgen build --format json --profile brief",
        "",
        "",
      ].join("\n"),
    });
  });

  it("ends build --help with an Examples section", async () => {
    const run = await runCli(["build", "--help"], { cwd: REPO });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout.slice(run.stdout.indexOf("\nExamples:"))).toBe(
      "\nExamples:\n  $ llmsgen build --profile full\n  $ llmsgen build --check --quiet\n  $ llmsgen build --diff\n  $ llmsgen build --stdout --profile brief | less\n  $ llmsgen build --format json --profile brief\n\n",
    );
  });
});

describe("usage errors exit 2", () => {
  it("refuses an unknown command", async () => {
    expect(await runCli(["frobnicate"], { cwd: REPO })).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: unknown command 'frobnicate'\n(run with --help for usage)\n",
    });
  });

  it("suggests the command a typo was close to", async () => {
    expect(await runCli(["buil"], { cwd: REPO })).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: unknown command 'buil'\n(Did you mean build?)\n(run with --help for usage)\n",
    });
  });

  it("refuses an unknown option", async () => {
    const project = smallProject();
    const before = snapshotTree(project);

    expect(await runCli(["build", "--frob"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: unknown option '--frob'\n(run with --help for usage)\n",
    });
    expect(snapshotTree(project)).toEqual(before);
  });
});

describe("llmsgen build", () => {
  it("writes every output and the manifest, and reports each section and atom", async () => {
    const project = smallProject();

    expect(await runCli(["build"], { cwd: project })).toEqual({ code: 0, stdout: FIRST_BUILD, stderr: "" });
    expect(readFileSync(path.join(project, "out/small.txt"), "utf8")).toBe(
      "<SMALL>\n\n<FIRST>\nRead this first.\n\nAlpha is the first atom of this small project.\n</FIRST>\n\n<NOTES>\nBeta, briefly.\n</NOTES>\n\n</SMALL>\n",
    );
    expect(Object.keys(snapshotTree(path.join(project, "out")))).toEqual(["llmsgen.lock.json", "small.txt", "tags.txt"]);
  });

  it("says it is up to date on a second build, with every delta ±0", async () => {
    const project = smallProject();
    await runCli(["build"], { cwd: project });
    const before = snapshotTree(project);

    expect(await runCli(["build"], { cwd: project })).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: "" });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("build --check exits 0 when every output is current", async () => {
    const project = smallProject();
    await runCli(["build"], { cwd: project });

    expect(await runCli(["build", "--check"], { cwd: project })).toEqual({ code: 0, stdout: UP_TO_DATE, stderr: "" });
  });

  it("build --check exits 1 and lists what would change after an atom changes, writing nothing", async () => {
    const project = smallProject();
    await runCli(["build"], { cwd: project });
    writeFiles(project, { "atoms/alpha.md": "---\nid: alpha\ntitle: Alpha\nbrief: Alpha, briefly.\n---\nAlpha is the first atom of this small project, now longer.\n" });
    const before = snapshotTree(project);

    const run = await runCli(["build", "--check"], { cwd: project });

    expect(run).toEqual({
      code: 1,
      stderr: "",
      stdout: [
        "small → out/small.txt  43 tokens, no budget (o200k_base)",
        "  section / atom  tokens  budget  delta  state    why",
        "  FIRST               23       -     +3",
        "    alpha             13                 full",
        "  NOTES               12      12     ±0",
        "    beta               4                 brief    section budget 12, priority 20, saved 21",
        "    gamma              -                 dropped  section budget 12, priority 10, saved 8",
        "",
        "tags → out/tags.txt  70 tokens, no budget (o200k_base)",
        "  section / atom  tokens  budget  delta  state",
        "  ALPHA               21       -     +3",
        "    alpha             13                 full",
        "  BETA                32       -     ±0",
        "    beta              25                 full",
        "  GAMMA               17       -     ±0",
        "    gamma              8                 full",
        "",
        "would change (run llmsgen build):",
        "  out/small.txt",
        "  out/tags.txt",
        "  out/llmsgen.lock.json",
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("build --check on a project never built exits 1 and creates no out dir", async () => {
    const project = smallProject();

    const run = await runCli(["build", "--check"], { cwd: project });

    expect(run.code).toBe(1);
    expect(run.stdout.slice(run.stdout.indexOf("would change"))).toBe(
      "would change (run llmsgen build):\n  out/small.txt\n  out/tags.txt\n  out/llmsgen.lock.json\n",
    );
    expect(existsSync(path.join(project, "out"))).toBe(false);
  });

  it("build --json prints one object, with delta null before any manifest and numbers after", async () => {
    const project = smallProject();
    const report = (delta: number | null, changed: string[], written: boolean) => ({
      ok: true,
      profiles: [
        {
          profile: "small",
          output: "out/small.txt",
          encoding: "o200k_base",
          tokens: 40,
          budget: null,
          sections: [
            { tag: "FIRST", tokens: 20, budget: null, delta, atoms: [{ id: "alpha", path: "alpha.md", tokens: 10, state: "full" }] },
            {
              tag: "NOTES",
              tokens: 12,
              budget: 12,
              delta,
              atoms: [
                { id: "beta", path: "notes/beta.md", tokens: 4, state: "brief", reason: { budget: "section", section: "NOTES", limit: 12, priority: 20, saved: 21 } },
                { id: "gamma", path: "notes/gamma.md", tokens: 0, state: "dropped", reason: { budget: "section", section: "NOTES", limit: 12, priority: 10, saved: 8 } },
              ],
            },
          ],
        },
        {
          profile: "tags",
          output: "out/tags.txt",
          encoding: "o200k_base",
          tokens: 67,
          budget: null,
          sections: [
            { tag: "ALPHA", tokens: 18, budget: null, delta, atoms: [{ id: "alpha", path: "alpha.md", tokens: 10, state: "full" }] },
            { tag: "BETA", tokens: 32, budget: null, delta, atoms: [{ id: "beta", path: "notes/beta.md", tokens: 25, state: "full" }] },
            { tag: "GAMMA", tokens: 17, budget: null, delta, atoms: [{ id: "gamma", path: "notes/gamma.md", tokens: 8, state: "full" }] },
          ],
        },
      ],
      changed,
      refused: [],
      written,
    });

    const first = await runCli(["build", "--json"], { cwd: project });
    expect(first.code).toBe(0);
    expect(first.stderr).toBe("");
    expect(first.stdout.endsWith("}\n")).toBe(true);
    expect(JSON.parse(first.stdout)).toEqual(report(null, ["out/small.txt", "out/tags.txt", "out/llmsgen.lock.json"], true));

    const second = await runCli(["build", "--json"], { cwd: project });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(report(0, [], false));
  });

  it("build --json --check reports the token change as a number and exits 1", async () => {
    const project = smallProject();
    await runCli(["build", "--profile", "small"], { cwd: project });
    writeFiles(project, { "atoms/alpha.md": "---\nid: alpha\ntitle: Alpha\nbrief: Alpha, briefly.\n---\nAlpha.\n" });

    const run = await runCli(["build", "--json", "--check", "--profile", "small"], { cwd: project });

    expect(run.code).toBe(1);
    const parsed = JSON.parse(run.stdout) as { profiles: { sections: { tag: string; tokens: number; delta: number | null }[] }[]; changed: string[]; written: boolean };
    expect(parsed.profiles[0]?.sections.map(({ tag, tokens, delta }) => ({ tag, tokens, delta }))).toEqual([
      { tag: "FIRST", tokens: 12, delta: -8 },
      { tag: "NOTES", tokens: 12, delta: 0 },
    ]);
    expect(parsed.changed).toEqual(["out/small.txt", "out/llmsgen.lock.json"]);
    expect(parsed.written).toBe(false);
  });
});

describe("layout flags resolve against the current directory", () => {
  it("reads atoms and profiles and writes the out dir where --atoms, --profiles and --out point", async () => {
    const project = makeProject({ ...under("content/atoms", SMALL_ATOMS), "config/small.yaml": SMALL_PROFILE });

    const run = await runCli(["build", "--atoms", "content/atoms", "--profiles", "config", "--out", "public"], { cwd: project });

    expect(run).toEqual({
      code: 0,
      stderr: "",
      stdout: `${SMALL_REPORT("-").replace("out/small.txt", "public/small.txt")}\n\nwrote public/small.txt, public/llmsgen.lock.json\n`,
    });
    expect(Object.keys(snapshotTree(project))).toEqual([
      ".llmsgen-cache/.gitignore",
      ".llmsgen-cache/atoms.json",
      ".llmsgen-cache/files.json",
      ".llmsgen-cache/plans.json",
      ".llmsgen-cache/tokens-o200k_base.json",
      "config/small.yaml",
      "content/atoms/alpha.md",
      "content/atoms/notes/beta.md",
      "content/atoms/notes/gamma.md",
      "public/llmsgen.lock.json",
      "public/small.txt",
    ]);
  });

  it("takes atoms/, profiles/ and out/ below --root, and --out relative to the current directory, not the root", async () => {
    const project = makeProject({ ...under("site/atoms", SMALL_ATOMS), "site/profiles/small.yaml": SMALL_PROFILE });

    const run = await runCli(["build", "--root", "site", "--out", "built"], { cwd: project });

    expect(run).toEqual({
      code: 0,
      stderr: "",
      stdout: `${SMALL_REPORT("-").replace("out/small.txt", "../built/small.txt")}\n\nwrote ../built/small.txt, ../built/llmsgen.lock.json\n`,
    });
    expect(Object.keys(snapshotTree(project))).toEqual([
      "built/llmsgen.lock.json",
      "built/small.txt",
      "site/.llmsgen-cache/.gitignore",
      "site/.llmsgen-cache/atoms.json",
      "site/.llmsgen-cache/files.json",
      "site/.llmsgen-cache/plans.json",
      "site/.llmsgen-cache/tokens-o200k_base.json",
      "site/atoms/alpha.md",
      "site/atoms/notes/beta.md",
      "site/atoms/notes/gamma.md",
      "site/profiles/small.yaml",
    ]);
  });

  it("--root alone puts the out dir inside the root", async () => {
    const project = makeProject({ ...under("site/atoms", SMALL_ATOMS), "site/profiles/small.yaml": SMALL_PROFILE });

    const run = await runCli(["build", "--root", "site"], { cwd: project });

    expect(run).toEqual({ code: 0, stderr: "", stdout: `${SMALL_REPORT("-")}\n\nwrote out/small.txt, out/llmsgen.lock.json\n` });
    expect(existsSync(path.join(project, "site/out/small.txt"))).toBe(true);
  });
});

describe("--profile", () => {
  it("builds only the named profile", async () => {
    const project = smallProject();

    const run = await runCli(["build", "--profile", "tags"], { cwd: project });

    expect(run).toEqual({ code: 0, stderr: "", stdout: `${TAGS_REPORT("-")}\n\nwrote out/tags.txt, out/llmsgen.lock.json\n` });
  });

  it("takes a path to a profile outside the profiles dir, relative to the current directory", async () => {
    const project = smallProject();
    writeFiles(project, { "extra/one.yaml": "output: one.txt\nsections:\n  - tag: ONLY\n    atoms: [gamma]\n" });

    const run = await runCli(["build", "--profile", "extra/one.yaml"], { cwd: project });

    expect(run).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "extra/one.yaml → out/one.txt  14 tokens, no budget (o200k_base)",
        "  section / atom  tokens  budget  delta  state",
        "  ONLY                14       -      -",
        "    gamma              8                 full",
        "",
        "wrote out/one.txt, out/llmsgen.lock.json",
        "",
      ].join("\n"),
    });
    expect(readFileSync(path.join(project, "out/one.txt"), "utf8")).toBe("<ONLY>\nGamma is the least important atom here.\n</ONLY>\n");
  });

  it("refuses an unknown profile name, listing the available ones, and writes nothing", async () => {
    const project = smallProject();
    const before = snapshotTree(project);

    expect(await runCli(["build", "--profile", "smal"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "--profile smal: no profile named 'smal' in profiles (did you mean 'small'?); available: small, tags\n",
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("refuses a profile path that does not exist", async () => {
    const project = smallProject();

    expect(await runCli(["build", "--profile", "extra/none.yaml"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "--profile extra/none.yaml: profile file not found: extra/none.yaml\n",
    });
  });
});

describe("colour", () => {
  const bold = (text: string) => `\u001b[1m${text}\u001b[22m`;
  const dim = (text: string) => `\u001b[2m${text}\u001b[22m`;
  const red = (text: string) => `\u001b[31m${text}\u001b[39m`;
  const yellow = (text: string) => `\u001b[33m${text}\u001b[39m`;
  const green = (text: string) => `\u001b[32m${text}\u001b[39m`;

  it("styles the report on a terminal", async () => {
    const project = smallProject();

    const run = await runCli(["build", "--profile", "small"], { cwd: project, tty: true });

    expect(run).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `${bold("small")} → out/small.txt  40 tokens, no budget (o200k_base)`,
        `  ${dim("section / atom  tokens  budget  delta  state    why")}`,
        "  FIRST               20       -      -",
        "    alpha             10                 full",
        "  NOTES               12      12      -",
        `  ${yellow("  beta               4                 brief    section budget 12, priority 20, saved 21")}`,
        `  ${red("  gamma              -                 dropped  section budget 12, priority 10, saved 8")}`,
        "",
        green("wrote out/small.txt, out/llmsgen.lock.json"),
        "",
      ].join("\n"),
    });
  });

  it("prints no escapes on a terminal when NO_COLOR is set", async () => {
    const project = smallProject();

    const run = await runCli(["build"], { cwd: project, tty: true, env: { NO_COLOR: "1" } });

    expect(run).toEqual({ code: 0, stdout: FIRST_BUILD, stderr: "" });
  });

  it("prints no escapes when the output is not a terminal", async () => {
    const project = smallProject();

    const run = await runCli(["build"], { cwd: project, tty: false });

    expect(run).toEqual({ code: 0, stdout: FIRST_BUILD, stderr: "" });
  });
});

describe("the compiled bin", () => {
  it("runs build --check end to end: exit 1 before a build, 0 after", async () => {
    const project = smallProject();
    const check = () => spawnSync(process.execPath, [BIN, "build", "--check", "--profile", "small"], { cwd: project, encoding: "utf8", env: { PATH: process.env.PATH ?? "", XDG_STATE_HOME: process.env.XDG_STATE_HOME ?? "" } });

    const stale = check();
    expect({ status: stale.status, stderr: stale.stderr }).toEqual({ status: 1, stderr: "" });
    expect(stale.stdout).toBe(`${SMALL_REPORT("-")}\n\nwould change (run llmsgen build):\n  out/small.txt\n  out/llmsgen.lock.json\n`);

    await runCli(["build", "--profile", "small"], { cwd: project });
    const clean = check();
    expect({ status: clean.status, stderr: clean.stderr }).toEqual({ status: 0, stderr: "" });
    expect(clean.stdout).toBe(`${SMALL_REPORT("±0")}\n\nup to date: every output matches its atoms and profile\n`);
  });

  it("exits 2 with the message on stderr for bad input", () => {
    const project = makeProject({ "atoms/a.md": "no frontmatter\n", "profiles/p.yaml": "output: a.txt\ninclude: [\"*.md\"]\n" });

    const run = spawnSync(process.execPath, [BIN, "build"], { cwd: project, encoding: "utf8", env: { PATH: process.env.PATH ?? "", XDG_STATE_HOME: process.env.XDG_STATE_HOME ?? "" } });

    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
      status: 2,
      stdout: "",
      stderr: "atoms/a.md:1: expected YAML frontmatter: the file must start with a line '---', then id, title and brief, then '---'\n",
    });
  });
});
