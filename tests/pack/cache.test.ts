import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

  it("ignores a corrupt cache with a warning, never fatally, and rebuilds it", async () => {
    const project = makeProject(FILES);
    await runCli(["build"], { cwd: project });
    const before = outputs(project);
    const cache = path.join(project, ".llmsgen-cache/tokens-o200k_base.json");
    writeFileSync(cache, readFileSync(cache, "utf8").replace(/:(\d+)/, ":$1999"));
    // Without the packed plans, the build needs token counts again and so reads the token cache.
    rmSync(path.join(project, ".llmsgen-cache/plans.json"));

    const run = await runCli(["build", "--check"], { cwd: project });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`llmsgen: warning: ${cache}: corrupt cache (checksum mismatch); ignoring it (it is rebuilt as you build; deleting it is always safe)\n`);
    expect(outputs(project)).toEqual(before);
  });

  it("ignores a cache made for another tokenizer version or of another kind", async () => {
    const project = makeProject(FILES);
    await runCli(["build"], { cwd: project });
    const tokens = path.join(project, ".llmsgen-cache/tokens-o200k_base.json");
    const plans = path.join(project, ".llmsgen-cache/plans.json");
    writeFileSync(tokens, readFileSync(tokens, "utf8").replace(/"stamp":"tiktoken [^"]*"/, '"stamp":"tiktoken 0.0.1 o200k_base"'));
    writeFileSync(plans, "not json at all\n{}");

    const run = await runCli(["build", "--check"], { cwd: project });

    expect(run.code).toBe(0);
    expect(run.stderr.split("\n")).toEqual([
      `llmsgen: warning: ${plans}: corrupt cache (not the expected JSON); ignoring it (it is rebuilt as you build; deleting it is always safe)`,
      `llmsgen: warning: ${tokens}: made by tiktoken 0.0.1 o200k_base, not tiktoken ${JSON.parse(readFileSync(path.resolve("node_modules/tiktoken/package.json"), "utf8")).version} o200k_base; ignoring it (it is rebuilt as you build; deleting it is always safe)`,
      "",
    ]);
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
