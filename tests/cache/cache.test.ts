import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { atom, makeProject, runCli, snapshotTree } from "../helpers.js";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/cli/bin.js");

const PROFILE = "output: guide.txt\nwrapper: GUIDE\nbudget: 60\nsections:\n  - tag: BASICS\n    atoms: [first, second]\n  - tag: MORE\n    atoms: [third]\n";
const FILES = {
  "profiles/guide.yaml": PROFILE,
  "atoms/first.md": atom({ id: "first", title: "First", brief: "The first idea.", priority: 90 }, "The first idea, told at length so that the budget has something to squeeze.\n\nA second paragraph follows."),
  "atoms/second.md": atom({ id: "second", title: "Second", brief: "The second idea.", priority: 10 }, "The second idea, also told at some length, with `code` and a list:\n\n- one\n- two"),
  "atoms/third.md": atom({ id: "third", title: "Third", brief: "The third idea." }, "The third idea: short."),
};

function outputs(project: string): Record<string, string> {
  const tree = snapshotTree(project);
  return Object.fromEntries(Object.entries(tree).filter(([file]) => file.startsWith("out/")));
}

describe("the cache", () => {
  it("gives the same bytes and the same reports with the cache as without it", async () => {
    const cached = makeProject(FILES);
    const uncached = makeProject(FILES);
    const runs = async (project: string, flags: string[]) => [await runCli(["build", ...flags], { cwd: project }), await runCli(["build", ...flags], { cwd: project })];

    const [coldCached, warmCached] = await runs(cached, []);
    const [coldPlain, warmPlain] = await runs(uncached, ["--no-cache"]);

    expect(existsSync(path.join(cached, ".llmsgen-cache/tokens-o200k_base.json"))).toBe(true);
    expect(readFileSync(path.join(cached, ".llmsgen-cache/.gitignore"), "utf8")).toBe("# llmsgen's cache: safe to delete, never committed\n*\n");
    expect(coldCached).toEqual(coldPlain);
    expect(warmCached).toEqual(warmPlain);
    expect(warmCached?.stdout).toContain("up to date");
    expect(outputs(cached)).toEqual(outputs(uncached));
  });

  it("ignores a cache edited by hand, even with its checksum recomputed, with a warning; never fatally", async () => {
    const project = makeProject(FILES);
    await runCli(["build"], { cwd: project });
    const before = outputs(project);
    const cache = path.join(project, ".llmsgen-cache/tokens-o200k_base.json");
    const text = readFileSync(cache, "utf8");
    const header = text.slice(0, text.indexOf("\n"));
    const edited = text.slice(text.indexOf("\n") + 1).replace(/\n(\d+)\n/, "\n$1999\n");
    expect(edited).not.toBe(text.slice(text.indexOf("\n") + 1));
    writeFileSync(cache, `${JSON.stringify({ ...JSON.parse(header), mac: createHash("sha256").update(edited).digest("hex") })}\n${edited}`);
    // Without the packed plans, the build needs token counts again and so reads the token cache.
    rmSync(path.join(project, ".llmsgen-cache/plans.json"));

    const run = await runCli(["build", "--check"], { cwd: project });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`llmsgen: warning: .llmsgen-cache/tokens-o200k_base.json: its signature does not match this machine's cache key (edited, damaged, or made on another machine); ignoring it (it is rebuilt as you build; deleting it is always safe)\n`);
    expect(outputs(project)).toEqual(before);
  });

  it("ignores a cache signed on another machine (another cache key), and replaces it", async () => {
    const project = makeProject(FILES);
    const home = process.env.XDG_STATE_HOME;
    process.env.XDG_STATE_HOME = makeProject({});
    try {
      await runCli(["build"], { cwd: project });
    } finally {
      process.env.XDG_STATE_HOME = home;
    }

    const first = await runCli(["build"], { cwd: project });
    const second = await runCli(["build"], { cwd: project });

    const warning = (file: string) => `llmsgen: warning: .llmsgen-cache/${file}: its signature does not match this machine's cache key (edited, damaged, or made on another machine); ignoring it (it is rebuilt as you build; deleting it is always safe)`;
    expect({ code: first.code, stderr: first.stderr.split("\n") }).toEqual({ code: 0, stderr: [warning("files.json"), warning("atoms.json"), warning("plans.json"), warning("tokens-o200k_base.json"), ""] });
    expect(second).toEqual({ code: 0, stdout: first.stdout, stderr: "" });
  });

  it("replaces a cache made by another tokenizer version without a word; warns about a file of another kind", async () => {
    const project = makeProject(FILES);
    await runCli(["build"], { cwd: project });
    const tokens = path.join(project, ".llmsgen-cache/tokens-o200k_base.json");
    const plans = path.join(project, ".llmsgen-cache/plans.json");
    writeFileSync(tokens, readFileSync(tokens, "utf8").replace(/"stamp":"tiktoken [^"]*"/, '"stamp":"tiktoken 0.0.1 o200k_base"'));
    writeFileSync(plans, readFileSync(path.join(project, ".llmsgen-cache/atoms.json"), "utf8"));

    const run = await runCli(["build", "--check"], { cwd: project });

    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: `llmsgen: warning: .llmsgen-cache/plans.json: not an llmsgen cache of this kind; ignoring it (it is rebuilt as you build; deleting it is always safe)\n`,
    });
  });

  it("a directory where a cache file goes is a warning: the build still writes its outputs and manifest", async () => {
    const project = makeProject(FILES);
    const reference = makeProject(FILES);
    mkdirSync(path.join(project, ".llmsgen-cache/plans.json"), { recursive: true });

    const run = await runCli(["build"], { cwd: project });
    await runCli(["build", "--no-cache"], { cwd: reference });

    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr:
        "llmsgen: warning: .llmsgen-cache/plans.json: cannot read this cache file (EISDIR: illegal operation on a directory, read); ignoring it\n" +
        "llmsgen: warning: .llmsgen-cache/plans.json: a directory stands where llmsgen writes a file: move it away; the cache is not saved\n",
    });
    expect(outputs(project)).toEqual(outputs(reference));
  });

  it("never writes through a dangling link at .llmsgen-cache/.gitignore, and says so", async () => {
    const project = makeProject(FILES);
    const outside = makeProject({});
    mkdirSync(path.join(project, ".llmsgen-cache"));
    symlinkSync(path.join(outside, "planted"), path.join(project, ".llmsgen-cache/.gitignore"));

    const run = await runCli(["build"], { cwd: project });

    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: `llmsgen: warning: .llmsgen-cache/.gitignore: a symbolic link to ${path.join(outside, "planted")}, which does not exist, stands where llmsgen writes .llmsgen-cache/.gitignore, and llmsgen never writes through a link under the root: replace it with a real file, or remove it; the cache is not saved\n`,
    });
    expect(existsSync(path.join(outside, "planted"))).toBe(false);
    expect(readdirSync(path.join(project, "out")).sort()).toEqual(["guide.txt", "llmsgen.lock.json"]);
  });

  it("a cache key that cannot be made is a warning: the build runs without the cache", async () => {
    const project = makeProject(FILES);
    const blocked = path.join(makeProject({ "state": "a file, not a directory" }), "state");
    const run = await buildWithStateHome(blocked, project);

    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: `llmsgen: warning: cannot use the cache key ${blocked}/llmsgen/cache-key (ENOTDIR: not a directory, open '${blocked}/llmsgen/cache-key'): the cache is not used in this run; fix that path, or build with --no-cache\n`,
    });
    expect(existsSync(path.join(project, ".llmsgen-cache"))).toBe(false);
  });

  it("a cache key that is a FIFO is a warning, never a hang: the build runs without the cache", async () => {
    const project = makeProject(FILES);
    const state = makeProject({ "llmsgen/.keep": "" });
    spawnSync("mkfifo", [path.join(state, "llmsgen", "cache-key")]);
    const run = await buildWithStateHome(state, project);

    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: `llmsgen: warning: cannot use the cache key ${state}/llmsgen/cache-key (not a regular file: remove it and llmsgen makes a new key): the cache is not used in this run; fix that path, or build with --no-cache\n`,
    });
    expect(readdirSync(path.join(project, "out")).sort()).toEqual(["guide.txt", "llmsgen.lock.json"]);
  });

  it("--no-cache reads and writes no cache; --cache puts it elsewhere", async () => {
    const project = makeProject(FILES);
    await runCli(["build", "--no-cache"], { cwd: project });
    expect(existsSync(path.join(project, ".llmsgen-cache"))).toBe(false);

    await runCli(["build", "--force", "--cache", "tmp/llmsgen"], { cwd: project });
    expect(existsSync(path.join(project, "tmp/llmsgen/atoms.json"))).toBe(true);
  });

  it("counts the same with worker threads as on the main thread (compiled CLI, workers forced)", () => {
    const many: Record<string, string> = { "profiles/all.yaml": "output: all.txt\nbudget: 3000\ninclude: ['**/*.md']\n" };
    for (let i = 0; i < 120; i++) {
      many[`atoms/part-${i % 7}/atom-${i}.md`] = atom(
        { id: `atom-${i}`, title: `Atom ${i}`, brief: `Brief ${i}.`, priority: (i * 37) % 101, tag: `TOPIC_${i % 9}` },
        `Atom ${i} says ${"something useful ".repeat(1 + (i % 13))}.\n\n\`\`\`mlld\nvar @x${i} = "/path/${i}"\n\`\`\``,
      );
    }
    const serial = makeProject(many);
    const parallel = makeProject(many);
    const run = (cwd: string, workers: string) => spawnSync(process.execPath, [BIN, "build", "--no-cache"], { cwd, encoding: "utf8", env: { ...process.env, LLMSGEN_WORKERS: workers } });

    const one = run(serial, "0");
    const two = run(parallel, "2");

    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(outputs(parallel)).toEqual(outputs(serial));
  });
});

/** A build of `project` with the per-machine state (the cache key) under `state`. */
async function buildWithStateHome(state: string, project: string): Promise<Awaited<ReturnType<typeof runCli>>> {
  const home = process.env.XDG_STATE_HOME;
  process.env.XDG_STATE_HOME = state;
  try {
    return await runCli(["build"], { cwd: project });
  } finally {
    process.env.XDG_STATE_HOME = home;
  }
}
