import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { get_encoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { makeProject, runCli, snapshotTree } from "../helpers.js";

/**
 * The docs-tree fixture is a small project of its own (package.json, config,
 * docs/topics by convention, docs/handwritten, docs/profiles): three topic
 * folders of NN-parent--child.md files with _index.md landing pages left out,
 * one output per folder without a final newline, and a combined output that
 * wraps them with two hand-maintained files under a versioned wrapper.
 */
const TREE = fileURLToPath(new URL("../fixtures/docs-tree/", import.meta.url));
const EXPECTED = path.join(TREE, "expected");
const read = (file: string) => readFileSync(path.join(TREE, file), "utf8");

async function buildTree(extra: readonly string[] = []): Promise<Record<string, string>> {
  const out = makeProject({});
  const run = await runCli(["build", "--out", out, ...extra], { cwd: TREE });
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  return snapshotTree(out);
}

describe("a docs tree with conventions", () => {
  it("builds the exact bytes of tests/fixtures/docs-tree/expected", async () => {
    const built = await buildTree();

    expect(Object.keys(built)).toEqual(["getting-started.txt", "llms-full.txt", "llms.txt", "llmsgen.lock.json", "plugins.txt", "tasks.txt"]);
    for (const [file, bytes] of Object.entries(built)) expect(bytes, file).toBe(readFileSync(path.join(EXPECTED, file), "latin1"));
  });

  it("renders one output per folder: sections named by the file names, landing pages left out, no final newline", () => {
    const tasks = readFileSync(path.join(EXPECTED, "tasks.txt"), "utf8");
    const plugins = readFileSync(path.join(EXPECTED, "plugins.txt"), "utf8");
    const started = readFileSync(path.join(EXPECTED, "getting-started.txt"), "utf8");

    // 01-/02-/03-tasks--*.md are one <TASKS> section in path order; 07-environment.md keeps its own tag:; 07b- sorts after 07-.
    expect(tasks.split("\n").filter((line) => /^<\/?[A-Z_]+>$/.test(line))).toEqual([
      "<TERN_TASKS>", "<TASKS>", "</TASKS>", "<ENVIRONMENT_VARIABLES>", "</ENVIRONMENT_VARIABLES>", "<SHELL>", "</SHELL>", "</TERN_TASKS>",
    ]);
    expect(tasks.startsWith("<TERN_TASKS>\n\nHow tern tasks are defined, ordered and cached.\n\n<TASKS>\nA task is a name under `tasks:`")).toBe(true);
    expect(tasks.endsWith("for example `shell: bash`.\n</SHELL>\n\n</TERN_TASKS>")).toBe(true);
    // No wrapper: the file ends right after the last section's closing tag.
    expect(plugins.startsWith("<PLUGINS>\nA plugin is an ES module")).toBe(true);
    expect(plugins.endsWith("after` hooks in reverse.\n</HOOKS>")).toBe(true);
    expect(started.endsWith("</FIRST_RUN>\n\n</GETTING_STARTED>")).toBe(true);
    for (const text of [tasks, plugins, started]) expect(text).not.toContain("navigation");
  });

  it("composes the combined output from the parts' exact bytes, joined by blank lines, under an escaped, versioned wrapper", () => {
    const parts = [
      read("docs/handwritten/QUICKSTART.md"),
      readFileSync(path.join(EXPECTED, "getting-started.txt"), "utf8"),
      readFileSync(path.join(EXPECTED, "tasks.txt"), "utf8"),
      readFileSync(path.join(EXPECTED, "plugins.txt"), "utf8"),
      read("docs/handwritten/FAQ.md"),
    ];
    const open = '<TERN_DOCS version="2.4.1" package="tern-cli" audience="agents &amp; people">';

    // A hand-maintained part keeps its own final newline, so a blank line and that newline stand after it.
    expect(readFileSync(path.join(EXPECTED, "llms-full.txt"), "utf8")).toBe(`${open}\n\n${parts.join("\n\n")}\n\n</TERN_DOCS>\n`);
  });

  it("lists the composed output in the index and records its parts in the manifest, with exact tiktoken counts", () => {
    const lock = JSON.parse(readFileSync(path.join(EXPECTED, "llmsgen.lock.json"), "utf8")) as {
      outputs: Record<string, { tokens: number; parts?: { file?: string; profile?: string; output?: string; tokens: number; sha256: string }[] }>;
    };
    const encoder = get_encoding("o200k_base");
    try {
      const count = (text: string) => encoder.encode_ordinary(text).length;
      for (const [output, entry] of Object.entries(lock.outputs)) expect(entry.tokens, output).toBe(count(readFileSync(path.join(EXPECTED, output), "utf8")));
      const parts = lock.outputs["llms-full.txt"]?.parts ?? [];
      expect(parts.map((part) => part.file ?? part.profile)).toEqual(["docs/handwritten/QUICKSTART.md", "getting-started", "tasks", "plugins", "docs/handwritten/FAQ.md"]);
      for (const part of parts) {
        const text = part.file !== undefined ? read(part.file) : readFileSync(path.join(EXPECTED, part.output ?? ""), "utf8");
        expect(part.tokens, part.file ?? part.profile).toBe(count(text));
      }
    } finally {
      encoder.free();
    }
    expect(readFileSync(path.join(EXPECTED, "llms.txt"), "utf8")).toContain(`- [llms-full.txt](llms-full.txt): The whole tern documentation in one file (${lock.outputs["llms-full.txt"]?.tokens} tokens)\n`);
  });

  it("builds the same bytes whatever order the atom files were created in", async () => {
    const shuffled = makeProject({});
    const topics = path.join(TREE, "docs/topics");
    for (const file of Object.keys(snapshotTree(topics)).reverse()) {
      mkdirSync(path.join(shuffled, path.dirname(file)), { recursive: true });
      copyFileSync(path.join(topics, file), path.join(shuffled, file));
    }

    expect(await buildTree(["--atoms", shuffled])).toEqual(snapshotTree(EXPECTED));
  });

  it("builds the composed output alone with its parts planned but not written", async () => {
    const built = await buildTree(["--profile", "combined"]);

    expect(Object.keys(built)).toEqual(["llms-full.txt", "llmsgen.lock.json"]);
    expect(built["llms-full.txt"]).toBe(readFileSync(path.join(EXPECTED, "llms-full.txt"), "latin1"));
  });

  it("reports the composed output's parts and tokens in the build report, text and JSON, and explain names the part", async () => {
    const out = makeProject({});
    const text = await runCli(["build", "--out", out, "--profile", "combined", "--check"], { cwd: TREE });
    const lock = JSON.parse(readFileSync(path.join(EXPECTED, "llmsgen.lock.json"), "utf8")) as { outputs: Record<string, { tokens: number }> };
    const tokens = (file: string) => lock.outputs[file]?.tokens;
    expect(text.stdout.split("\n").slice(0, 7)).toEqual([
      `combined → ${path.relative(TREE, path.join(out, "llms-full.txt"))}  ${tokens("llms-full.txt")} tokens, no budget (o200k_base)`,
      "  part                            tokens  from",
      "  docs/handwritten/QUICKSTART.md      41  hand-maintained file",
      `  getting-started                    111  profile → ${path.relative(TREE, path.join(out, "getting-started.txt"))}`,
      `  tasks                              214  profile → ${path.relative(TREE, path.join(out, "tasks.txt"))}`,
      `  plugins                             86  profile → ${path.relative(TREE, path.join(out, "plugins.txt"))}`,
      "  docs/handwritten/FAQ.md             49  hand-maintained file",
    ]);
    const json = await runCli(["build", "--out", out, "--profile", "combined", "--check", "--format", "json"], { cwd: TREE });
    const report = JSON.parse(json.stdout) as { profiles: { profile: string; sections: unknown[]; parts: { file?: string; profile?: string; tokens: number }[] }[] };
    expect(report.profiles[0]?.sections).toEqual([]);
    expect(report.profiles[0]?.parts.map((part) => [part.file ?? part.profile, part.tokens])).toEqual([
      ["docs/handwritten/QUICKSTART.md", 41],
      ["getting-started", 111],
      ["tasks", 214],
      ["plugins", 86],
      ["docs/handwritten/FAQ.md", 49],
    ]);
    const explained = await runCli(["explain", "tasks-cache", "--out", out], { cwd: TREE });
    expect(explained.stdout).toBe(
      [
        "tasks-cache: Task caching (docs/topics/02-tasks/03-tasks--cache.md), tag TASKS_CACHE, priority 50",
        `  combined → ${path.relative(TREE, path.join(out, "llms-full.txt"))} (in part tasks): section TASKS, atom 3 of 3: full, 33 tokens`,
        `  tasks → ${path.relative(TREE, path.join(out, "tasks.txt"))}: section TASKS, atom 3 of 3: full, 33 tokens`,
        "  not in: getting-started, plugins",
        "",
      ].join("\n"),
    );
  });
});
