import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withConfig } from "../../src/load/layout.js";
import { findConfig } from "../../src/load/load-config.js";
import { makeProject, runCli, snapshotTree, writeFiles } from "../helpers.js";
import { SMALL_ATOMS, SMALL_PROFILE, SMALL_REPORT, under } from "./small-project.js";

/** The small project with its atoms and profiles under content/, and a config saying so. */
function configuredProject(config: Record<string, string>): string {
  return makeProject({ ...under("content/atoms", SMALL_ATOMS), "content/profiles/small.yaml": SMALL_PROFILE, ...config });
}

const CONFIG = "# where things live\natoms: content/atoms\nprofiles: content/profiles\nout: public\n";
const BUILT = `${SMALL_REPORT("-").replace("out/small.txt", "public/small.txt")}\n\nwrote public/small.txt, public/llmsgen.lock.json\n`;

describe("the config file", () => {
  it("is found from a subfolder, and everything resolves against it", async () => {
    const project = configuredProject({ "llmsgen.config.yaml": CONFIG });
    const deep = path.join(project, "content/atoms/notes");

    expect(await runCli(["build"], { cwd: deep })).toEqual({ code: 0, stdout: BUILT, stderr: "" });
    expect(readFileSync(path.join(project, "public/small.txt"), "utf8")).toContain("<NOTES>\nBeta, briefly.\n</NOTES>");
    expect(existsSync(path.join(project, ".llmsgen-cache/plans.json"))).toBe(true);
    expect(await runCli(["sync-check", "--profile", "small"], { cwd: deep })).toEqual({ code: 0, stdout: "sync-check: clean: 1 output matches what a build writes\n", stderr: "" });
  });

  it("may be an \"llmsgen\" key in package.json", async () => {
    const project = configuredProject({
      "package.json": JSON.stringify({ name: "docs", llmsgen: { atoms: "content/atoms", profiles: "content/profiles", out: "public" } }, null, 2),
    });

    expect(await runCli(["build"], { cwd: path.join(project, "content") })).toEqual({ code: 0, stdout: BUILT, stderr: "" });
  });

  it("takes root relative to its own folder, and the dirs relative to the root", async () => {
    const project = makeProject({ ...under("site/content/atoms", SMALL_ATOMS), "site/content/profiles/small.yaml": SMALL_PROFILE, "llmsgen.config.yaml": `root: site\n${CONFIG}` });

    expect(await runCli(["build"], { cwd: project })).toEqual({ code: 0, stdout: BUILT, stderr: "" });
    expect(existsSync(path.join(project, "site/public/small.txt"))).toBe(true);
  });

  it("is overridden by flags, which resolve against the current directory", async () => {
    const project = configuredProject({ "llmsgen.config.yaml": CONFIG });

    const run = await runCli(["build", "--out", "elsewhere"], { cwd: path.join(project, "content") });

    expect(run).toEqual({ code: 0, stderr: "", stdout: `${SMALL_REPORT("-").replace("out/small.txt", "content/elsewhere/small.txt")}\n\nwrote content/elsewhere/small.txt, content/elsewhere/llmsgen.lock.json\n` });
    expect(existsSync(path.join(project, "public"))).toBe(false);
  });

  it("turns the cache off with cache: false", async () => {
    const project = configuredProject({ "llmsgen.config.yaml": `${CONFIG}cache: false\n` });

    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    expect(existsSync(path.join(project, ".llmsgen-cache"))).toBe(false);
  });

  it("is read from --config FILE, and not at all with --no-config", async () => {
    const project = configuredProject({ "settings/llmsgen.yaml": "root: ..\natoms: content/atoms\nprofiles: content/profiles\nout: public\n" });

    expect(await runCli(["build", "--config", "settings/llmsgen.yaml"], { cwd: project })).toEqual({ code: 0, stdout: BUILT, stderr: "" });
    writeFiles(project, { "llmsgen.config.yaml": CONFIG });
    expect(await runCli(["lint", "--no-config"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: "atoms: atoms dir not found: create it, or point --atoms or --root at it\nprofiles: profiles dir not found: create it, or point --profiles or --root at it\n" });
    expect(await runCli(["build", "--config", "missing.yaml"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: "--config missing.yaml: config file not found: missing.yaml\n" });
  });

  it("passes the project's known frontmatter keys and example checkers on to the commands", () => {
    const project = makeProject({ "llmsgen.config.yaml": "lint:\n  known_keys: [owner, qa_tier]\nexamples:\n  sh: bash -n {file}\n" });

    const options = withConfig({ cwd: project, knownKeys: ["extra"] }, findConfig(project));

    expect(options.knownKeys).toEqual(["owner", "qa_tier", "extra"]);
    expect(options.exampleCheckers).toEqual({ file: "llmsgen.config.yaml", checkers: [{ language: "sh", command: ["bash", "-n", "{file}"], line: 4 }] });
    expect(options.root).toBe(project);
  });

  it("takes an empty config file as every default", async () => {
    const project = makeProject({ ...under("atoms", SMALL_ATOMS), "profiles/small.yaml": SMALL_PROFILE, "llmsgen.config.yaml": "# nothing set yet\n" });
    mkdirSync(path.join(project, "docs"));

    const run = await runCli(["build"], { cwd: path.join(project, "docs") });

    expect(run).toEqual({ code: 0, stderr: "", stdout: `${SMALL_REPORT("-")}\n\nwrote out/small.txt, out/llmsgen.lock.json\n` });
  });
});

describe("a config that is not valid", () => {
  it("is bad input: every problem with its line and a did-you-mean, and nothing written", async () => {
    const project = configuredProject({
      "llmsgen.config.yaml": "atom: content/atoms\nprofiles: content/profiles\nout: 3\ncache: no\nlint:\n  strict: true\n  known_keys: owner\nexamples:\n  sh: \"\"\n",
    });
    const before = snapshotTree(project);

    expect(await runCli(["build"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: [
        "llmsgen.config.yaml:1: unknown key 'atom' (did you mean 'atoms'?): expected one of root, atoms, profiles, out, cache, lint, examples",
        "llmsgen.config.yaml:3: out must be a directory path (relative to the root), got 3",
        "llmsgen.config.yaml:4: cache: 'no' would be read as a folder name: write false for no cache, or a directory path",
        "llmsgen.config.yaml:6: unknown key 'lint.strict': expected one of known_keys",
        "llmsgen.config.yaml:7: lint.known_keys must be a list of frontmatter key names (strings without spaces) like [qa_tier, owner], got \"owner\"",
        "llmsgen.config.yaml:9: examples.sh: the checker must be a command line like \"sh -n {file}\", got \"\"",
        "",
      ].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("names the wrong item of a known_keys list, also one reached through an alias", async () => {
    const project = configuredProject({ "llmsgen.config.yaml": "x: &a [1]\nlint:\n  known_keys: *a\n" });

    const run = await runCli(["lint"], { cwd: project });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("llmsgen.config.yaml:3: lint.known_keys must be a list of frontmatter key names (strings without spaces) like [qa_tier, owner], got a list containing 1\n");
  });

  it("in package.json names the key's path and line", async () => {
    const project = configuredProject({ "package.json": '{\n  "name": "docs",\n  "llmsgen": {\n    "profile": "content/profiles"\n  }\n}\n' });

    expect(await runCli(["lint", "--format", "json"], { cwd: project })).toEqual({
      code: 2,
      stderr: "package.json:4: unknown key 'llmsgen.profile' (did you mean 'profiles'?): expected one of root, atoms, profiles, out, cache, lint, examples\n",
      stdout: `${JSON.stringify(
        {
          ok: false,
          errors: [{ file: "package.json", line: 4, message: "unknown key 'llmsgen.profile' (did you mean 'profiles'?): expected one of root, atoms, profiles, out, cache, lint, examples" }],
        },
        null,
        2,
      )}\n`,
    });
  });

  it("is refused when two configs share a folder, or a package.json on the way up cannot be read", async () => {
    const project = configuredProject({ "llmsgen.config.yaml": CONFIG, "llmsgen.config.yml": CONFIG });
    expect(await runCli(["build"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: "llmsgen.config.yaml: two llmsgen configs in one directory (also llmsgen.config.yml): keep one\n" });

    const broken = configuredProject({ "package.json": '{\n  "name": "docs",\n  "llmsgen": {\n' });
    expect(await runCli(["build"], { cwd: path.join(broken, "content") })).toEqual({
      code: 2,
      stdout: "",
      stderr: "../package.json:4: invalid JSON: Flow map in block collection must be sufficiently indented and end with a }\n",
    });
  });
});
